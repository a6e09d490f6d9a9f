//! Engine throughput: simulated customers per second for M/M/4 at ρ = 0.9 with every metric on
//! (three latency histograms, time integrals, the time series), the same pool feeding a
//! three-stage pipeline or split into shards, or with its arrivals replayed from a trace, plus
//! the cost of its parts.
//!
//! `cargo bench --bench engine`; figures are written down in README.md.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use queuelab::report::Histogram;
use queuelab::sim::event_queue::EventQueue;
use queuelab::sim::Engine;
use queuelab::time::SimTime;
use std::hint::black_box;

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
        (
            "mm4_rho0.9_then_two_stages",
            "[[stages]]\nname = \"b\"\nworkers = 4\nbuffer = 8\nservice = { distribution = \"exponential\", mean = \"500ms\" }\n\
             [[stages]]\nname = \"c\"\nworkers = 4\nbuffer = 8\nservice = { distribution = \"exponential\", mean = \"500ms\" }\n",
        ),
        (
            "4_shards_of_1_rho0.9",
            "shards = 4\n[keys]\ncount = 100000\n",
        ),
        // A learner's limiter script runs once per request: its cost against the built-in one.
        (
            "mm4_rho0.9_aimd_limiter",
            "[limiter]\nkind = \"aimd\"\nlimit = 20\n",
        ),
        ("mm4_rho0.9_aimd_limiter_script", &aimd_script),
    ];
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

criterion_group!(benches, engine, parts);
criterion_main!(benches);
