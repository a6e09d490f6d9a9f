//! The run summary: the JSON the CLI prints and exercise goals are checked against.
//!
//! Field names are a contract (see `docs/reference.md`): extend, never rename. Times are seconds.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Summary {
    pub scenario: String,
    pub seed: u64,
    /// Jobs generated after the warm-up.
    pub arrivals: u64,
    pub completed: u64,
    /// Refused at admission (see `rejected_by_reason`).
    pub rejected: u64,
    /// rejected / arrivals.
    pub rejected_ratio: f64,
    /// Jobs whose client gave up (deadline) before a result came back.
    pub timed_out: u64,
    /// Admitted jobs evicted from the queue (drop-oldest).
    pub dropped: u64,
    /// (rejected + timed_out + dropped + failed) / arrivals: every job without a useful answer.
    pub lost_ratio: f64,
    /// Fraction of completed jobs that had to wait before service (Erlang C's P(wait)).
    pub waited_ratio: f64,
    /// Completions per second over the measured window (completions that happened in it).
    pub throughput: f64,
    /// Arrivals per second over the measured window.
    pub offered_rate: f64,
    /// Busy worker-seconds / available worker-seconds.
    pub utilization: f64,
    pub mean_queue_len: f64,
    /// Longest the queue got in the measured window (what a bounded queue bounds: memory).
    pub max_queue_len: u64,
    /// Most jobs in the system at once, blocked senders included.
    pub max_in_system: u64,
    /// Time-averaged jobs in the system: waiting at a blocked producer, queued or in service.
    pub mean_in_system: f64,
    /// Events processed in the whole run.
    pub events: u64,
    /// Simulated time at the end of the run.
    pub sim_seconds: f64,
    /// The measured window: from the warm-up to the end of arrivals (`run.customers` reached) or
    /// to `run.duration`. Time averages, rates and utilisation cover this window; the drain after
    /// the last arrival is excluded so it does not bias steady-state numbers.
    pub measured_seconds: f64,
    /// End-to-end latency of completed jobs, from generation (intended send time) to completion.
    pub latency: Percentiles,
    /// Time from generation to the start of service, for completed jobs.
    pub wait: Percentiles,
    /// Time on a worker, for completed jobs.
    pub service: Percentiles,
    pub rejected_by_reason: BTreeMap<String, u64>,
    pub pool: PoolSummary,
    /// Jobs still in the system when the run stopped (duration-limited runs).
    pub in_flight_at_end: u64,
    /// (L − λW) / L with λ the completion rate: near 0 when every job either completes or is
    /// refused at once; it grows with work that leaves without completing.
    pub littles_law_residual: f64,
    /// Worker-seconds spent on jobs whose client had already given up.
    pub wasted_work_seconds: f64,
    /// Per job class, by name.
    pub classes: BTreeMap<String, ClassSummary>,
    /// True if the run hit the engine's hard event limit and stopped early.
    pub truncated: bool,
    /// Set when the run got stuck: simulated time stopped moving at this instant (seconds), with
    /// events happening without end (closed-loop clients refused at once resend at once). The
    /// run is then `truncated` too.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stalled_at_seconds: Option<f64>,
    /// Set when the run stopped because more jobs than the engine's limit (1 000 000) were in
    /// the system at once, at this instant (seconds): an overload whose backlog would otherwise
    /// grow until memory runs out. The run is then `truncated` too.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub overloaded_at_seconds: Option<f64>,
    /// Set when the run stopped because its next event would happen at or past the end of the
    /// simulated clock (2⁶⁴ ns, about 584 years), where times can no longer be added faithfully:
    /// the last instant simulated (seconds). Everything measured is up to that instant; the run
    /// is `truncated`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clock_end_at_seconds: Option<f64>,
    /// The concurrency limit (`[limiter]`) over the run; zeros without a limiter.
    pub limit: LimitSummary,
    /// Jobs that were served but did not succeed (a downstream error, or failed fast by an open
    /// circuit breaker); they count in `lost_ratio` too.
    pub failed: u64,
    pub failed_ratio: f64,
    pub failed_by_reason: BTreeMap<String, u64>,
    /// How often the circuit breaker changed state.
    pub breaker_transitions: u64,
    /// How often a watermark queue started shedding (`on_full = "watermark"`), whole run.
    pub shedding_spells: u64,
    /// Attempts beyond each request's first (`[retry]`); `arrivals` counts requests.
    pub retries: u64,
    /// `[[alerts]]` by name: how often each fired, when first, and for how long in all.
    pub alerts: BTreeMap<String, AlertSummary>,
    /// `[shutdown]`: from the start of the graceful shutdown to the end of the run — when the last
    /// job left, or the drain deadline (then `in_flight_at_end` jobs were abandoned). 0 otherwise.
    pub drain_seconds: f64,
    /// Second copies sent for requests unanswered after `hedge.delay`; they add load but no
    /// arrivals.
    pub hedges: u64,
    /// Requests answered by their second copy (the first was then cancelled).
    pub hedge_wins: u64,
    /// A pipeline's stages by name (`[[stages]]`, with the first pool as `pool`); empty for a
    /// single pool.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub stages: BTreeMap<String, StageSummary>,
    /// A sharded pool's shards by index (`pool.shards`): the same figures as a stage, for the
    /// jobs each shard served (`latency` from arrival until its work there was done); empty
    /// otherwise.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub shards: BTreeMap<String, StageSummary>,
    /// Pools of their own (`classes[].workers`) by class name, and the shared pool as `pool`:
    /// the same figures as a stage; empty when no class has a pool of its own.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub pools: BTreeMap<String, StageSummary>,
    /// Present only for a run on real threads (`--mode threads`): what the machine did.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub threads: Option<ThreadFacts>,
    /// Set when a policy script failed: the run stopped at that call (and is `truncated`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub script_error: Option<ScriptErrorSummary>,
    /// What policy scripts printed (`print`, `debug`), in time order: each script's first 500
    /// lines of at most 200 characters.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub script_console: Vec<ConsoleLine>,
    /// Present when jobs fan out (`[fanout]`): the calls and how long jobs waited for them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fanout: Option<FanOutSummary>,
    /// Present when arrivals replay a trace (`process = "trace"`): the rows the run used (over
    /// every pass of a loop; warm-up rows included).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trace_rows: Option<u64>,
}

