//! Native mode: the same scenario on real OS threads, measured (`queuelab run --mode threads`).
//!
//! ```text
//!  producer threads ──► admission (Gate: token bucket, bulkheads, limiter, overflow policy)
//!   (scheduled sends,        │ refuse / delay (delay line thread) / block
//!    closed-loop clients)    ▼
//!                    crossbeam bounded channel ──► K worker threads (sleep or spin; downstream
//!                    (one per lane of a split       call; chaos panics caught; resizable)
//!                     pool, with its workers)
//!        every thread ── records (instant, what) ──► collector (this thread): the simulator's
//!                                                    Recorder, periodic samples, autoscaler
//! ```
//!
//! The producers draw their jobs from the same seeded streams as the simulator
//! ([`crate::workload::producer_plans`]) and send each at its scheduled instant; latency
//! counts from that instant, so a late or blocked producer cannot hide queueing (no coordinated
//! omission). The policies are the simulator's sans-IO objects, fed with the real clock. Every
//! thread is scoped to [`run`]: none outlives it. Times are scaled by `time_scale` (real =
//! scenario × scale) and reported back in scenario time, so a run compares with a simulation
//! metric for metric.
//!
//! Where a real channel cannot do what the simulator does, the runtime refuses the scenario
//! rather than measure something else ([`check_supported`]).

mod budget;
mod clock;
mod collector;
mod driver;
mod intake;
mod job;
mod lanes;
use lanes::{lane_queue, Lane};
mod pipeline;
mod producers;
mod queue;
mod worker;

pub use clock::nanos_per_chunk;

use crate::dist::Distribution;
use crate::report::recorder::{Recorder, RunFacts};
use crate::report::{Histogram, Percentiles, Series, Summary, ThreadFacts};
use crate::scenario::{Config, Discipline, ScaleDown, Work};
use crate::workload::{producer_plans, ProducerSource};
use clock::Clock;
use collector::{Collector, Gauges};
use crossbeam_channel::{Receiver, Sender};
use driver::Running;
use intake::{Delayed, Gate};
use job::Record;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How a real run is driven.
pub struct ThreadOptions<'a> {
    /// Real time per scenario time: 0.1 runs ten times faster (every duration is scaled).
    pub time_scale: f64,
    /// After intake stops, how long (real time) in-flight work may still finish before it is
    /// abandoned. `None`: a `duration` run stops at its end like the simulator (in-flight work is
    /// abandoned and counted), a `customers` run drains completely, an interrupted run gets 5 s.
    pub drain_timeout: Option<Duration>,
    /// Set from outside (Ctrl-C) to stop intake, drain, and still report.
    pub interrupt: Option<&'a AtomicBool>,
    /// Called about ten times a second with the fraction done.
    pub progress: Option<&'a dyn Fn(f64)>,
}

impl Default for ThreadOptions<'_> {
    fn default() -> Self {
        ThreadOptions {
            time_scale: 1.0,
            drain_timeout: None,
            interrupt: None,
            progress: None,
        }
    }
}

/// A real run's results, in the simulator's formats.
pub struct ThreadRun {
    pub summary: Summary,
    pub series: Series,
}

/// Refuses what a real FIFO channel cannot do faithfully, saying what to change.
pub fn check_supported(config: &Config) -> Result<(), String> {
    let mut problems = Vec::new();
    if config.queue.discipline == Discipline::Lifo {
        problems.push(
            "queue.discipline = \"lifo\": the real queue is crossbeam channels, first in first out; run this scenario with --mode sim"
                .to_string(),
        );
    }
    if config.scale_down == ScaleDown::Preempt {
        problems.push(
            "pool.scale_down = \"preempt\": a real thread cannot be pre-empted safely and its job put back at the front of a channel; use \"drain\" or \"lazy\" with --mode threads"
                .to_string(),
        );
    }
    if let Some(refusal) = budget::Threads::of(config).refusal() {
        problems.push(refusal);
    }
    if config.hedge.is_some() {
        problems.push(
            "[hedge]: hedged requests run in the simulator only so far; run this scenario with --mode sim"
                .to_string(),
        );
    }
    if config.lanes().names.len() > 1 {
        if config.autoscaler.is_some() {
            problems.push(
                "[autoscaler] with pool.shards / classes[].workers: per-lane autoscalers (and autoscaler.budget) run in the simulator only so far; drop the autoscaler or run this scenario with --mode sim"
                    .to_string(),
            );
        }
        if config.lifecycle.idle_timeout.is_some() {
            problems.push(
                "pool.idle_timeout with pool.shards / classes[].workers: idle expiry of a split pool's workers runs in the simulator only so far; drop idle_timeout or run this scenario with --mode sim"
                    .to_string(),
            );
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("\n"))
    }
}

pub use budget::{Threads, MAX_THREADS};

