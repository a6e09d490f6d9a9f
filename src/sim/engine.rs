//! The discrete-event engine: producers, a bounded queue, a pool of K workers, policies.
//!
//! ```text
//!  producers ──offer──► overflow policy ──► queue (levels) ──► workers (K, resizable)
//!   (open: arrival streams;      │ reject / evict / block        │ departure
//!    closed: clients)            ▼                               ▼
//!                           blocked senders ◄── a slot frees ── recorder (histograms, series)
//! ```
//!
//! The engine owns no clock: it moves only when asked ([`Engine::step`], [`Engine::run_until`],
//! [`Engine::run_for`], [`Engine::run`]), which is what lets the browser run it in slices per
//! animation frame and tests run it flat out. Every random draw comes from streams derived from the
//! seed (see [`crate::rng`]), so a seed fully determines a run.
//!
//! ```
//! let text = "[run]\ncustomers = 20000\nseed = 3\n[arrivals]\nprocess = \"poisson\"\nrate = 0.5\n\
//!             [service]\ndistribution = \"exponential\"\nmean = \"1s\"\n[pool]\nworkers = 1\n";
//! let config = queuelab::scenario::parse(text, "mm1.toml").unwrap();
//! let summary = queuelab::sim::Engine::new(&config).run();
//! assert_eq!(summary.completed, 20_000);
//! assert!((summary.latency.mean - 2.0).abs() < 0.2, "M/M/1 at ρ = 0.5 has W = 2 s");
//! ```

use super::jobs::{Job, JobKey, JobQueue, JobSlab, JobState};
use super::metrics::{Levels, Recorder, RunFacts};
use super::workload::ArrivalStream;
use crate::dist::Distribution;
use crate::policy::autoscale::{
    Autoscaler, HpaAutoscaler, PidAutoscaler, PoolSignals, QueueDepthAutoscaler, WaitTimeAutoscaler,
};
use crate::policy::limiter::{AimdLimit, FixedLimit, Gradient2Limit, Limit, VegasLimit};
use crate::policy::token_bucket::TokenBucket;
use crate::policy::{Admission, Overflow, RejectReason};
use crate::report::{Series, Summary};
use crate::rng::Rng;
use crate::scenario::{Arrivals, AutoscalerConfig, Config, Discipline, LimiterConfig, StartedWork};
use crate::sim::event_queue::EventQueue;
use crate::time::{SimDuration, SimTime};
use std::collections::VecDeque;

mod flow;

/// A hard stop for runaway runs; validation already refuses runs expected to need 10⁸ events.
pub const DEFAULT_EVENT_LIMIT: u64 = 400_000_000;

#[derive(Debug, Clone, Copy)]
enum Event {
    Arrival {
        producer: u32,
    },
    Departure {
        worker: u32,
        generation: u32,
    },
    Deadline {
        job: JobKey,
        generation: u32,
    },
    GiveUp {
        job: JobKey,
        generation: u32,
    },
    Release {
        job: JobKey,
        generation: u32,
    },
    Retry {
        job: JobKey,
        generation: u32,
    },
    /// A starting (or restarting) worker is ready for work.
    WorkerReady {
        worker: u32,
        generation: u32,
    },
    /// An idle worker's idle timeout ran out.
    IdleExpire {
        worker: u32,
        generation: u32,
    },
    Sample,
    AutoscaleTick,
    WarmupEnd,
    Stop,
}

