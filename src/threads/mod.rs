//! Native mode: the same scenario on real OS threads, measured (`queuelab run --mode threads`).
//!
//! ```text
//!  producer threads ──► admission (Gate: token bucket, bulkheads, limiter, overflow policy)
//!   (scheduled sends,        │ refuse / delay (delay line thread) / block
//!    closed-loop clients)    ▼
//!                    crossbeam bounded channel ──► K worker threads (sleep or spin; downstream
//!                                                   call; chaos panics caught; resizable)
//!        every thread ── records (instant, what) ──► collector (this thread): the simulator's
//!                                                    Recorder, periodic samples, autoscaler
//! ```
//!
//! The producers draw their jobs from the same seeded streams as the simulator
//! ([`crate::sim::workload::producer_plans`]) and send each at its scheduled instant; latency
//! counts from that instant, so a late or blocked producer cannot hide queueing (no coordinated
//! omission). The policies are the simulator's sans-IO objects, fed with the real clock. Every
//! thread is scoped to [`run`]: none outlives it. Times are scaled by `time_scale` (real =
//! scenario × scale) and reported back in scenario time, so a run compares with a simulation
//! metric for metric.
//!
//! Where a real channel cannot do what the simulator does, the runtime refuses the scenario
//! rather than measure something else ([`check_supported`]).

mod clock;
mod collector;
mod intake;
mod job;
mod worker;

pub use clock::nanos_per_chunk;

use crate::dist::Distribution;
use crate::report::{Histogram, Percentiles, Series, Summary, ThreadFacts};
use crate::scenario::{Config, Discipline, ScaleDown, Work};
use crate::sim::metrics::{Recorder, RunFacts};
use crate::sim::workload::{producer_plans, ProducerSource};
use crate::time::SimTime;
use clock::Clock;
use collector::{Collector, Gauges};
use crossbeam_channel::{Receiver, Sender};
use intake::{Delayed, Gate};
use job::{Job, Record, What};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::Mutex;
use std::thread::{Scope, ScopedJoinHandle, Thread};
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
    if config.queue.discipline != Discipline::Fifo {
        let name = match config.queue.discipline {
            Discipline::Lifo => "lifo",
            Discipline::Priority => "priority",
            _ => "fair",
        };
        problems.push(format!(
            "queue.discipline = \"{name}\": the real queue is a FIFO crossbeam channel; run this scenario with --mode sim"
        ));
    }
    if config.scale_down == ScaleDown::Preempt {
        problems.push(
            "pool.scale_down = \"preempt\": a real thread cannot be pre-empted safely and its job put back at the front of a channel; use \"drain\" or \"lazy\" with --mode threads"
                .to_string(),
        );
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("\n"))
    }
}

/// Real seconds a run is expected to take.
pub fn expected_wall_seconds(config: &Config, time_scale: f64) -> f64 {
    crate::sim::expected_horizon_secs(config) * time_scale
}