/// What the fan-out did: every job's N calls, and its wait for the first k answers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct FanOutSummary {
    /// Parallel calls per job (`fanout.calls`) and the answers it waits for (`fanout.wait_for`).
    pub calls: u64,
    pub wait_for: u64,
    /// Calls sent in the whole run, answered or cancelled: the load on the leaves.
    pub calls_made: u64,
    /// Measured jobs' waits for their k-th answer, in seconds (on the worker, on top of the
    /// job's own work).
    pub wait: Percentiles,
}

/// One line a policy script printed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct ConsoleLine {
    pub hook: String,
    pub at_seconds: f64,
    pub text: String,
}

/// The console lines of each script (`hook`, what it printed), merged in time order.
pub fn console_lines(printed: Vec<(&str, Vec<(f64, String)>)>) -> Vec<ConsoleLine> {
    let mut lines: Vec<ConsoleLine> = printed
        .into_iter()
        .flat_map(|(hook, lines)| {
            lines
                .into_iter()
                .map(move |(at_seconds, text)| ConsoleLine {
                    hook: hook.to_string(),
                    at_seconds,
                    text,
                })
        })
        .collect();
    lines.sort_by(|a, b| a.at_seconds.total_cmp(&b.at_seconds));
    lines
}

/// Where and why a policy script failed (see `crate::script`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct ScriptErrorSummary {
    /// The hook whose script failed: `autoscaler`, `limiter`.
    pub hook: String,
    /// 1-based line and column in the script's code; 0 when the fault is in what it returned.
    pub line: u64,
    pub column: u64,
    /// Simulated time of the failing call.
    pub at_seconds: f64,
    pub message: String,
}

impl From<&crate::policy::PolicyFault> for ScriptErrorSummary {
    fn from(fault: &crate::policy::PolicyFault) -> Self {
        ScriptErrorSummary {
            hook: fault.hook.to_string(),
            line: fault.line as u64,
            column: fault.column as u64,
            at_seconds: fault.at.as_secs_f64(),
            message: fault.message.clone(),
        }
    }
}

impl std::fmt::Display for ScriptErrorSummary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "the {} script failed at t = {:.3} s",
            self.hook, self.at_seconds
        )?;
        if self.line > 0 {
            write!(
                f,
                " (line {}, column {} of its code)",
                self.line, self.column
            )?;
        }
        write!(f, ": {}", self.message)
    }
}

/// Facts of a real-thread run that a simulation does not have.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct ThreadFacts {
    /// Real seconds from the first arrival's start to the last thread joined.
    pub wall_seconds: f64,
    /// Real time per scenario time (0.1 = ten times faster). Every other time in the summary is
    /// in scenario time: real measurements divided by this.
    pub time_scale: f64,
    /// How service time was realised: `sleep` or `spin`.
    pub work: String,
    /// Cores the machine offers this process.
    pub cores: u64,
    /// How late the producers sent arrivals past their scheduled time, in real seconds. Latency
    /// counts from the scheduled time, so lateness does not hide queueing (no coordinated omission).
    pub lateness: Percentiles,
    /// Jobs still queued, blocked, delayed or in service when the drain deadline ran out (also
    /// counted in `in_flight_at_end`).
    pub abandoned: u64,
    /// Threads started during the run (producers, workers, timer), all joined before the report.
    pub threads_started: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, Default)]
