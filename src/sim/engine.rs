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
use crate::admission::AdmissionCore;
use crate::dist::Distribution;
use crate::policy::autoscale::{Autoscaler, PoolSignals};
use crate::policy::{Admission, Overflow, RejectReason};
use crate::report::recorder::{Levels, Recorder, RunFacts, TickMarks};
use crate::report::{Series, Summary};
use crate::rng::streams::{HEDGE_STREAM, KEY_STREAM};
use crate::rng::Rng;
use crate::scenario::{Config, Discipline, ScaleDown, StartedWork};
use crate::sim::event_queue::EventQueue;
use crate::time::{SimDuration, SimTime};
use crate::workload::routing::{draw_key, priority_levels, shard_of, stage_work};
use crate::workload::{producer_plans, JobMaker, ProducerSource};
use std::collections::VecDeque;

mod admission;
mod deadline;
mod departure;
mod flow;
mod hedge;
mod lanes;
mod observe;
mod operations;
mod parts;
mod pipeline;
mod pool;
mod setup;
mod station;
mod watch;

pub use observe::Snapshot;
pub use watch::{Exit, How, JobMark, OnWorker, StationView, WatchView, WorkerView, EXITS_KEPT};

/// A hard stop for runaway runs; validation already refuses runs expected to need 10⁸ events.
pub const DEFAULT_EVENT_LIMIT: u64 = 400_000_000;

/// A run with this many events at one simulated instant is stuck, not busy: time no longer
/// moves (closed-loop clients with no think time, refused at once, resend at once). It stops
/// there, `truncated`, with `stalled_at_seconds` saying when, instead of burning the event limit.
pub const STALL_EVENTS: u64 = 2_000_000;

/// The most jobs a run may hold at once (queued, in service, blocked or waiting to retry). Past
/// it the system is overloaded beyond any lesson or measurement, and its backlog would grow until
/// memory runs out (a browser tab dies first): the run stops, `truncated`, with
/// `overloaded_at_seconds` saying when. About 150 MB of jobs.
pub const MAX_JOBS_IN_SYSTEM: usize = 1_000_000;

#[derive(Debug, Clone, Copy)]
enum Event {
    Arrival {
        producer: u32,
    },
    /// A worker of any station finished its job (see [`departure`]).
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
    /// A request's hedge delay ran out.
    Hedge {
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
    /// `[shutdown]`: intake stops, in-flight work drains.
    Shutdown,
    /// An alert's hold time ran out (see [`crate::policy::alert`]).
    AlertTimer {
        alert: u16,
        token: u32,
    },
    Stop,
}

impl Event {
    /// Events that recur or watch, but never make anything happen to a job: a run with only
    /// these left is over.
    fn is_periodic(&self) -> bool {
        matches!(
            self,
            Event::Sample | Event::AutoscaleTick | Event::AlertTimer { .. }
        )
    }
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
    source: ProducerSource,
    jobs: JobMaker,
    state: ProducerState,
    /// Intended time of the next job: latency counts from here even if it was sent late.
    next_at: SimTime,
}

/// A worker of any station (see [`station`]).
#[derive(Debug, Clone, Copy, Default)]
struct Worker {
    job: Option<JobKey>,
    generation: u32,
    /// The station it serves (a lane of the first pool, or a later stage).
    station: u16,
}

struct ClassRuntime {
    deadline: Option<SimDuration>,
    level: usize,
}

pub struct Engine {
    now: SimTime,
    events: EventQueue<Event>,
    control: parts::RunControl,
    jobs: JobSlab,
    producers: parts::Producers,
    /// Every station: the first pool's lanes (one lane, one per shard (`pool.shards`), or the
    /// shared pool and one per class with workers of its own), then a pipeline's later stages
    /// (`[[stages]]`).
    stations: Vec<station::Station>,
    lane_tracking: parts::LaneTracking,
    pool: parts::Pool,
    ops: parts::Operations,
    faults: parts::Faults,
    recorder: Recorder,
    /// The rate limit, bulkheads, limiter permits and retry decisions (shared with the threads).
    admission: AdmissionCore,
    /// The downstream every job calls, its breaker and its limit (shared with the threads).
    dependency: crate::dependency::Dependency,
    /// `[fanout]`: the parallel calls each job makes on its worker, and its wait for them.
    fanout: Option<crate::fanout::FanOut>,
    /// The exit log a watcher turned on (see [`watch`]); `None` costs nothing.
    watch: Option<Box<watch::ExitLog>>,
}

impl Engine {
    fn schedule(&mut self, at: SimTime, event: Event) {
        if !event.is_periodic() {
            self.control.pending_real_events += 1;
        }
        self.events.push(at, event);
    }

