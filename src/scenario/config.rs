//! Stage two's output: a checked scenario that cannot be invalid.
//!
//! Only [`super::validate`] builds a [`Config`] from a file, and it checks every invariant the
//! engine relies on (K ≥ 1, rates finite and non-negative, watermarks ordered, ...). Code that
//! receives a `Config` never re-checks.

use crate::dist::Distribution;
pub use crate::scenario::arrivals_config::{
    AfterSchedule, Arrivals, OpenProcess, RateSchedule, RateSegment, Spacing, TraceArrivals,
};
pub use crate::scenario::autoscaler_config::{AutoscalerConfig, ScriptAutoscalerConfig};
pub use crate::scenario::limiter_config::LimiterConfig;
pub use crate::scenario::operations_config::{
    AlertConfig, AlertSignal, HedgeConfig, KeyConfig, Next, Route, ShutdownConfig, StageConfig,
};
pub use crate::scenario::queue_config::{Discipline, QueueConfig};
use crate::time::SimDuration;

/// The front pool's name in the summary's `stages` map.
pub const FRONT_STAGE: &str = "pool";

#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    pub name: String,
    pub seed: u64,
    /// Stop generating after this many arrivals, then drain.
    pub customers: Option<u64>,
    /// Stop the run at this simulated time.
    pub duration: Option<SimDuration>,
    /// Jobs arriving before this are not measured.
    pub warmup: SimDuration,
    /// Time series resolution; `None` picks one from the expected run length.
    pub sample_interval: Option<SimDuration>,
    pub arrivals: Arrivals,
    /// Always at least one; a scenario without `[[classes]]` has one class named "default".
    pub classes: Vec<ClassConfig>,
    pub workers: usize,
    pub scale_down: ScaleDown,
    /// How a real worker thread spends a job's service time (`--mode threads`); the simulator
    /// only needs the duration.
    pub work: Work,
    pub queue: QueueConfig,
    pub deadline_started_work: StartedWork,
    pub autoscaler: Option<AutoscalerConfig>,
    /// A token bucket in front of everything.
    pub rate_limit: Option<RateLimitConfig>,
    /// A concurrency limit on admitted jobs in flight.
    pub limiter: Option<LimiterConfig>,
    /// `[admission]`: a policy asked for every arriving request, before the rate limit.
    pub admission: Option<AdmissionConfig>,
    /// A dependency every job calls while on its worker.
    pub downstream: Option<DownstreamConfig>,
    /// Each job fans out to parallel calls while on its worker (`[fanout]`).
    pub fanout: Option<FanOutConfig>,
    /// A circuit breaker around the downstream call.
    pub breaker: Option<crate::policy::breaker::BreakerConfig>,
    /// `[breaker] kind = "script"`: the learner's `fn allow(request)` and `fn record(result)`, in
    /// place of `breaker` (which is then `None`; see [`Config::has_breaker`]).
    pub breaker_script: Option<String>,
    /// Clients retry unsuccessful attempts.
    pub retry: Option<RetryConfig>,
    /// `[retry] kind = "script"`: the learner's `fn retry(failure)`, which decides each backoff
    /// in place of `retry`'s backoff fields (the attempt cap and the budget still apply).
    pub retry_script: Option<String>,
    /// Clients send a second copy of a request that has not been answered after a delay.
    pub hedge: Option<HedgeConfig>,
    /// A graceful shutdown: intake stops, in-flight work drains until a deadline.
    pub shutdown: Option<ShutdownConfig>,
    /// Threshold alerts on the pool's signals (`[[alerts]]`).
    pub alerts: Vec<AlertConfig>,
    /// Later pipeline stages after the pool (`[[stages]]`); empty for a single pool.
    pub stages: Vec<StageConfig>,
    /// Where the pool's finished items go (`pool.routes`); empty: the first stage (if any).
    pub pool_routes: Vec<Route>,
    /// The pool split into this many shards, each with its own queue and workers (1: no split).
    pub shards: usize,
    /// Whether a shared pool serves the classes without workers of their own (`pool.workers`).
    pub shared_pool: bool,
    /// `autoscaler.budget`: the most workers the classes' own pools may have together.
    pub autoscale_budget: Option<usize>,
    /// `autoscaler.reclaim`: a pool of higher class priority takes budget back from lower ones.
    pub autoscale_reclaim: bool,
    /// How requests' keys are drawn (`[keys]`); required with shards.
    pub keys: Option<KeyConfig>,
    /// Worker lifecycle: start-up cost and idle expiry.
    pub lifecycle: Lifecycle,
    /// A time-of-day floor under the autoscaler (`autoscaler.prewarm`).
    pub prewarm: Prewarm,
    /// Injected faults: panics, slow tasks, a slow leak.
    pub chaos: Option<ChaosConfig>,
}

