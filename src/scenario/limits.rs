//! Every size Queue Lab accepts, in one place: scenario and exercise files, the command line and
//! the playground's addresses.
//!
//! Each limit is generous for any real use (the shipped scenarios and exercises stay far below
//! it: at most 11 KB, 4 classes, 2 stages, 15 rate segments, 4 knobs of 8 choices, 5 seeds) and
//! small enough that the largest legal input validates in well under a second and runs in
//! bounded memory, natively and in the browser. A value past a limit is refused before anything
//! proportional to it is allocated where that is practical (the file's size is checked before it
//! is read or parsed; counts right after parsing, before a config is built), with the field, the
//! value and the limit. `docs/reference.md` has the table.

// --- Files --------------------------------------------------------------------------------------

/// Bytes of one scenario or exercise file, or a sandbox paste.
pub const MAX_INPUT_BYTES: usize = 1 << 20;

/// Problems listed for one file; the rest are counted in a last line.
pub const MAX_REPORTED_ERRORS: usize = 100;

/// Files `queuelab check` reads from its paths.
pub const MAX_CHECK_FILES: usize = 10_000;

/// Bytes of a file of latency samples or a histogram (`file = ...` of an empirical
/// distribution): its samples are held in memory.
pub const MAX_SAMPLES_FILE_BYTES: u64 = 256 << 20;
/// Samples of one empirical distribution, from a file or inline (8 bytes each: 80 MB).
pub const MAX_EMPIRICAL_SAMPLES: usize = 10_000_000;
/// Bytes of an arrival trace (`process = "trace"`). It is streamed, never held, so memory stays
/// flat; the cap keeps its two passes (validation, then the run) within a minute or so.
pub const MAX_TRACE_BYTES: u64 = 1 << 30;

// --- Scenario tables ----------------------------------------------------------------------------

/// `[[classes]]` entries.
pub const MAX_CLASSES: usize = 1_000;
/// `[[stages]]` entries (a pipeline's later stages).
pub const MAX_STAGES: usize = 64;
/// `segments` of one `process = "schedule"` arrival process.
pub const MAX_RATE_SEGMENTS: usize = 10_000;
/// `[[alerts]]` entries.
pub const MAX_ALERTS: usize = 100;
/// `fanout.calls`: parallel calls per request. Each is a random draw, and the run's work budget
/// counts them ([`MAX_EXPECTED_EVENTS`]); Google's "tail at scale" lesson needs 100.
pub const MAX_FANOUT_CALLS: i64 = 1_000;
/// `[[downstream.incidents]]` entries.
pub const MAX_INCIDENTS: usize = 1_000;
/// `[[autoscaler.prewarm]]` steps.
pub const MAX_PREWARM_STEPS: usize = 1_000;
/// `components` of one mixture distribution.
pub const MAX_MIXTURE_COMPONENTS: usize = 1_000;
/// Characters in one policy script's `code` (a policy is a few dozen lines).
pub const MAX_SCRIPT_CHARS: usize = 20_000;
/// Characters of a class, stage or alert name (it becomes part of metric paths).
pub const MAX_NAME_CHARS: usize = 64;

/// Workers of one pool or stage (`pool.workers`, `classes[].workers`, `stages[].workers`, the
/// autoscaler's bounds).
pub const MAX_WORKERS_PER_POOL: i64 = 100_000;
/// Workers a run may have at once across all its pools and stages: the shared pool, every
/// class's own pool and every stage, each at its autoscaler's maximum when one resizes it (or
/// within `autoscaler.budget`).
pub const MAX_TOTAL_WORKERS: usize = 100_000;
/// Closed-loop clients (`arrivals.clients`).
pub const MAX_CLIENTS: i64 = 100_000;
/// Shards of one pool (`pool.shards`).
pub const MAX_SHARDS: i64 = 10_000;
/// Distinct request keys (`keys.count`).
pub const MAX_KEYS: i64 = 1 << 40;
/// Slots of a stage's buffer (`stages[].buffer`).
pub const MAX_STAGE_BUFFER: i64 = 10_000_000;

/// Runs expected to need more events than this are refused: they would take minutes and the
/// numbers would not get better. Arrival, departure and an occasional timer per customer, and an
/// arrival and a departure at each later stage.
pub const MAX_EXPECTED_EVENTS: f64 = 1e8;

// --- Values the engine must represent faithfully --------------------------------------------------