enum Source {
    Open(ArrivalStream),
    Closed { think: Distribution, rng: Rng },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ProducerState {
    /// Its next arrival event is scheduled.
    Scheduled,
    /// A closed-loop client waiting for the answer to its request.
    AwaitingResponse,
    Done,
}

struct Producer {
    source: Source,
    service_rng: Rng,
    class_rng: Rng,
    /// (cumulative weight, class) of the classes this producer generates.
    class_pick: Vec<(f64, u16)>,
    state: ProducerState,
    /// Intended time of the next job: latency counts from here even if it was sent late.
    next_at: SimTime,
}

#[derive(Debug, Clone, Copy, Default)]
struct Worker {
    job: Option<JobKey>,
    generation: u32,
}

struct ClassRuntime {
    service: Distribution,
    deadline: Option<SimDuration>,
    level: usize,
}

/// What the live diagram needs, cheap to take every frame.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Snapshot {
    pub now: SimTime,
    pub queued: usize,
    pub capacity: Option<usize>,
    pub busy: usize,
    pub idle: usize,
    /// Workers alive (K); may exceed the target while busy workers wait to retire.
    pub pool_size: usize,
    pub target_size: usize,
    /// Jobs whose senders are blocked on a full queue (`block`, `timeout`).
    pub blocked: usize,
    pub arrivals: u64,
    pub shedding: bool,
    pub finished: bool,
}

pub struct Engine {
    scenario: String,
    seed: u64,
    now: SimTime,
    events: EventQueue<Event>,
    processed: u64,
    event_limit: u64,
    finished: bool,
    truncated: bool,
    customers_limit: Option<u64>,
    generated: u64,
    stop_at: Option<SimTime>,
    producers: Vec<Producer>,
    producers_done: usize,
    /// Senders waiting for a slot, oldest first: (job, job generation). Entries of jobs that
    /// gave up meanwhile are skipped when reached.
    blocked: VecDeque<(JobKey, u32)>,
    blocked_count: usize,
    /// Pending events other than samples and autoscaler ticks: when none is left, nothing can
    /// happen any more and the run ends (a guard against ever spinning on periodic events).
    pending_real_events: u64,
    jobs: JobSlab,
    queue: JobQueue,
    capacity: Option<usize>,
    classes: Vec<ClassRuntime>,
    workers: Vec<Worker>,
    idle: Vec<u32>,
    retired: Vec<u32>,
    busy: usize,
    alive: usize,
    target: usize,
    overflow: Overflow,
    started_work: StartedWork,
    autoscaler: Option<Box<dyn Autoscaler>>,
    integrals_at_tick: (u128, u128),
    recorder: Recorder,
    /// One token bucket, or one per class (`per_class`); empty without `[rate_limit]`.
    rate_buckets: Vec<TokenBucket>,
    rate_delay: bool,
    rate_per_class: bool,
    limiter: Option<Box<dyn Limit>>,
    limit_stats: LimitStats,
    /// Jobs holding a permit (admitted, not yet gone), in all and per class.
    admitted_in_flight: usize,
    class_in_flight: Vec<usize>,
    class_caps: Vec<Option<usize>>,
    downstream: Option<crate::scenario::DownstreamConfig>,
    breaker: Option<crate::policy::breaker::CircuitBreaker>,
    retry: Option<crate::scenario::RetryConfig>,
    lifecycle: crate::scenario::Lifecycle,
    chaos: Option<crate::scenario::ChaosConfig>,
    retry_rng: Rng,
    retry_tokens: f64,
}

/// The concurrency limit's range over the run.
#[derive(Debug, Clone, Copy, Default)]
struct LimitStats {
    min: usize,
    max: usize,
    last: usize,
}

impl LimitStats {
    fn new(limit: usize) -> Self {
        LimitStats {
            min: limit,
            max: limit,
            last: limit,
        }
    }

    fn observe(&mut self, limit: usize) {
        self.min = self.min.min(limit);
        self.max = self.max.max(limit);
        self.last = limit;
    }
}

const ARRIVAL_STREAM: u64 = 1 << 20;
const SERVICE_STREAM: u64 = 2 << 20;
const CLASS_STREAM: u64 = 3 << 20;
const THINK_STREAM: u64 = 4 << 20;
const LIMITER_STREAM: u64 = 5 << 20;
const RETRY_STREAM: u64 = 6 << 20;