    /// Replaces the hard event limit (the default is [`DEFAULT_EVENT_LIMIT`]).
    pub fn with_event_limit(mut self, limit: u64) -> Self {
        self.control.event_limit = limit;
        self
    }

    pub fn now(&self) -> SimTime {
        self.now
    }

    pub fn is_finished(&self) -> bool {
        self.control.finished
    }

    /// When the next event happens, if any (lets a UI stop exactly at a frame's target time).
    pub fn next_event_time(&self) -> Option<SimTime> {
        if self.control.finished {
            None
        } else {
            self.events.peek_time()
        }
    }

    /// Rough completion in [0, 1] for progress bars: arrivals against `run.customers`, or
    /// simulated time against `run.duration`.
    pub fn progress(&self) -> f64 {
        if self.control.finished {
            return 1.0;
        }
        let by_customers = self
            .control
            .customers_limit
            .map(|limit| self.control.generated as f64 / limit as f64);
        let by_time = self
            .control
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
        if self.control.finished {
            return false;
        }
        let Some((at, event)) = self.events.pop() else {
            self.finish();
            return false;
        };
        if !event.is_periodic() {
            self.control.pending_real_events -= 1;
        }
        if at == SimTime::MAX {
            // A time added past the clock's end saturates here: simulating it would report
            // latencies measured against a stuck clock (0 service, 0 latency), so the run stops
            // at the last faithful instant and says so.
            self.control.clock_end_at = Some(self.now);
            self.control.truncated = true;
            self.finish();
            return false;
        }
        if at > self.now {
            self.control.events_this_instant = 0;
        }
        self.control.events_this_instant += 1;
        if self.control.events_this_instant > STALL_EVENTS {
            self.control.stalled_at = Some(at);
            self.control.truncated = true;
            self.finish();
            return false;
        }
        self.now = at;
        self.recorder.advance(at, self.levels());
        self.advance_stages(at);
        self.control.processed += 1;
        if self.jobs.len() > MAX_JOBS_IN_SYSTEM {
            self.control.overloaded_at = Some(at);
            self.control.truncated = true;
            self.finish();
            return false;
        }
        if self.control.processed > self.control.event_limit {
            self.control.truncated = true;
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
            Event::Hedge { job, generation } => self.on_hedge(job, generation),
            Event::WorkerReady { worker, generation } => {
                if self.pool.workers[worker as usize].generation == generation {
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
            Event::Shutdown => self.on_shutdown(),
            Event::AlertTimer { alert, token } => {
                self.ops.alerts[alert as usize].1.on_timer(at, token);
            }
            Event::Stop => {
                self.finish();
                return false;
            }
        }
        if let Some(fault) = self.admission.take_fault() {
            self.control.fault.get_or_insert(fault);
        }
        if let Some(fault) = self.dependency.take_fault() {
            self.control.fault.get_or_insert(fault);
        }
        if self.control.fault.is_some() {
            self.control.truncated = true;
            self.finish();
            return false;
        }
        self.report_touched_lanes();
        if !self.ops.alerts.is_empty() {
            self.observe_alerts();
        }
        let drained = (self.control.stop_at.is_none() || self.ops.shutdown_started.is_some())
            && self.producers.done == self.producers.list.len()
            && self.in_system() == 0;
        if drained || self.control.pending_real_events == 0 {
            self.finish();
            return false;
        }
        true
    }

    /// Processes every event up to and including time `t`, then moves the clock to `t`.
    pub fn run_until(&mut self, t: SimTime) {
        while !self.control.finished && self.events.peek_time().is_some_and(|at| at <= t) {
            self.step();
        }
        if !self.control.finished && self.now < t {
            self.now = t;
            self.recorder.advance(t, self.levels());
            self.advance_stages(t);
            self.recorder.catch_up_parts();
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

    fn finish(&mut self) {
        self.report_touched_lanes();
        if !self.control.finished {
            self.control.finished = true;
            self.recorder
                .sample(self.now, self.current_limit(), self.breaker_level());
        }
    }
}
