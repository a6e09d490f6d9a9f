//! Engine throughput: simulated customers per second for M/M/4 at ρ = 0.9 with every metric on
//! (three latency histograms, time integrals, the time series), the same pool feeding a
//! three-stage pipeline or split into shards, or with its arrivals replayed from a trace, plus
//! the cost of its parts.
//!
//! The yardstick is `bare_mm4_loop`: the same M/M/4 as a hand-written event loop (two kinds of
//! event, a binary heap, a FIFO of arrival times, no metrics but the waits' sum). After the
//! criterion groups, `engine vs bare loop` times the two alternately in the same process and
//! prints the engine's speed as a share of the loop's, the figure the README reports.
//!
//! `cargo bench --bench engine`; figures are written down in README.md.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use queuelab::report::Histogram;
use queuelab::sim::event_queue::EventQueue;
use queuelab::sim::Engine;
use queuelab::time::SimTime;
use std::cmp::Reverse;
use std::collections::{BinaryHeap, VecDeque};
use std::hint::black_box;
use std::time::Instant;

const CUSTOMERS: u64 = 1_000_000;

fn mm4(customers: u64, extra: &str) -> queuelab::scenario::Config {
    let text = format!(
        "[run]\nseed = 1\ncustomers = {customers}\nwarmup = \"1000s\"\n[arrivals]\nprocess = \"poisson\"\nrate = 3.6\n\
         [service]\ndistribution = \"exponential\"\nmean = \"1s\"\n[pool]\nworkers = 4\n{extra}"
    );
    queuelab::scenario::parse(&text, "bench.toml").expect("bench scenario is valid")
}

/// The built-in AIMD limit as a script (tests/it/script.rs shows the two runs are identical).
fn aimd_script_limiter() -> String {
    format!(
        "[limiter]\nkind = \"script\"\nlimit = 20\nmin_limit = 20\nmax_limit = 200\ncode = '''\n{}'''\n",
        include_str!("../tests/golden/aimd-limit.rhai")
    )
}

const ADMISSION_SCRIPT: &str = "[admission]\nkind = \"script\"\ncode = '''\n\
    let tokens = 20.0;\n\
    let last = 0.0;\n\
    fn admit(request) {\n\
        tokens = min(20.0, tokens + (request.now - last) * 5.0);\n\
        last = request.now;\n\
        if tokens < 1.0 { return \"reject\"; }\n\
        tokens -= 1.0;\n\
        true\n\
    }\n'''\n";

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum BareEvent {
    Arrival,
    Departure,
}

/// M/M/4 at ρ = 0.9 written by hand: what an event loop costs with nothing else in it. Returns
/// the mean wait so the work cannot be optimised away (and as a sanity check: about 1.97 s).
fn bare_mm4(customers: u64) -> f64 {
    let mut rng = queuelab::rng::Rng::new(1);
    let mut exponential = |mean: f64| -mean * libm::log(rng.next_f64_open_zero());
    let mut events = BinaryHeap::new();
    let mut sequence = 0u64;
    let mut push = |events: &mut BinaryHeap<_>, at: f64, event: BareEvent| {
        sequence += 1;
        events.push(Reverse(((at * 1e9) as u64, sequence, event)));
    };
    push(&mut events, exponential(1.0 / 3.6), BareEvent::Arrival);
    let (mut arrived, mut idle, mut served) = (1u64, 4u32, 0u64);
    let mut queue: VecDeque<f64> = VecDeque::new();
    let mut total_wait = 0.0;
    while let Some(Reverse((at, _, event))) = events.pop() {
        let now = at as f64 / 1e9;
        match event {
            BareEvent::Arrival => {
                if arrived < customers {
                    arrived += 1;
                    push(
                        &mut events,
                        now + exponential(1.0 / 3.6),
                        BareEvent::Arrival,
                    );
                }
                if idle > 0 {
                    idle -= 1;
                    push(&mut events, now + exponential(1.0), BareEvent::Departure);
                } else {
                    queue.push_back(now);
                }
            }
            BareEvent::Departure => {
                served += 1;
                match queue.pop_front() {
                    Some(since) => {
                        total_wait += now - since;
                        push(&mut events, now + exponential(1.0), BareEvent::Departure);
                    }
                    None => idle += 1,
                }
            }
        }
    }
    total_wait / served as f64
}

/// A three-stage pipeline: the M/M/4 pool, then two stages of four workers behind buffers of 8.
const TWO_STAGES: &str = "[[stages]]\nname = \"b\"\nworkers = 4\nbuffer = 8\nservice = { distribution = \"exponential\", mean = \"500ms\" }\n\
    [[stages]]\nname = \"c\"\nworkers = 4\nbuffer = 8\nservice = { distribution = \"exponential\", mean = \"500ms\" }\n";

/// The M/M/4 pool split into four shards of one worker, each request routed by its key.
const FOUR_SHARDS: &str = "shards = 4\n[keys]\ncount = 100000\n";