/// What every thread of a run shares.
pub(crate) struct Shared {
    config: Config,
    services: Vec<Distribution>,
    clock: Clock,
    jobs_tx: Sender<Job>,
    jobs_rx: Receiver<Job>,
    timer_tx: Sender<Delayed>,
    records: Sender<Vec<Record>>,
    gate: Mutex<Gate>,
    /// Intake is closed: producers stop, failed attempts are no longer retried.
    stopping: AtomicBool,
    /// Everything stops now; what is unfinished is abandoned.
    abort: AtomicBool,
    generated: AtomicU64,
    /// Workers in the pool (starting ones included).
    alive: AtomicUsize,
    /// Workers waiting for a job right now.
    idle: AtomicUsize,
    /// Lazy scale-down: workers still to retire when they next finish a job.
    excess: AtomicUsize,
    /// Drain scale-down: one message per worker to retire (idle ones take it at once).
    retire_tx: Sender<()>,
    retire_rx: Receiver<()>,
    /// Never carries a message: dropping its sender wakes every waiting worker at shutdown.
    shutdown_rx: Receiver<()>,
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
    let (jobs_tx, jobs_rx) = match config.queue.capacity {
        Some(capacity) => crossbeam_channel::bounded(capacity),
        None => crossbeam_channel::unbounded(),
    };
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
        jobs_tx,
        jobs_rx,
        timer_tx,
        records: records_tx,
        gate: Mutex::new(gate(config)),
        stopping: AtomicBool::new(false),
        abort: AtomicBool::new(false),
        generated: AtomicU64::new(0),
        alive: AtomicUsize::new(0),
        idle: AtomicUsize::new(0),
        excess: AtomicUsize::new(0),
        retire_tx,
        retire_rx,
        shutdown_rx,
        config: config.clone(),
    };
    let recorder = Recorder::new(
        config.warmup,
        config.classes.iter().map(|c| c.name.clone()).collect(),
        crate::sim::sample_interval(config),
        config.workers,
    );
    let autoscaler = config
        .autoscaler
        .as_ref()
        .map(crate::scenario::AutoscalerConfig::build);
    let collector = Collector::new(clock, recorder, config, autoscaler);
    let (collector, lateness, threads_started) = std::thread::scope(|scope| {
        let mut run = Running {
            scope,
            shared: &shared,
            producers: Vec::new(),
            workers: Vec::new(),
            unpark: Vec::new(),
            started: 0,
        };
        for plan in producer_plans(config) {
            let closed = matches!(plan.source, ProducerSource::Closed { .. });
            let shared = &shared;
            let handle = scope.spawn(move || {
                if closed {
                    intake::closed_client(shared, plan)
                } else {
                    intake::open_producer(shared, plan)
                }
            });
            run.unpark.push(handle.thread().clone());
            run.producers.push(handle);
            run.started += 1;
        }
        let delay_line = {
            let shared = &shared;
            scope.spawn(move || intake::delay_line(shared, timer_rx))
        };
        run.unpark.push(delay_line.thread().clone());
        run.started += 1;
        run.grow(config.workers, Duration::ZERO);
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
        let _ = delay_line.join();
        for worker in run.workers.drain(..) {
            let _ = worker.join();
        }
        (collector, lateness, run.started)
    });
    let wall = start.elapsed();
    let mut collector = collector;
    // Jobs still queued were abandoned; dropping them answers nobody any more.
    worker::empty_queue(&shared.jobs_rx);
    let gauges = || gauges(&shared);
    collector.recorder_flush(&records_rx, &gauges);
    let end = collector.end().unwrap_or(collector.applied);
    let gate = shared.gate.lock().unwrap_or_else(|e| e.into_inner());
    let abandoned = collector.outstanding.max(0) as u64;
    let mut summary = collector.recorder.summary(
        end,
        RunFacts {
            scenario: config.name.clone(),
            seed: config.seed,
            events: collector.records,
            in_flight_at_end: abandoned,
            workers_at_end: collector.target as u64,
            truncated: false,
            breaker_transitions: gate.breaker.as_ref().map_or(0, |b| b.transitions()),
            limit: crate::report::LimitSummary {
                min: gate.limit_range.0 as u64,
                max: gate.limit_range.1 as u64,
                last: gate.limit_range.2 as u64,
            },
        },
    );
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
    let limiter = config
        .limiter
        .as_ref()
        .map(|limiter| limiter.build(config.seed));
    let limit = limiter.as_ref().map_or(0, |l| l.limit());
    Gate {
        overflow: crate::policy::Overflow::new(config.queue.overflow),
        buckets: match config.rate_limit {
            Some(rate) => {
                let buckets = if rate.per_class {
                    config.classes.len()
                } else {
                    1
                };
                vec![crate::policy::token_bucket::TokenBucket::new(rate.rate, rate.burst); buckets]
            }
            None => Vec::new(),
        },
        limiter,
        limit_range: (limit, limit, limit),
        in_flight: 0,
        class_in_flight: vec![0; config.classes.len()],
        breaker: config
            .breaker
            .map(crate::policy::breaker::CircuitBreaker::new),
        retry_rng: crate::rng::Rng::stream(config.seed, crate::sim::workload::RETRY_STREAM),
        retry_tokens: 0.0,
    }
}

fn gauges(shared: &Shared) -> Gauges {
    let gate = shared.gate.lock().unwrap_or_else(|e| e.into_inner());
    Gauges {
        limit: gate.limit().map_or(0.0, |limit| limit as f64),
        breaker: gate.breaker.as_ref().map_or(0.0, |b| b.state().level()),
    }
}

/// The run's threads, while it runs.
struct Running<'scope, 'env> {
    scope: &'scope Scope<'scope, 'env>,
    shared: &'env Shared,
    producers: Vec<ScopedJoinHandle<'scope, Histogram>>,
    workers: Vec<ScopedJoinHandle<'scope, ()>>,
    /// Threads that may be parked in a wait: unparked at shutdown.
    unpark: Vec<Thread>,
    started: u64,
}

/// How long records are held back so that late senders' records still land in time order.
const REORDER_LAG: Duration = Duration::from_millis(30);

#[derive(Debug, Clone, Copy, PartialEq)]
enum Phase {
    Running,
    /// Intake is closed; in-flight work may finish until the deadline (if any).
    Draining(Option<Instant>),
}