/// A predicted minimum pool size over time: `(from, workers)` steps, repeating every `period`
/// (e.g. a day) if set. The autoscaler's decision is raised to this floor.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Prewarm {
    pub steps: Vec<(SimDuration, usize)>,
    pub period: Option<SimDuration>,
}

impl Prewarm {
    /// The floor at simulated time `at` (0 before the first step or without steps).
    pub fn floor_at(&self, at: SimDuration) -> usize {
        let at = match self.period {
            Some(period) if !period.is_zero() => {
                SimDuration::from_nanos(at.as_nanos() % period.as_nanos())
            }
            _ => at,
        };
        self.steps
            .iter()
            .take_while(|(from, _)| *from <= at)
            .last()
            .map_or(0, |&(_, workers)| workers)
    }
}

/// How workers come and go.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Lifecycle {
    /// A new worker (grown by an autoscaler, or restarting after a panic) is ready only after this.
    pub start_up: SimDuration,
    /// An idle worker retires on its own after this long, while the pool is above `min_workers`.
    pub idle_timeout: Option<SimDuration>,
    pub min_workers: usize,
}

/// Faults injected into the work itself.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct ChaosConfig {
    /// Probability a job panics part-way through its service (it fails; the worker survives).
    pub panic_rate: f64,
    /// Time a worker needs to recover after a panic.
    pub restart: SimDuration,
    /// Probability a job is slow, and how much slower it then is.
    pub slow_rate: f64,
    pub slow_factor: f64,
    /// A slow leak: service times grow by this fraction per simulated hour.
    pub drift_per_hour: f64,
}

/// Client retries: exponential backoff with jitter, optionally within a budget.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RetryConfig {
    /// Attempts per request, the first included.
    pub max_attempts: u32,
    pub backoff: SimDuration,
    pub multiplier: f64,
    pub max_backoff: SimDuration,
    pub jitter: Jitter,
    /// Retry tokens earned per request (0.2 = retries at most ~20 % of requests).
    pub budget: Option<f64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Jitter {
    None,
    /// Uniform in [0, delay] (AWS's "full jitter").
    Full,
    /// delay/2 plus uniform in [0, delay/2].
    Equal,
}

impl RetryConfig {
    /// The wait before retry number `retry` (1 for the first retry).
    pub fn delay(&self, retry: u32, rng: &mut crate::rng::Rng) -> SimDuration {
        let exponent = retry.saturating_sub(1).min(60);
        let base = (self.backoff.as_secs_f64() * libm::pow(self.multiplier, exponent as f64))
            .min(self.max_backoff.as_secs_f64());
        let secs = match self.jitter {
            Jitter::None => base,
            Jitter::Full => base * rng.next_f64(),
            Jitter::Equal => base / 2.0 + base / 2.0 * rng.next_f64(),
        };
        SimDuration::from_secs_f64(secs)
    }
}

/// The dependency each job calls: extra latency on the worker, a chance of failing, incidents.
#[derive(Debug, Clone, PartialEq)]
pub struct DownstreamConfig {
    pub latency: Distribution,
    pub error_rate: f64,
    pub incidents: Vec<Incident>,
    /// The most calls the dependency serves at once, from every pool together; a call beyond
    /// it is refused at once (HTTP 429). `None`: no limit.
    pub max_in_flight: Option<usize>,
}