/// Real seconds a run is expected to take.
pub fn expected_wall_seconds(config: &Config, time_scale: f64) -> f64 {
    config.expected_horizon_secs() * time_scale
}

/// What every thread of a run shares.
pub(crate) struct Shared {
    config: Config,
    services: Vec<Distribution>,
    clock: Clock,
    /// The first pool's lanes: one queue with its workers, or one per shard or class pool.
    lanes: Vec<Lane>,
    /// The lane each class goes to (`Config::lanes`); unused when sharded.
    lane_of_class: Vec<usize>,
    /// `pool.shards` with `[keys]`: each request draws a key, and the key's shard serves it.
    keys: Option<crate::scenario::KeyConfig>,
    key_rng: Mutex<crate::rng::Rng>,
    timer_tx: Sender<Delayed>,
    records: Sender<Vec<Record>>,
    gate: Mutex<Gate>,
    /// Intake is closed: producers stop, failed attempts are no longer retried.
    stopping: AtomicBool,
    /// Everything stops now; what is unfinished is abandoned.
    abort: AtomicBool,
    generated: AtomicU64,
    /// Workers in the pool, all lanes (starting ones included).
    alive: AtomicUsize,
    /// The pool size the autoscaler last chose: workers above it retire (see `worker.rs`).
    target: AtomicUsize,
    /// Drain scale-down: one message per worker to retire (idle ones take it at once).
    retire_tx: Sender<()>,
    retire_rx: Receiver<()>,
    /// Never carries a message: dropping its sender wakes every waiting worker at shutdown.
    shutdown_rx: Receiver<()>,
    /// A pipeline's later stages (`[[stages]]`), in order.
    stages: Vec<pipeline::StageLink>,
    /// `[fanout]`: each job's wait for its parallel calls, drawn as the simulator draws it.
    fanout: Option<Mutex<crate::fanout::FanOut>>,
    /// Rows the producers replaying a trace handed out, summed as each finishes.
    trace_rows: Mutex<Option<u64>>,
}