pub struct AlertSummary {
    /// Times it fired (a spell above the threshold lasting `for`).
    pub fired: u64,
    /// Seconds into the run when it first fired; `null` if it never did.
    pub first_fired_at: Option<f64>,
    /// Seconds spent firing in all.
    pub firing_seconds: f64,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, Default)]
pub struct LimitSummary {
    pub min: u64,
    pub max: u64,
    /// At the end of the run.
    pub last: u64,
}

/// A latency distribution in seconds.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, Default)]
pub struct Percentiles {
    pub mean: f64,
    pub p50: f64,
    pub p90: f64,
    pub p99: f64,
    pub p999: f64,
    pub max: f64,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, Default)]
pub struct PoolSummary {
    pub initial: u64,
    pub min: u64,
    pub max: u64,
    /// Time-averaged pool size over the measured window.
    pub mean: f64,
    pub resizes: u64,
    /// Size at the end of the run.
    pub last: u64,
}

/// One stage of a pipeline over the measured window.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct StageSummary {
    /// Its place in the pipeline: 1 for the first pool.
    pub position: u64,
    /// Its K, averaged over the measured window (the first pool may be resized).
    pub workers: f64,
    /// Items that left the stage (moved on, or answered at the last stage).
    pub completed: u64,
    /// Mean fraction of its workers doing work.
    pub utilization: f64,
    /// Mean fraction of its workers holding a finished item because the next stage's buffer was
    /// full: backpressure reaching this stage.
    pub blocked_ratio: f64,
    /// Items waiting in front of its workers (for the first pool: its queue).
    pub mean_queue_len: f64,
    pub max_queue_len: u64,
    /// Time from reaching the stage to leaving it: waiting, working and held.
    pub latency: Percentiles,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct ClassSummary {
    pub arrivals: u64,
    pub completed: u64,
    pub rejected: u64,
    pub timed_out: u64,
    pub dropped: u64,
    pub failed: u64,
    pub latency: Percentiles,
}

impl Summary {
    /// Why the run stopped early, for the learner or the command line; `None` if it did not.
    pub fn cut_short(&self) -> Option<String> {
        if let Some(error) = &self.script_error {
            return Some(format!("{error}; the run stops there"));
        }
        if let Some(at) = self.overloaded_at_seconds {
            let finished =
                self.completed + self.rejected + self.timed_out + self.dropped + self.failed;
            let factor = self.arrivals as f64 / finished.max(1) as f64;
            return Some(format!(
                "at t = {at:.1} s more than a million jobs were in the system at once: work arrived about {} times as fast as it was finished, and the backlog would grow until memory runs out, so the run stops here. Add workers, bound the queue (queue.capacity), or lower the arrival rate",
                crate::report::format::number(factor.round())
            ));
        }
        if let Some(at) = self.clock_end_at_seconds {
            return Some(format!(
                "at t = {at:.1} s the next event would happen past the end of the simulated clock (2^64 ns, about 584 years), where times can no longer be added exactly, so the run stops here and its numbers cover only the time before. Something in the scenario takes centuries: a service or think time, a slowdown (chaos.slow_factor, incidents[].slowdown) or a heavy-tailed distribution's rare draws; shorten it"
            ));
        }
        match self.stalled_at_seconds {
            Some(at) => Some(format!(
                "the simulation got stuck at t = {at:.3} s: millions of events happened without simulated time moving on. Closed-loop clients with no think time whose requests are refused at once resend at once, forever. Give the clients a think time (arrivals.think), or room to wait (a bigger queue, or on_full = \"block\")"
            )),
            None if self.truncated => Some(
                "the run hit the engine's event limit and stopped early; the numbers cover only part of it"
                    .to_string(),
            ),
            None => None,
        }
    }

    /// A stable 64-bit fingerprint of the summary's JSON (FNV-1a): equal across platforms for
    /// bit-identical runs.
    pub fn fingerprint(&self) -> u64 {
        let json = serde_json::to_string(self).unwrap_or_default();
        json.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |hash, byte| {
            (hash ^ byte as u64).wrapping_mul(0x0000_0100_0000_01b3)
        })
    }
}

/// Finds a number in a JSON value by dotted path; booleans read as 0/1.
pub fn lookup_number(value: &serde_json::Value, path: &str) -> Option<f64> {
    let mut current = value;
    for key in path.split('.') {
        current = current.get(key)?;
    }
    match current {
        serde_json::Value::Number(n) => n.as_f64(),
        serde_json::Value::Bool(b) => Some(if *b { 1.0 } else { 0.0 }),
        _ => None,
    }
}