/// Times the engine and the bare loop alternately, best of five each, and prints the ratio:
/// for the plain M/M/4 (the README's figure), then the same pool feeding a pipeline and split
/// into shards (more events per customer, the same bare loop as the yardstick).
fn engine_against_bare_loop() {
    let wait = bare_mm4(200_000);
    assert!(
        (wait - 1.969).abs() < 0.25,
        "the bare loop is not M/M/4: mean wait {wait}"
    );
    for (name, extra) in [
        ("M/M/4, ρ = 0.9", ""),
        ("M/M/4 then two stages", TWO_STAGES),
        ("4 shards of 1", FOUR_SHARDS),
    ] {
        let config = mm4(CUSTOMERS, extra);
        let (mut engine_best, mut bare_best) = (f64::INFINITY, f64::INFINITY);
        let mut events = 0;
        for _ in 0..5 {
            let start = Instant::now();
            events = black_box(Engine::new(&config).run()).events;
            engine_best = engine_best.min(start.elapsed().as_secs_f64());
            let start = Instant::now();
            black_box(bare_mm4(CUSTOMERS));
            bare_best = bare_best.min(start.elapsed().as_secs_f64());
        }
        println!(
            "engine vs bare loop ({name}, {CUSTOMERS} customers, best of 5): engine {:.2} M customers/s ({:.2} M events/s), bare loop {:.2} M/s, engine at {:.0} % of the bare loop",
            CUSTOMERS as f64 / engine_best / 1e6,
            events as f64 / engine_best / 1e6,
            CUSTOMERS as f64 / bare_best / 1e6,
            bare_best / engine_best * 100.0
        );
    }
}

fn engine(c: &mut Criterion) {
    let mut group = c.benchmark_group("engine");
    group.sample_size(10);
    group.throughput(Throughput::Elements(CUSTOMERS));
    let aimd_script = aimd_script_limiter();
    let cases = [
        ("mm4_rho0.9_unbounded", ""),
        (
            "mm4_rho0.9_capacity16_reject",
            "[queue]\ncapacity = 16\non_full = \"reject\"\n",
        ),
        ("mm4_rho0.9_deadlines", "[deadline]\ntimeout = \"5s\"\n"),
        ("mm4_rho0.9_then_two_stages", TWO_STAGES),
        ("4_shards_of_1_rho0.9", FOUR_SHARDS),
        // A learner's limiter script runs once per request: its cost against the built-in one.
        (
            "mm4_rho0.9_aimd_limiter",
            "[limiter]\nkind = \"aimd\"\nlimit = 20\n",
        ),
        ("mm4_rho0.9_aimd_limiter_script", &aimd_script),
        // A per-request admission script (issue 13's goal: ≥ 0.5 M customers/s natively): a
        // token bucket at 5 a second that never binds, so every request is asked and let in.
        ("mm4_rho0.9_admission_script", ADMISSION_SCRIPT),
    ];
    group.bench_function("bare_mm4_loop", |b| {
        b.iter(|| black_box(bare_mm4(CUSTOMERS)))
    });
    for (name, extra) in cases {
        let config = mm4(CUSTOMERS, extra);
        group.bench_with_input(BenchmarkId::from_parameter(name), &config, |b, config| {
            b.iter(|| black_box(Engine::new(config).run()))
        });
    }
    // The same M/M/4, its arrivals replayed from a trace (CSV in memory, read row by row as
    // the run goes: the cost per customer against drawing them; the file's check at parse time
    // is not timed).
    let trace = mm4_trace(CUSTOMERS);
    group.bench_with_input(
        BenchmarkId::from_parameter("mm4_rho0.9_trace_replay"),
        &trace,
        |b, config| b.iter(|| black_box(Engine::new(config).run())),
    );
    group.finish();
}

/// [`mm4`] with its Poisson arrivals written out as a trace and replayed.
fn mm4_trace(customers: u64) -> queuelab::scenario::Config {
    use std::fmt::Write;
    let poisson = mm4(customers, "");
    let queuelab::scenario::Arrivals::Open(Some(process)) = &poisson.arrivals else {
        unreachable!("mm4 is an open Poisson process")
    };
    let mut stream = queuelab::workload::ArrivalStream::new(process, 1);
    let mut csv = String::from("time\n");
    for _ in 0..customers {
        let at = stream.next_secs().expect("a Poisson stream never ends");
        let _ = writeln!(csv, "{at:.9}");
    }
    let files = std::sync::Arc::new(queuelab::data::InMemory::new([("trace.csv", csv)]));
    let text = format!(
        "[run]\nseed = 1\ncustomers = {customers}\nwarmup = \"1000s\"\n[arrivals]\nprocess = \"trace\"\nfile = \"trace.csv\"\n\
         [service]\ndistribution = \"exponential\"\nmean = \"1s\"\n[pool]\nworkers = 4\n"
    );
    queuelab::scenario::parse_with_files(&text, "bench.toml", &[], Some(files))
        .expect("bench trace scenario is valid")
}

fn parts(c: &mut Criterion) {
    let mut group = c.benchmark_group("parts");
    group.throughput(Throughput::Elements(1));
    group.bench_function("histogram_record", |b| {
        let mut histogram = Histogram::new();
        let mut x = 1u64;
        b.iter(|| {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            histogram.record(black_box(x >> 30));
        })
    });
    group.bench_function("event_queue_push_pop_depth_8", |b| {
        let mut queue = EventQueue::new();
        for i in 0..8u64 {
            queue.push(SimTime::from_nanos(i * 1000), i);
        }
        let mut t = 8_000u64;
        b.iter(|| {
            let (_, event) = queue.pop().expect("non-empty");
            t += 997;
            queue.push(SimTime::from_nanos(t), black_box(event));
        })
    });
    group.finish();
}

fn ratio(_: &mut Criterion) {
    engine_against_bare_loop();
}

criterion_group!(benches, engine, parts, ratio);
criterion_main!(benches);