/// Runs the scenario on real threads and measures it.
pub fn run(config: &Config, options: &ThreadOptions<'_>) -> Result<ThreadRun, String> {
    check_supported(config)?;
    let scale = options.time_scale;
    if !(scale.is_finite() && scale > 0.0) {
        return Err(format!(
            "the time scale must be a positive number, got {scale}"
        ));
    }
    let layout = config.lanes();
    let mut blocked_lines = Vec::new();
    let lanes = layout
        .workers
        .iter()
        .map(|_| {
            let (blocked_tx, blocked_rx) = crossbeam_channel::unbounded();
            blocked_lines.push(blocked_rx);
            Lane {
                queue: lane_queue(config),
                idle: AtomicUsize::new(0),
                blocked_tx,
            }
        })
        .collect();
    let (timer_tx, timer_rx) = crossbeam_channel::unbounded();
    let (records_tx, records_rx) = crossbeam_channel::unbounded();
    let (retire_tx, retire_rx) = crossbeam_channel::unbounded();
    let (shutdown_tx, shutdown_rx) = crossbeam_channel::bounded::<()>(0);
    if config.work == Work::Spin {
        nanos_per_chunk();
    }
    // A moment for the threads to start before the first arrival is due.
    let start = Instant::now() + Duration::from_millis(5);
    let clock = Clock::new(start, scale);
    let shared = Shared {
        services: config.classes.iter().map(|c| c.service.clone()).collect(),
        clock,
        lanes,
        lane_of_class: layout.lane_of_class.clone(),
        keys: config.keys.filter(|_| layout.sharded),
        key_rng: Mutex::new(crate::rng::Rng::stream(
            config.seed,
            crate::rng::streams::KEY_STREAM,
        )),
        timer_tx,
        records: records_tx,
        gate: Mutex::new(gate(config)),
        stopping: AtomicBool::new(false),
        abort: AtomicBool::new(false),
        generated: AtomicU64::new(0),
        alive: AtomicUsize::new(0),
        target: AtomicUsize::new(config.workers),
        retire_tx,
        retire_rx,
        shutdown_rx,
        stages: pipeline::links(config),
        fanout: config
            .fanout
            .as_ref()
            .map(|fanout| Mutex::new(crate::fanout::FanOut::new(fanout, config.seed))),
        trace_rows: Mutex::new(None),
        config: config.clone(),
    };
    let recorder = Recorder::for_config(config, crate::report::recorder::sample_interval(config));
    let autoscaler = config
        .autoscaler
        .as_ref()
        .map(crate::scenario::AutoscalerConfig::build);
    let collector = Collector::new(clock, recorder, config, autoscaler);
    let (collector, lateness, threads_started, failure) = std::thread::scope(|scope| {
        let mut run = Running {
            scope,
            shared: &shared,
            producers: Vec::new(),
            workers: Vec::new(),
            helpers: Vec::new(),
            unpark: Vec::new(),
            started: 0,
            failure: None,
        };
        for plan in producer_plans(config) {
            let closed = matches!(plan.source, ProducerSource::Closed { .. });
            let shared = &shared;
            let producer = run.spawn("queuelab-producer", move || {
                if closed {
                    producers::closed_client(shared, plan)
                } else {
                    producers::open_producer(shared, plan)
                }
            });
            run.producers.extend(producer);
        }
        let helper = run.spawn("queuelab-delays", || {
            producers::delay_line(&shared, timer_rx)
        });
        run.helpers.extend(helper);
        for (lane, blocked_rx) in blocked_lines.into_iter().enumerate() {
            let shared = &shared;
            let helper = run.spawn("queuelab-blocked", move || {
                intake::blocked_line(shared, lane, blocked_rx)
            });
            run.helpers.extend(helper);
        }
        for (lane, &workers) in layout.workers.iter().enumerate() {
            run.grow(lane, workers, Duration::ZERO);
        }
        for (stage, stage_config) in config.stages.iter().enumerate() {
            for _ in 0..stage_config.workers {
                let shared = &shared;
                let worker = run.spawn("queuelab-stage", move || {
                    pipeline::stage_worker(shared, stage)
                });
                run.workers.extend(worker);
            }
        }
        let collector = run.collect(collector, &records_rx, options);
        // Shut down: everything still running is abandoned, and every thread is joined.
        shared.stopping.store(true, Ordering::Relaxed);
        shared.abort.store(true, Ordering::Relaxed);
        drop(shutdown_tx);
        for thread in &run.unpark {
            thread.unpark();
        }
        let mut lateness = Histogram::new();
        for producer in run.producers.drain(..) {
            if let Ok(histogram) = producer.join() {
                lateness.merge(&histogram);
            }
        }
        for thread in run.helpers.drain(..).chain(run.workers.drain(..)) {
            let _ = thread.join();
        }
        (collector, lateness, run.started, run.failure)
    });
    if let Some(failure) = failure {
        return Err(failure);
    }
    let wall = start.elapsed();
    let mut collector = collector;
    // Jobs still queued were abandoned (they count in flight); every client has left.
    for lane in &shared.lanes {
        lane.queue.clear();
    }
    let gauges = || gauges(&shared);
    collector.recorder_flush(&records_rx, &gauges);
    let end = collector.end().unwrap_or(collector.applied);
    let gate = shared.gate();
    let abandoned = collector.outstanding.max(0) as u64;
    let mut summary = collector.recorder.summary(
        end,
        RunFacts {
            scenario: config.name.clone(),
            seed: config.seed,
            events: collector.records,
            in_flight_at_end: abandoned,
            workers_at_end: collector.target as u64,
            truncated: collector.fault.is_some(),
            stalled_at: None,
            overloaded_at: None,
            clock_end_at: None,
            drain_seconds: collector.drain_seconds(end),
            alerts: crate::report::recorder::alert_summaries(&collector.alerts, end),
            breaker_transitions: gate.dependency.breaker_transitions(),
            shedding_spells: gate.overflow.iter().map(|o| o.shedding_spells()).sum(),
            limit: gate.admission.limit_seen(),
        },
    );
    summary.script_error = collector.fault.as_ref().map(Into::into);
    summary.script_console = crate::report::console_lines(
        std::iter::once(("autoscaler", collector.printed()))
            .chain(gate.admission.printed_by_hook())
            .chain([("breaker", gate.dependency.printed())])
            .chain(gate.overflow.iter().map(|o| ("overflow", o.printed())))
            .collect(),
    );
    summary.trace_rows = *shared.trace_rows.lock().unwrap_or_else(|e| e.into_inner());
    summary.fanout = shared
        .fanout
        .as_ref()
        .map(|fanout| fanout.lock().unwrap_or_else(|e| e.into_inner()).summary());
    summary.threads = Some(ThreadFacts {
        wall_seconds: wall.as_secs_f64(),
        time_scale: scale,
        work: match config.work {
            Work::Sleep => "sleep".into(),
            Work::Spin => "spin".into(),
        },
        cores: std::thread::available_parallelism().map_or(1, |n| n.get() as u64),
        lateness: Percentiles::from_histogram(&lateness),
        abandoned,
        threads_started,
    });
    Ok(ThreadRun {
        series: collector.recorder.series().clone(),
        summary,
    })
}

fn gate(config: &Config) -> Gate {
    Gate {
        overflow: config
            .lanes()
            .workers
            .iter()
            .map(|_| config.overflow())
            .collect(),
        admission: crate::admission::AdmissionCore::new(config),
        dependency: crate::dependency::Dependency::new(config),
    }
}

fn gauges(shared: &Shared) -> Gauges {
    let gate = shared.gate();
    Gauges {
        limit: gate.admission.limit().map_or(0.0, |limit| limit as f64),
        breaker: gate.dependency.breaker_level(),
    }
}
