//! The real pool's per-task overhead (`--mode threads`) against a bare crossbeam-channel pool
//! and one that only timestamps each task into a histogram, measured in the same run: no-op tasks, K = 1, 2, 4 workers, a 1024-slot queue, producers
//! that block when it is full. The runtime does more per task — it draws the job from the seeded
//! workload, passes admission, records what happened for the collector, and measures — and the
//! target is to stay within 2× of the bare pool.
//!
//! `cargo bench --bench threads`; figures are written down in README.md.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use queuelab::threads::{self, ThreadOptions};
use std::hint::black_box;
use std::time::{Duration, Instant};

const TASKS: u64 = 50_000;
const CAPACITY: usize = 1024;

fn no_op_scenario(workers: usize) -> queuelab::scenario::Config {
    // Arrivals due far faster than anything can send them: the producer never waits, so the
    // run measures the pool's own cost per task.
    let text = format!(
        "[run]\ncustomers = {TASKS}\n[arrivals]\nprocess = \"poisson\"\nrate = 1e9\n\
         [service]\ndistribution = \"constant\"\nvalue = \"0s\"\n[pool]\nworkers = {workers}\n\
         [queue]\ncapacity = {CAPACITY}\non_full = \"block\"\n"
    );
    queuelab::scenario::parse(&text, "bench.toml").expect("bench scenario is valid")
}

/// The baseline: one producer, K threads receiving from a bounded crossbeam channel.
fn bare_pool(workers: usize) -> Duration {
    let started = Instant::now();
    let (tx, rx) = crossbeam_channel::bounded::<u64>(CAPACITY);
    std::thread::scope(|scope| {
        for _ in 0..workers {
            let rx = rx.clone();
            scope.spawn(move || {
                for task in rx.iter() {
                    black_box(task);
                }
            });
        }
        for task in 0..TASKS {
            tx.send(task).expect("workers are alive");
        }
        drop(tx);
    });
    started.elapsed()
}

/// The bare pool plus the least a measured pool does: a timestamp when a task is sent, one when
/// a worker takes it and one when it is done, and the latency into a per-worker histogram.
fn timed_pool(workers: usize) -> Duration {
    let started = Instant::now();
    let (tx, rx) = crossbeam_channel::bounded::<Instant>(CAPACITY);
    std::thread::scope(|scope| {
        for _ in 0..workers {
            let rx = rx.clone();
            scope.spawn(move || {
                let mut latency = queuelab::report::Histogram::new();
                for sent in rx.iter() {
                    let taken = Instant::now();
                    black_box(taken);
                    latency.record(sent.elapsed().as_nanos() as u64);
                }
                black_box(latency.count());
            });
        }
        for _ in 0..TASKS {
            tx.send(Instant::now()).expect("workers are alive");
        }
        drop(tx);
    });
    started.elapsed()
}

fn overhead(c: &mut Criterion) {
    let mut group = c.benchmark_group("pool_overhead");
    group.sample_size(10);
    group.throughput(Throughput::Elements(TASKS));
    for workers in [1, 2, 4] {
        group.bench_with_input(
            BenchmarkId::new("bare_crossbeam", workers),
            &workers,
            |b, &workers| b.iter_custom(|iters| (0..iters).map(|_| bare_pool(workers)).sum()),
        );
        group.bench_with_input(
            BenchmarkId::new("timed_crossbeam", workers),
            &workers,
            |b, &workers| b.iter_custom(|iters| (0..iters).map(|_| timed_pool(workers)).sum()),
        );
        let config = no_op_scenario(workers);
        group.bench_with_input(
            BenchmarkId::new("queuelab_threads", workers),
            &config,
            |b, config| {
                b.iter_custom(|iters| {
                    (0..iters)
                        .map(|_| {
                            let run =
                                threads::run(config, &ThreadOptions::default()).expect("runs");
                            let wall = run.summary.threads.map_or(0.0, |t| t.wall_seconds);
                            Duration::from_secs_f64(wall)
                        })
                        .sum()
                })
            },
        );
    }
    group.finish();
}

criterion_group!(benches, overhead);
criterion_main!(benches);