impl<'scope> Running<'scope, '_> {
    fn grow(&mut self, count: usize, start_up: Duration) {
        for _ in 0..count {
            let shared = self.shared;
            shared.alive.fetch_add(1, Ordering::Relaxed);
            shared.emit(Instant::now().max(shared.clock.start()), What::WorkerUp);
            let handle = self.scope.spawn(move || worker::worker(shared, start_up));
            self.unpark.push(handle.thread().clone());
            self.workers.push(handle);
            self.started += 1;
        }
        // This thread outlives the run: nothing of it may stay behind in its outbox.
        self.shared.flush();
    }

    /// Grows at once (after reclaiming pending retirements), shrinks per `pool.scale_down`.
    fn resize(&mut self, from: usize, to: usize) {
        let shared = self.shared;
        if to > from {
            let mut needed = to - from;
            while needed > 0 && shared.retire_rx.try_recv().is_ok() {
                needed -= 1;
            }
            while needed > 0
                && shared
                    .excess
                    .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |e| e.checked_sub(1))
                    .is_ok()
            {
                needed -= 1;
            }
            let start_up = shared.clock.real(shared.config.lifecycle.start_up);
            self.grow(needed, start_up);
        } else {
            let surplus = from - to;
            match shared.config.scale_down {
                ScaleDown::Lazy => {
                    shared.excess.fetch_add(surplus, Ordering::Relaxed);
                }
                _ => {
                    for _ in 0..surplus {
                        let _ = shared.retire_tx.send(());
                    }
                }
            }
        }
        self.workers.retain(|worker| !worker.is_finished());
    }

    /// The collector's loop: gathers records, measures, resizes the pool, and decides when the
    /// run ends. Returns when everything is finished or the drain deadline has passed.
    fn collect(
        &mut self,
        mut collector: Collector,
        records: &Receiver<Vec<Record>>,
        options: &ThreadOptions<'_>,
    ) -> Collector {
        let shared = self.shared;
        let config = &shared.config;
        let gauges = || gauges(shared);
        let mut phase = Phase::Running;
        let mut last_progress = Instant::now();
        let duration_end = config.duration.map(|d| SimTime::ZERO + d);
        loop {
            if let Ok(batch) = records.recv_timeout(Duration::from_millis(2)) {
                collector.push_all(batch);
                for batch in records.try_iter().take(1000) {
                    collector.push_all(batch);
                }
            }
            let now = Instant::now();
            // While draining, late records only touch the tail after the measured window.
            let lag = match phase {
                Phase::Running => REORDER_LAG,
                Phase::Draining(_) => Duration::ZERO,
            };
            let mut resizes = collector.apply_until(now - lag, &gauges);
            let interrupted = options
                .interrupt
                .is_some_and(|flag| flag.load(Ordering::Relaxed));
            let intake_over = self.producers.iter().all(|p| p.is_finished());
            if phase == Phase::Running {
                let past_end = duration_end
                    .is_some_and(|end| shared.clock.scenario_time(now - REORDER_LAG) >= end);
                // A `duration` run ends at its end, like the simulator, even if its producers
                // ran out of arrivals earlier; a `customers` run when its producers are done.
                let over = match duration_end {
                    Some(_) => past_end,
                    None => intake_over,
                };
                if over || interrupted {
                    shared.stopping.store(true, Ordering::Relaxed);
                    for thread in &self.unpark {
                        thread.unpark();
                    }
                    let drain = match (options.drain_timeout, past_end, interrupted) {
                        (Some(drain), ..) => Some(drain),
                        (None, true, _) => Some(Duration::ZERO),
                        (None, _, true) => Some(Duration::from_secs(5)),
                        (None, false, false) => None,
                    };
                    if past_end {
                        if let Some(end) = duration_end {
                            resizes.extend(collector.end_at(end, &gauges));
                        }
                    }
                    phase = Phase::Draining(drain.map(|drain| now + drain));
                }
            }
            for size in resizes {
                let from = collector.target;
                if let Some(to) = collector.resized(size) {
                    self.resize(from, to);
                }
            }
            collector.workers_expired(shared.alive.load(Ordering::Relaxed));
            if let Some(progress) = options.progress {
                if now.duration_since(last_progress) > Duration::from_millis(100) {
                    last_progress = now;
                    progress(fraction_done(shared, &collector));
                }
            }
            if let Phase::Draining(deadline) = phase {
                let settled = intake_over && collector.outstanding <= 0 && collector.is_idle();
                if settled || deadline.is_some_and(|deadline| now >= deadline) {
                    return collector;
                }
            }
        }
    }
}

fn fraction_done(shared: &Shared, collector: &Collector) -> f64 {
    let config = &shared.config;
    let fraction = match (config.duration, config.customers) {
        (Some(duration), _) => {
            (collector.applied - SimTime::ZERO).as_secs_f64() / duration.as_secs_f64()
        }
        (None, Some(customers)) => {
            shared.generated.load(Ordering::Relaxed) as f64 / customers.max(1) as f64
        }
        (None, None) => 0.0,
    };
    fraction.clamp(0.0, 1.0)
}

impl Collector {
    /// Applies every record still in flight between threads (they have all been joined).
    fn recorder_flush(&mut self, records: &Receiver<Vec<Record>>, gauges: &dyn Fn() -> Gauges) {
        for batch in records.try_iter() {
            self.push_all(batch);
        }
        let _ = self.apply_until(Instant::now(), gauges);
    }
}