impl Engine {
    pub fn new(config: &Config) -> Self {
        let seed = config.seed;
        let class_levels = priority_levels(config);
        let classes: Vec<ClassRuntime> = config
            .classes
            .iter()
            .zip(&class_levels)
            .map(|(class, &level)| ClassRuntime {
                service: class.service.clone(),
                deadline: class.deadline,
                level,
            })
            .collect();
        let levels = class_levels.iter().max().map_or(1, |max| max + 1);

        let mut producers = Vec::new();
        let make_producer = |index: u64, source: Source, class_pick: Vec<(f64, u16)>| Producer {
            source,
            service_rng: Rng::stream(seed, SERVICE_STREAM + index),
            class_rng: Rng::stream(seed, CLASS_STREAM + index),
            class_pick,
            state: ProducerState::Scheduled,
            next_at: SimTime::ZERO,
        };
        let shared_pick = cumulative_pick(
            config
                .classes
                .iter()
                .enumerate()
                .filter(|(_, class)| class.arrivals.is_none())
                .map(|(i, class)| (class.weight, i as u16)),
        );
        match &config.arrivals {
            Arrivals::Open(process) => {
                if let Some(process) = process {
                    let index = producers.len() as u64;
                    let stream = ArrivalStream::new(
                        process,
                        Rng::stream(seed, ARRIVAL_STREAM + index).next_u64(),
                    );
                    producers.push(make_producer(
                        index,
                        Source::Open(stream),
                        shared_pick.clone(),
                    ));
                }
            }
            Arrivals::Closed { clients, think } => {
                for _ in 0..*clients {
                    let index = producers.len() as u64;
                    let source = Source::Closed {
                        think: think.clone(),
                        rng: Rng::stream(seed, THINK_STREAM + index),
                    };
                    producers.push(make_producer(index, source, shared_pick.clone()));
                }
            }
        }
        for (i, class) in config.classes.iter().enumerate() {
            if let Some(process) = &class.arrivals {
                let index = producers.len() as u64;
                let stream = ArrivalStream::new(
                    process,
                    Rng::stream(seed, ARRIVAL_STREAM + index).next_u64(),
                );
                producers.push(make_producer(
                    index,
                    Source::Open(stream),
                    vec![(1.0, i as u16)],
                ));
            }
        }

        let sample_interval = config
            .sample_interval
            .unwrap_or_else(|| default_sample_interval(config));
        let recorder = Recorder::new(
            config.warmup,
            config
                .classes
                .iter()
                .map(|class| class.name.clone())
                .collect(),
            sample_interval,
            config.workers,
        );
        let autoscaler: Option<Box<dyn Autoscaler>> =
            config
                .autoscaler
                .as_ref()
                .map(|autoscaler| -> Box<dyn Autoscaler> {
                    match autoscaler {
                        AutoscalerConfig::QueueDepth(c) => {
                            Box::new(QueueDepthAutoscaler::new(c.clone()))
                        }
                        AutoscalerConfig::WaitTime(c) => {
                            Box::new(WaitTimeAutoscaler::new(c.clone()))
                        }
                        AutoscalerConfig::Pid(c) => Box::new(PidAutoscaler::new(c.clone())),
                        AutoscalerConfig::Hpa(c) => Box::new(HpaAutoscaler::new(c.clone())),
                    }
                });

        let rate_buckets = match config.rate_limit {
            Some(rate) => {
                let buckets = if rate.per_class {
                    config.classes.len()
                } else {
                    1
                };
                vec![TokenBucket::new(rate.rate, rate.burst); buckets]
            }
            None => Vec::new(),
        };
        let limiter: Option<Box<dyn Limit>> =
            config.limiter.as_ref().map(|limiter| -> Box<dyn Limit> {
                match *limiter {
                    LimiterConfig::Fixed(limit) => Box::new(FixedLimit(limit)),
                    LimiterConfig::Aimd {
                        initial,
                        min,
                        max,
                        backoff,
                        timeout,
                    } => Box::new(AimdLimit::new(initial, min, max, backoff, timeout)),
                    LimiterConfig::Vegas {
                        initial,
                        max,
                        smoothing,
                    } => Box::new(VegasLimit::new(
                        initial,
                        max,
                        smoothing,
                        Rng::stream(seed, LIMITER_STREAM),
                    )),
                    LimiterConfig::Gradient2 {
                        initial,
                        min,
                        max,
                        smoothing,
                        long_window,
                    } => Box::new(Gradient2Limit::new(
                        initial,
                        min,
                        max,
                        smoothing,
                        long_window,
                    )),
                }
            });
        let mut engine = Engine {
            scenario: config.name.clone(),
            seed,
            now: SimTime::ZERO,
            events: EventQueue::new(),
            processed: 0,
            event_limit: DEFAULT_EVENT_LIMIT,
            finished: false,
            truncated: false,
            customers_limit: config.customers,
            generated: 0,
            stop_at: config.duration.map(|d| SimTime::ZERO + d),
            producers,
            producers_done: 0,
            blocked: VecDeque::new(),
            blocked_count: 0,
            pending_real_events: 0,
            jobs: JobSlab::default(),
            queue: JobQueue::new(levels, config.queue.discipline == Discipline::Lifo),
            capacity: config.queue.capacity,
            classes,
            workers: vec![Worker::default(); config.workers],
            idle: (0..config.workers as u32).rev().collect(),
            retired: Vec::new(),
            busy: 0,
            alive: config.workers,
            target: config.workers,
            overflow: Overflow::new(config.queue.overflow),
            started_work: config.deadline_started_work,
            autoscaler,
            integrals_at_tick: (0, 0),
            recorder,
            rate_buckets,
            rate_delay: config.rate_limit.is_some_and(|r| r.delay),
            rate_per_class: config.rate_limit.is_some_and(|r| r.per_class),
            limit_stats: LimitStats::new(limiter.as_ref().map_or(0, |l| l.limit())),
            limiter,
            admitted_in_flight: 0,
            class_in_flight: vec![0; config.classes.len()],
            class_caps: config
                .classes
                .iter()
                .map(|class| class.max_in_flight)
                .collect(),
            downstream: config.downstream.clone(),
            breaker: config
                .breaker
                .map(crate::policy::breaker::CircuitBreaker::new),
            retry: config.retry,
            lifecycle: config.lifecycle,
            chaos: config.chaos,
            retry_rng: Rng::stream(seed, RETRY_STREAM),
            retry_tokens: 0.0,
        };
        engine.schedule_start(config);
        engine
    }