/// `[admission]`: a learner's `fn admit(request)` (`kind = "script"`, the only kind so far).
#[derive(Debug, Clone, PartialEq)]
pub struct AdmissionConfig {
    pub code: String,
}

impl AdmissionConfig {
    /// The policy object (validation compiled the code already: should it fail here all the
    /// same, every request is let in and the failure is reported as a fault).
    #[cfg(feature = "script")]
    pub fn build(&self) -> Box<dyn crate::policy::admit::AdmissionPolicy> {
        Box::new(crate::script::ScriptAdmission::checked(&self.code))
    }

    /// Without the script engine validation refuses `[admission]`; should a config reach here
    /// all the same, nothing is asked.
    #[cfg(not(feature = "script"))]
    pub fn build(&self) -> Box<dyn crate::policy::admit::AdmissionPolicy> {
        #[derive(Debug)]
        struct LetEveryoneIn;
        impl crate::policy::admit::AdmissionPolicy for LetEveryoneIn {
            fn decide(
                &mut self,
                _: crate::time::SimTime,
                _: &crate::policy::admit::RequestView<'_>,
            ) -> crate::policy::admit::Verdict {
                crate::policy::admit::Verdict::Accept
            }
        }
        Box::new(LetEveryoneIn)
    }
}

/// `[fanout]`: while on its worker, each job sends `calls` parallel calls (to leaves that each
/// answer after their own `latency` draw, never queueing: N copies of one dependency) and goes on
/// once the first `wait_for` have answered — the rest are cancelled. Its worker is held for the
/// `wait_for`-th fastest answer: the max of N draws when it waits for all.
#[derive(Debug, Clone, PartialEq)]
pub struct FanOutConfig {
    pub calls: usize,
    pub wait_for: usize,
    pub latency: Distribution,
}

/// A window of trouble downstream: calls that start in [from, to) are `slowdown` times slower
/// and fail with `error_rate` (an outage is error_rate = 1).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Incident {
    pub from: SimDuration,
    pub to: SimDuration,
    pub slowdown: f64,
    pub error_rate: Option<f64>,
}