/// Seconds the simulated clock holds: 2⁶⁴ nanoseconds, 584 years.
pub const CLOCK_SECONDS: f64 = u64::MAX as f64 / 1e9;
/// Arrivals per second of one process: a mean gap of 100 ns, so rounding gaps to the clock's
/// whole nanoseconds moves the rate by well under 1 %.
pub const MAX_RATE: f64 = 1e7;
/// The smallest positive arrival rate: one arrival in 31.7 years (a smaller one would place the
/// next arrival past the clock's end; write 0 for none).
pub const MIN_POSITIVE_RATE: f64 = 1e-9;
/// `chaos.slow_factor` and `downstream.incidents[].slowdown`: a job a million times slower is
/// already a hang; past that the clock saturates and latencies read 0.
pub const MAX_SLOWDOWN: f64 = 1e6;
/// The squared coefficient of variation of a lognormal. Past it almost every draw is ~0 and the
/// mean lives in draws too rare to occur in any run, so the run would not have the asked mean
/// (a gamma's `shape ≥ 0.01` is the same bound, SCV ≤ 100, with room to spare).
pub const MAX_SCV: f64 = 1e4;

// --- Exercises ----------------------------------------------------------------------------------

/// `[[knobs]]` of one exercise.
pub const MAX_KNOBS: usize = 32;
/// `choices` of one knob (the checker tries every one).
pub const MAX_KNOB_CHOICES: usize = 64;
/// `[[goals]]` of one exercise.
pub const MAX_GOALS: usize = 32;
/// `[[questions]]` of one exercise.
pub const MAX_QUESTIONS: usize = 32;
/// `proof` entries of one question (each is run on every seed).
pub const MAX_PROOFS: usize = 8;
/// `seeds` the checker proves an exercise on.
pub const MAX_PROOF_SEEDS: usize = 16;
/// `hints` of one exercise.
pub const MAX_HINTS: usize = 16;

// --- Courses ------------------------------------------------------------------------------------

/// `[[chapters]]` of one course.
pub const MAX_COURSE_CHAPTERS: usize = 100;
/// Exercises of one course, over all its chapters (`check` proves every one).
pub const MAX_COURSE_EXERCISES: usize = 500;
/// Bytes the exercises a course carries as links (`#/x/…`) may unpack to together: each alone
/// may have an exercise file's [`MAX_INPUT_BYTES`], and this keeps a 1 MiB course of links from
/// unpacking to hundreds of megabytes.
pub const MAX_COURSE_LINKED_BYTES: usize = 4 << 20;

// --- Command line -------------------------------------------------------------------------------

/// Steps of a field path (`classes[0].service.mean` has 4) in `--set`, `--param` and knobs.
pub const MAX_PATH_STEPS: usize = 32;
/// Characters of a field path.
pub const MAX_PATH_CHARS: usize = 256;
/// `--set` flags of one command.
pub const MAX_OVERRIDES: usize = 64;
/// Values of one `--param`.
pub const MAX_SWEEP_VALUES: usize = 1_000;
/// Runs of one sweep: values × replications.
pub const MAX_SWEEP_RUNS: usize = 10_000;
/// Results one sweep keeps until it reports: for each run, its summary and one entry per class,
/// shard, class pool and stage. Every run's summary is held until the end, and one with 1000
/// class pools is over 10 MB in memory: 1000 values of it took 14.7 GB. This keeps a sweep
/// under 200 MB (10 000 runs of a one-class scenario are 20 000).
pub const MAX_SWEEP_RESULTS: usize = 25_000;
/// `--replications`.
pub const MAX_REPLICATIONS: u32 = 10_000;
/// `--time-scale`, smallest: below it a few hours of real time would overflow the scenario
/// clock (real time ÷ scale), and a real nanosecond would be more than a simulated millisecond.
pub const MIN_TIME_SCALE: f64 = 1e-6;
/// `--time-scale`, largest.
pub const MAX_TIME_SCALE: f64 = 1e3;

// --- Playground ---------------------------------------------------------------------------------

/// Bytes of an address's fragment (`#/exercise/ID?seed=3&...`).
pub const MAX_URL_FRAGMENT_BYTES: usize = 8 * 1024;

/// `"{what} has {count} entries, more than the limit of {limit}"` with a hint, for a list.
pub fn too_many(count: usize, limit: usize, what: &str) -> String {
    format!("{count} {what}, more than the limit of {limit}")
}

/// The refusal of an input of `len` bytes, or `None` when it is within [`MAX_INPUT_BYTES`].
pub fn input_too_large(len: usize) -> Option<String> {
    (len > MAX_INPUT_BYTES).then(|| {
        format!(
            "is {} bytes, more than the limit of {MAX_INPUT_BYTES} bytes (1 MiB) for a scenario or exercise",
            len
        )
    })
}

/// A number as a person reads it: `3`, `0.25`, or `1e300` where plain digits would run on.
pub fn readable(x: f64) -> String {
    if x == 0.0 || (1e-3..1e6).contains(&x.abs()) || !x.is_finite() {
        format!("{x}")
    } else {
        format!("{x:e}")
    }
}