    fn schedule_start(&mut self, config: &Config) {
        for p in 0..self.producers.len() {
            match &mut self.producers[p].source {
                Source::Open(_) => self.schedule_next_open(p),
                Source::Closed { think, rng } => {
                    let first = SimTime::ZERO + think.sample(rng);
                    self.producers[p].next_at = first;
                    self.schedule(first, Event::Arrival { producer: p as u32 });
                }
            }
        }
        if config.lifecycle.idle_timeout.is_some() {
            let idle: Vec<u32> = self.idle.clone();
            self.idle.clear();
            for worker in idle.into_iter().rev() {
                self.make_idle(worker);
            }
        }
        if !config.warmup.is_zero() {
            self.schedule(SimTime::ZERO + config.warmup, Event::WarmupEnd);
        }
        if let Some(stop) = self.stop_at {
            self.schedule(stop, Event::Stop);
        }
        self.schedule(
            SimTime::ZERO + self.recorder.sample_interval(),
            Event::Sample,
        );
        if let Some(autoscaler) = &self.autoscaler {
            self.schedule(SimTime::ZERO + autoscaler.interval(), Event::AutoscaleTick);
        }
    }

    fn schedule(&mut self, at: SimTime, event: Event) {
        if !matches!(event, Event::Sample | Event::AutoscaleTick) {
            self.pending_real_events += 1;
        }
        self.events.push(at, event);
    }