impl DownstreamConfig {
    /// (latency factor, error rate) for a call starting `at` after the start of the run.
    pub fn conditions(&self, at: SimDuration) -> (f64, f64) {
        self.incidents
            .iter()
            .find(|incident| incident.from <= at && at < incident.to)
            .map_or((1.0, self.error_rate), |incident| {
                (
                    incident.slowdown,
                    incident.error_rate.unwrap_or(self.error_rate),
                )
            })
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RateLimitConfig {
    /// Tokens per second.
    pub rate: f64,
    pub burst: u32,
    /// Refuse when empty, or make the job wait for its token (a leaky bucket).
    pub delay: bool,
    /// One bucket per class (per tenant) instead of one shared.
    pub per_class: bool,
}

/// A kind of job: its share of the shared arrivals, its priority, size and patience.
#[derive(Debug, Clone, PartialEq)]
pub struct ClassConfig {
    pub name: String,
    /// Share of the scenario-level arrivals (normalised over the classes that share them).
    pub weight: f64,
    /// Higher is served first under the `priority` discipline.
    pub priority: u8,
    pub service: Distribution,
    /// The client gives up this long after the job was generated.
    pub deadline: Option<SimDuration>,
    /// A class with its own arrivals does not take a share of the scenario-level ones.
    pub arrivals: Option<OpenProcess>,
    /// Bulkhead: at most this many of the class's jobs in flight (queued or in service).
    pub max_in_flight: Option<usize>,
    /// A pool of its own with this many workers (and its own queue), instead of the shared one.
    pub workers: Option<usize>,
}

/// How the first pool is split: each lane is a queue with its own workers.
#[derive(Debug, Clone, PartialEq)]
pub struct LaneLayout {
    /// Summary names: shard indexes, or `pool` (the shared pool) and the names of classes with
    /// pools of their own.
    pub names: Vec<String>,
    pub workers: Vec<usize>,
    /// The lane each class's requests go to (shards route by key instead).
    pub lane_of_class: Vec<usize>,
    /// Lanes are shards of one pool (`pool.shards`), not pools of their own.
    pub sharded: bool,
}

impl Config {
    /// Whether a circuit breaker guards the downstream call: the built-in one or a script.
    pub fn has_breaker(&self) -> bool {
        self.breaker.is_some() || self.breaker_script.is_some()
    }

    /// How long a run is expected to last in scenario seconds: its duration, or the time its
    /// customers take to arrive.
    pub fn expected_horizon_secs(&self) -> f64 {
        match (self.duration, self.customers) {
            (Some(duration), _) => duration.as_secs_f64(),
            (None, Some(customers)) => {
                let rate = match &self.arrivals {
                    Arrivals::Open(shared) => shared
                        .iter()
                        .chain(self.classes.iter().filter_map(|c| c.arrivals.as_ref()))
                        .map(|p| {
                            p.schedule
                                .long_run_rate()
                                .max(p.schedule.peak_rate() / 10.0)
                        })
                        .sum::<f64>(),
                    Arrivals::Closed { clients, think } => {
                        let service = self.classes.iter().map(|c| c.service.mean()).sum::<f64>()
                            / self.classes.len() as f64;
                        *clients as f64 / (think.mean() + service).max(1e-9)
                    }
                    Arrivals::Trace(trace) => {
                        trace.mean_rate()
                            + self
                                .classes
                                .iter()
                                .filter_map(|c| c.arrivals.as_ref())
                                .map(|p| p.schedule.long_run_rate())
                                .sum::<f64>()
                    }
                };
                customers as f64 / rate.max(1e-12)
            }
            (None, None) => 1000.0,
        }
    }

    /// The lanes of the first pool: one, one per shard, or the shared pool and one per class
    /// with `workers` of its own.
    pub fn lanes(&self) -> LaneLayout {
        if self.shards > 1 {
            return LaneLayout {
                names: (0..self.shards).map(|shard| shard.to_string()).collect(),
                workers: vec![self.workers / self.shards; self.shards],
                lane_of_class: vec![0; self.classes.len()],
                sharded: true,
            };
        }
        let mut layout = LaneLayout {
            names: Vec::new(),
            workers: Vec::new(),
            lane_of_class: Vec::new(),
            sharded: false,
        };
        if self.shared_pool {
            let dedicated: usize = self.classes.iter().filter_map(|class| class.workers).sum();
            layout.names.push(FRONT_STAGE.to_string());
            layout.workers.push(self.workers - dedicated);
        }
        for class in &self.classes {
            match class.workers {
                Some(workers) => {
                    layout.lane_of_class.push(layout.workers.len());
                    layout.names.push(class.name.clone());
                    layout.workers.push(workers);
                }
                None => layout.lane_of_class.push(0),
            }
        }
        layout
    }
}

/// What happens to a job whose deadline passes while a worker is running it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StartedWork {
    /// The worker finishes it anyway; the result is thrown away (the work is wasted).
    Finish,
    /// The worker is interrupted and moves on (the work so far is wasted).
    Cancel,
}

/// How the real-thread runtime realises service time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Work {
    /// The worker sleeps: an I/O-bound job (waiting on a disk, a network, a lock).
    #[default]
    Sleep,
    /// The worker burns CPU for the duration measured on an idle core: a CPU-bound job, which
    /// takes longer when more workers than cores compete.
    Spin,
}

/// How a pool shrinks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScaleDown {
    /// Idle workers retire at once; busy ones when they finish their job.
    Drain,
    /// As panjf2000/ants: nothing happens at once; a worker retires when it finishes a job while
    /// the pool is above its size (idle workers keep being handed work).
    Lazy,
    /// Idle workers retire at once; busy ones are interrupted at once and their jobs go back to
    /// the front of the queue (the work done so far is wasted, the job is not lost).
    Preempt,
}