    /// Replaces the hard event limit (the default is [`DEFAULT_EVENT_LIMIT`]).
    pub fn with_event_limit(mut self, limit: u64) -> Self {
        self.event_limit = limit;
        self
    }

    pub fn now(&self) -> SimTime {
        self.now
    }

    pub fn is_finished(&self) -> bool {
        self.finished
    }

    /// When the next event happens, if any (lets a UI stop exactly at a frame's target time).
    pub fn next_event_time(&self) -> Option<SimTime> {
        if self.finished {
            None
        } else {
            self.events.peek_time()
        }
    }

    /// Rough completion in [0, 1] for progress bars: arrivals against `run.customers`, or
    /// simulated time against `run.duration`.
    pub fn progress(&self) -> f64 {
        if self.finished {
            return 1.0;
        }
        let by_customers = self
            .customers_limit
            .map(|limit| self.generated as f64 / limit as f64);
        let by_time = self
            .stop_at
            .map(|stop| self.now.as_secs_f64() / stop.as_secs_f64().max(1e-12));
        by_customers
            .into_iter()
            .chain(by_time)
            .fold(0.0, f64::max)
            .min(1.0)
    }

    /// Processes one event. Returns false once the run is over.
    pub fn step(&mut self) -> bool {
        if self.finished {
            return false;
        }
        let Some((at, event)) = self.events.pop() else {
            self.finish();
            return false;
        };
        if !matches!(event, Event::Sample | Event::AutoscaleTick) {
            self.pending_real_events -= 1;
        }
        self.now = at;
        self.recorder.advance(at, self.levels());
        self.processed += 1;
        if self.processed > self.event_limit {
            self.truncated = true;
            self.finish();
            return false;
        }
        match event {
            Event::Arrival { producer } => self.generate(producer as usize),
            Event::Departure { worker, generation } => self.on_departure(worker, generation),
            Event::Deadline { job, generation } => self.on_deadline(job, generation),
            Event::GiveUp { job, generation } => self.on_give_up(job, generation),
            Event::Release { job, generation } => self.on_release(job, generation),
            Event::Retry { job, generation } => self.on_retry(job, generation),
            Event::WorkerReady { worker, generation } => {
                if self.workers[worker as usize].generation == generation {
                    self.worker_released(worker);
                }
            }
            Event::IdleExpire { worker, generation } => self.on_idle_expire(worker, generation),
            Event::Sample => {
                self.recorder
                    .sample(at, self.current_limit(), self.breaker_level());
                self.schedule(at + self.recorder.sample_interval(), Event::Sample);
            }
            Event::AutoscaleTick => self.on_autoscale_tick(),
            Event::WarmupEnd => self.recorder.warmup_ended(),
            Event::Stop => {
                self.finish();
                return false;
            }
        }
        let drained = self.stop_at.is_none()
            && self.producers_done == self.producers.len()
            && self.in_system() == 0;
        if drained || self.pending_real_events == 0 {
            self.finish();
            return false;
        }
        true
    }

    /// Processes every event up to and including time `t`, then moves the clock to `t`.
    pub fn run_until(&mut self, t: SimTime) {
        while !self.finished && self.events.peek_time().is_some_and(|at| at <= t) {
            self.step();
        }
        if !self.finished && self.now < t {
            self.now = t;
            self.recorder.advance(t, self.levels());
        }
    }

    /// Advances the simulation by `d` of simulated time.
    pub fn run_for(&mut self, d: SimDuration) {
        self.run_until(self.now + d);
    }

    /// Runs to the end and returns the summary.
    pub fn run(mut self) -> Summary {
        while self.step() {}
        self.summary()
    }

    /// Runs to the end and returns the summary and the time series.
    pub fn run_with_series(mut self) -> (Summary, Series) {
        while self.step() {}
        (self.summary(), self.recorder.series().clone())
    }

    /// The summary so far (final once the run is over).
    pub fn summary(&self) -> Summary {
        self.recorder.summary(
            self.now,
            RunFacts {
                scenario: self.scenario.clone(),
                seed: self.seed,
                events: self.processed,
                in_flight_at_end: self.in_system() as u64,
                workers_at_end: self.alive as u64,
                truncated: self.truncated,
                breaker_transitions: self.breaker.as_ref().map_or(0, |b| b.transitions()),
                limit: crate::report::LimitSummary {
                    min: self.limit_stats.min as u64,
                    max: self.limit_stats.max as u64,
                    last: self.limit_stats.last as u64,
                },
            },
        )
    }

    /// The time series so far.
    pub fn series(&self) -> &Series {
        self.recorder.series()
    }

    pub fn snapshot(&self) -> Snapshot {
        Snapshot {
            now: self.now,
            queued: self.queue.len(),
            capacity: self.capacity,
            busy: self.busy,
            idle: self.idle.len(),
            pool_size: self.alive,
            target_size: self.target,
            blocked: self.blocked_count,
            arrivals: self.generated,
            shedding: self.overflow.is_shedding(),
            finished: self.finished,
        }
    }

    fn breaker_level(&self) -> f64 {
        self.breaker
            .as_ref()
            .map_or(0.0, |breaker| breaker.state().level())
    }

    fn current_limit(&self) -> f64 {
        self.limiter
            .as_ref()
            .map_or(0.0, |limiter| limiter.limit() as f64)
    }

    fn levels(&self) -> Levels {
        Levels {
            queued: self.queue.len() as u64,
            busy: self.busy as u64,
            blocked: self.blocked_count as u64,
            workers: self.alive as u64,
        }
    }

    fn in_system(&self) -> usize {
        self.queue.len() + self.busy + self.blocked_count
    }

    fn finish(&mut self) {
        if !self.finished {
            self.finished = true;
            self.recorder
                .sample(self.now, self.current_limit(), self.breaker_level());
        }
    }

    fn on_autoscale_tick(&mut self) {
        let (busy_integral, worker_integral) = self.recorder.busy_and_worker_integrals();
        let (busy_before, workers_before) = self.integrals_at_tick;
        self.integrals_at_tick = (busy_integral, worker_integral);
        let worker_time = worker_integral - workers_before;
        let utilization = if worker_time > 0 {
            (busy_integral - busy_before) as f64 / worker_time as f64
        } else {
            0.0
        };
        let signals = PoolSignals {
            now: self.now,
            size: self.target,
            busy: self.busy,
            queued: self.queue.len(),
            capacity: self.capacity,
            utilization,
        };
        let Some(autoscaler) = self.autoscaler.as_mut() else {
            return;
        };
        let decision = autoscaler.on_tick(&signals);
        let next = self.now + autoscaler.interval();
        self.schedule(next, Event::AutoscaleTick);
        if let Some(size) = decision {
            self.resize(size);
        }
    }

    /// Sets the pool's target size: grows at once, shrinks idle workers at once and busy ones
    /// when they finish (lazy scale-down).
    pub fn resize(&mut self, size: usize) {
        let size = size.max(1);
        if size == self.target {
            return;
        }
        self.target = size;
        self.recorder.pool_resized(size);
        while self.alive < self.target {
            let worker = self.retired.pop().unwrap_or_else(|| {
                self.workers.push(Worker::default());
                (self.workers.len() - 1) as u32
            });
            self.alive += 1;
            if self.lifecycle.start_up.is_zero() {
                match self.queue.pop_next(&mut self.jobs) {
                    Some(key) => self.start_service(worker, key),
                    None => self.make_idle(worker),
                }
            } else {
                // Cold start: counted in the pool (and its cost) but not ready for work yet.
                let generation = self.workers[worker as usize].generation;
                self.schedule(
                    self.now + self.lifecycle.start_up,
                    Event::WorkerReady { worker, generation },
                );
            }
        }
        while self.alive > self.target {
            let Some(worker) = self.idle.pop() else { break };
            self.retire(worker);
        }
        self.admit_blocked();
    }

    /// An idle worker waits for work; with an idle timeout it may retire on its own.
    fn make_idle(&mut self, worker: u32) {
        self.idle.push(worker);
        if let Some(timeout) = self.lifecycle.idle_timeout {
            let generation = self.workers[worker as usize].generation;
            self.schedule(self.now + timeout, Event::IdleExpire { worker, generation });
        }
    }

    fn retire(&mut self, worker: u32) {
        let slot = &mut self.workers[worker as usize];
        slot.generation = slot.generation.wrapping_add(1);
        self.alive -= 1;
        self.retired.push(worker);
    }

    /// Seed book 003, task 14: an idle worker above the floor exits on its own.
    fn on_idle_expire(&mut self, worker: u32, generation: u32) {
        if self.workers[worker as usize].generation != generation
            || self.alive <= self.lifecycle.min_workers
        {
            return;
        }
        let Some(position) = self.idle.iter().position(|&w| w == worker) else {
            return;
        };
        self.idle.remove(position);
        self.retire(worker);
        if self.target > self.alive {
            self.target = self.alive;
            self.recorder.pool_resized(self.alive);
        }
    }
}

/// Distinct priorities, highest first, become queue levels 0, 1, ...; non-priority disciplines
/// use one level.
fn priority_levels(config: &Config) -> Vec<usize> {
    if config.queue.discipline != Discipline::Priority {
        return vec![0; config.classes.len()];
    }
    let mut priorities: Vec<u8> = config.classes.iter().map(|class| class.priority).collect();
    priorities.sort_unstable_by(|a, b| b.cmp(a));
    priorities.dedup();
    config
        .classes
        .iter()
        .map(|class| {
            priorities
                .iter()
                .position(|&p| p == class.priority)
                .unwrap_or(0)
        })
        .collect()
}

fn cumulative_pick(weights: impl Iterator<Item = (f64, u16)>) -> Vec<(f64, u16)> {
    let weights: Vec<(f64, u16)> = weights.collect();
    let total: f64 = weights.iter().map(|(w, _)| w).sum();
    let mut cumulative = 0.0;
    weights
        .into_iter()
        .map(|(weight, class)| {
            cumulative += if total > 0.0 { weight / total } else { 0.0 };
            (cumulative, class)
        })
        .collect()
}

fn pick_class(pick: &[(f64, u16)], rng: &mut Rng) -> u16 {
    match pick {
        [] => 0,
        [(_, only)] => *only,
        _ => {
            let u = rng.next_f64();
            pick.iter()
                .find(|(cumulative, _)| u < *cumulative)
                .or(pick.last())
                .map_or(0, |&(_, class)| class)
        }
    }
}

/// About a thousand samples over the expected run length.
fn default_sample_interval(config: &Config) -> SimDuration {
    let horizon_secs = match (config.duration, config.customers) {
        (Some(duration), _) => duration.as_secs_f64(),
        (None, Some(customers)) => {
            let rate = match &config.arrivals {
                Arrivals::Open(shared) => shared
                    .iter()
                    .chain(config.classes.iter().filter_map(|c| c.arrivals.as_ref()))
                    .map(|p| {
                        p.schedule
                            .long_run_rate()
                            .max(p.schedule.peak_rate() / 10.0)
                    })
                    .sum::<f64>(),
                Arrivals::Closed { clients, think } => {
                    let service = config.classes.iter().map(|c| c.service.mean()).sum::<f64>()
                        / config.classes.len() as f64;
                    *clients as f64 / (think.mean() + service).max(1e-9)
                }
            };
            customers as f64 / rate.max(1e-12)
        }
        (None, None) => 1000.0,
    };
    let interval = SimDuration::from_secs_f64(horizon_secs / 1000.0);
    interval.max(SimDuration::from_micros(1))
}
