//! A run's measuring instruments (the simulator's and the real threads' alike): histograms, counters, time integrals and the time series.
//!
//! Time-averaged quantities (queue length, busy workers, pool size) are exact integrals: the
//! engine reports its levels before each event and the recorder adds level × elapsed time in
//! integer nanoseconds, so no sampling error enters `mean_queue_len` or `utilization`.

use crate::policy::RejectReason;
use crate::report::{Histogram, Series, SeriesPoint};
use crate::scenario::Config;
use crate::time::{SimDuration, SimTime};

mod stages;
mod summary;

pub use stages::StageLevels;
pub use summary::{alert_summaries, RunFacts};

/// Levels integrated over time, in this order.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Levels {
    pub queued: u64,
    pub busy: u64,
    /// Jobs held by blocked producers.
    pub blocked: u64,
    /// Workers alive (the pool size K).
    pub workers: u64,
    /// Jobs past the first pool, in a pipeline's later stages.
    pub staged: u64,
}

impl Levels {
    fn as_array(self) -> [u64; LEVELS] {
        [
            self.queued,
            self.busy,
            self.blocked,
            self.workers,
            self.staged,
        ]
    }

    fn in_system(self) -> u64 {
        self.queued + self.busy + self.blocked + self.staged
    }
}

const QUEUED: usize = 0;
const BUSY: usize = 1;
const BLOCKED: usize = 2;
const WORKERS: usize = 3;
const STAGED: usize = 4;
const LEVELS: usize = 5;

#[derive(Debug, Clone, Copy, Default)]
struct Counts {
    arrivals: u64,
    completed: u64,
    rejected: [u64; RejectReason::ALL.len()],
    timed_out: u64,
    dropped: u64,
    failed: [u64; FailReason::ALL.len()],
    /// Attempts beyond the first.
    retries: u64,
    /// Second copies of requests (`[hedge]`), and the requests they answered.
    hedges: u64,
    hedge_wins: u64,
}

impl Counts {
    fn rejected_total(&self) -> u64 {
        self.rejected.iter().sum()
    }
    fn failed_total(&self) -> u64 {
        self.failed.iter().sum()
    }
    fn lost(&self) -> u64 {
        self.rejected_total() + self.timed_out + self.dropped + self.failed_total()
    }
}

pub use crate::policy::FailReason;

pub struct Recorder {
    warmup: SimTime,
    latency: Histogram,
    wait: Histogram,
    service: Histogram,
    class_names: Vec<String>,
    class_latency: Vec<Histogram>,
    class_counts: Vec<Counts>,
    /// Jobs that arrived after the warm-up.
    measured: Counts,
    /// Every job, for the time series.
    all: Counts,
    wasted_nanos: u128,
    /// Measured completions whose wait was not zero.
    waited: u64,
    integrals: [u128; LEVELS],
    last_advance: SimTime,
    integrals_at_warmup: [u128; LEVELS],
    /// Set when arrivals stop (`run.customers` reached): steady-state averages end here, so the
    /// drain after the last arrival does not bias them.
    window_end: Option<(SimTime, [u128; LEVELS])>,
    /// Completions that happened inside the measured window (throughput counts these).
    completions_in_window: u64,
    max_queue_len: u64,
    max_in_system: u64,
    series: Series,
    window_latency: Histogram,
    last_sample: SimTime,
    integrals_at_sample: [u128; LEVELS],
    all_at_sample: Counts,
    pool_initial: u64,
    pool_min: u64,
    pool_max: u64,
    resizes: u64,
    /// A pipeline's stages (`[[stages]]`, the first pool first); empty for a single pool.
    stages: Vec<stages::StageMeter>,
    /// A split pool's parts: shards (`pool.shards`) or classes' own pools; empty otherwise.
    shards: Vec<stages::StageMeter>,
    /// `shards` are shards of one pool, not classes' pools of their own.
    lanes_are_shards: bool,
    /// The autoscaler's last decision (workers), for the series; 0 without one.
    desired_workers: f64,
}

/// Most points a time series keeps before it halves its resolution.
pub const MAX_SERIES_POINTS: usize = 2048;

impl Recorder {
    pub fn new(
        warmup: SimDuration,
        class_names: Vec<String>,
        sample_interval: SimDuration,
        workers: usize,
    ) -> Self {
        let classes = class_names.len();
        Recorder {
            warmup: SimTime::ZERO + warmup,
            latency: Histogram::new(),
            wait: Histogram::new(),
            service: Histogram::new(),
            class_latency: if classes > 1 {
                (0..classes).map(|_| Histogram::new()).collect()
            } else {
                Vec::new()
            },
            class_counts: vec![Counts::default(); classes],
            class_names,
            measured: Counts::default(),
            all: Counts::default(),
            wasted_nanos: 0,
            waited: 0,
            integrals: [0; LEVELS],
            last_advance: SimTime::ZERO,
            integrals_at_warmup: [0; LEVELS],
            window_end: None,
            completions_in_window: 0,
            max_queue_len: 0,
            max_in_system: 0,
            series: Series::new(sample_interval, MAX_SERIES_POINTS),
            window_latency: Histogram::new(),
            last_sample: SimTime::ZERO,
            integrals_at_sample: [0; LEVELS],
            all_at_sample: Counts::default(),
            pool_initial: workers as u64,
            pool_min: workers as u64,
            pool_max: workers as u64,
            resizes: 0,
            stages: Vec::new(),
            shards: Vec::new(),
            lanes_are_shards: false,
            desired_workers: 0.0,
        }
    }

    /// Integrates the levels that held since the previous call up to `now`.
    #[inline]
    pub fn advance(&mut self, now: SimTime, levels: Levels) {
        let elapsed = (now - self.last_advance).as_nanos() as u128;
        if elapsed > 0 {
            if self.last_advance >= self.warmup && self.window_end.is_none() {
                self.max_queue_len = self.max_queue_len.max(levels.queued);
                self.max_in_system = self.max_in_system.max(levels.in_system());
            }
            for (integral, level) in self.integrals.iter_mut().zip(levels.as_array()) {
                *integral += level as u128 * elapsed;
            }
            self.last_advance = now;
        }
    }

    pub fn warmup_ended(&mut self) {
        self.integrals_at_warmup = self.integrals;
        self.stages_warmup_ended();
    }

    /// Closes the measured window at `now` (call after [`Recorder::advance`]).
    pub fn close_window(&mut self, now: SimTime) {
        if self.window_end.is_none() {
            self.window_end = Some((now, self.integrals));
            self.stages_window_closed();
        }
    }

    pub fn is_measured(&self, arrived: SimTime) -> bool {
        arrived >= self.warmup
    }

    pub fn arrival(&mut self, class: u16, measured: bool) {
        self.all.arrivals += 1;
        if measured {
            self.measured.arrivals += 1;
            self.class_counts[class as usize].arrivals += 1;
        }
    }

    pub fn completion(
        &mut self,
        class: u16,
        measured: bool,
        latency: SimDuration,
        wait: SimDuration,
        service: SimDuration,
    ) {
        self.completion_waited(class, measured, latency, wait, service, !wait.is_zero());
    }

    /// A completion whose job `waited` for a worker or not (a real hand-off always takes a few
    /// microseconds, so the real-thread runtime says whether a worker was free instead).
    pub fn completion_waited(
        &mut self,
        class: u16,
        measured: bool,
        latency: SimDuration,
        wait: SimDuration,
        service: SimDuration,
        waited: bool,
    ) {
        self.all.completed += 1;
        if self.last_advance >= self.warmup && self.window_end.is_none() {
            self.completions_in_window += 1;
        }
        self.window_latency.record(latency.as_nanos());
        if measured {
            self.measured.completed += 1;
            self.latency.record(latency.as_nanos());
            self.wait.record(wait.as_nanos());
            self.waited += u64::from(waited);
            self.service.record(service.as_nanos());
            self.class_counts[class as usize].completed += 1;
            if let Some(histogram) = self.class_latency.get_mut(class as usize) {
                histogram.record(latency.as_nanos());
            }
        }
    }

    pub fn rejection(&mut self, class: u16, measured: bool, reason: RejectReason) {
        self.all.rejected[reason.index()] += 1;
        if measured {
            self.measured.rejected[reason.index()] += 1;
            self.class_counts[class as usize].rejected[reason.index()] += 1;
        }
    }

    pub fn timeout(&mut self, class: u16, measured: bool) {
        self.all.timed_out += 1;
        if measured {
            self.measured.timed_out += 1;
            self.class_counts[class as usize].timed_out += 1;
        }
    }

    pub fn drop_evicted(&mut self, class: u16, measured: bool) {
        self.all.dropped += 1;
        if measured {
            self.measured.dropped += 1;
            self.class_counts[class as usize].dropped += 1;
        }
    }

    pub fn failure(&mut self, class: u16, measured: bool, reason: FailReason) {
        self.all.failed[reason as usize] += 1;
        if measured {
            self.measured.failed[reason as usize] += 1;
            self.class_counts[class as usize].failed[reason as usize] += 1;
        }
    }

    pub fn retry(&mut self, measured: bool) {
        self.all.retries += 1;
        if measured {
            self.measured.retries += 1;
        }
    }

    pub fn hedge(&mut self, measured: bool) {
        self.all.hedges += 1;
        if measured {
            self.measured.hedges += 1;
        }
    }

    pub fn hedge_won(&mut self, measured: bool) {
        self.all.hedge_wins += 1;
        if measured {
            self.measured.hedge_wins += 1;
        }
    }

    pub fn wasted_work(&mut self, measured: bool, work: SimDuration) {
        if measured {
            self.wasted_nanos += work.as_nanos() as u128;
        }
    }

    pub fn pool_resized(&mut self, workers: usize) {
        let workers = workers as u64;
        self.resizes += 1;
        self.pool_min = self.pool_min.min(workers);
        self.pool_max = self.pool_max.max(workers);
    }

    /// The autoscaler decided on `workers` (summed over pools): the series shows it beside the
    /// pool's actual size, so a learner sees the decision and the pool catching up.
    pub fn note_desired_workers(&mut self, workers: usize) {
        self.desired_workers = workers as f64;
    }

    /// The current sampling interval of the time series.
    pub fn sample_interval(&self) -> SimDuration {
        self.series.interval()
    }

    /// Closes the time-series interval ending at `now` (call after [`Recorder::advance`]).
    pub fn sample(&mut self, now: SimTime, limit: f64, breaker: f64) {
        let span_nanos = (now - self.last_sample).as_nanos();
        if span_nanos == 0 {
            return;
        }
        let span = span_nanos as f64;
        let level = |i: usize| (self.integrals[i] - self.integrals_at_sample[i]) as f64 / span;
        let per_second = |count: u64| count as f64 / (span / 1e9);
        let point = SeriesPoint {
            start: self.last_sample.as_secs_f64(),
            end: now.as_secs_f64(),
            queue_len: level(QUEUED),
            in_flight: level(BUSY),
            in_system: level(QUEUED) + level(BUSY) + level(BLOCKED) + level(STAGED),
            pool_size: level(WORKERS),
            offered: per_second(
                (self.all.arrivals + self.all.retries + self.all.hedges)
                    - (self.all_at_sample.arrivals
                        + self.all_at_sample.retries
                        + self.all_at_sample.hedges),
            ),
            throughput: per_second(self.all.completed - self.all_at_sample.completed),
            drops: per_second(self.all.lost() - self.all_at_sample.lost()),
            rejected: per_second(self.all.rejected_total() - self.all_at_sample.rejected_total()),
            dropped: per_second(self.all.dropped - self.all_at_sample.dropped),
            timed_out: per_second(self.all.timed_out - self.all_at_sample.timed_out),
            p50_latency: self.window_latency.quantile(0.50) as f64 / 1e9,
            p99_latency: self.window_latency.quantile(0.99) as f64 / 1e9,
            limit,
            failed: per_second(self.all.failed_total() - self.all_at_sample.failed_total()),
            breaker,
            desired_workers: self.desired_workers,
            admission_rejected: per_second(
                self.all.rejected[RejectReason::Admission.index()]
                    - self.all_at_sample.rejected[RejectReason::Admission.index()],
            ),
        };
        // Without part series (one pool, or too many parts to chart) nothing reads the parts here.
        let parts = if self.series.parts().is_empty() {
            Vec::new()
        } else {
            self.sample_parts(span)
        };
        self.series.push_with_parts(point, |i| parts[i]);
        self.window_latency.clear();
        self.last_sample = now;
        self.integrals_at_sample = self.integrals;
        self.all_at_sample = self.all;
    }

    pub fn series(&self) -> &Series {
        &self.series
    }
}

/// The counters as of the previous autoscaler tick: utilisation and error rate are measured
/// between ticks.
#[derive(Debug, Clone, Copy, Default)]
pub struct TickMarks {
    busy_and_workers: (u128, u128),
    finished: (u64, u64),
}

impl Recorder {
    /// Utilisation and error rate since the previous tick (`marks`, which move to now).
    pub fn since_last_tick(&self, marks: &mut TickMarks) -> (f64, f64) {
        let (busy, workers) = (self.integrals[BUSY], self.integrals[WORKERS]);
        let (busy_before, workers_before) =
            std::mem::replace(&mut marks.busy_and_workers, (busy, workers));
        let worker_time = workers - workers_before;
        let utilization = if worker_time > 0 {
            (busy - busy_before) as f64 / worker_time as f64
        } else {
            0.0
        };
        let (completed, failed) = (self.all.completed, self.all.failed_total());
        let (completed_before, failed_before) =
            std::mem::replace(&mut marks.finished, (completed, failed));
        let finished = (completed - completed_before) + (failed - failed_before);
        let error_rate = if finished > 0 {
            (failed - failed_before) as f64 / finished as f64
        } else {
            0.0
        };
        (utilization, error_rate)
    }
}
/// The time series' resolution: the scenario's own, or about a thousand samples over the
/// expected run length.
pub fn sample_interval(config: &Config) -> SimDuration {
    if let Some(interval) = config.sample_interval {
        return interval;
    }
    let interval = SimDuration::from_secs_f64(config.expected_horizon_secs() / 1000.0);
    interval.max(SimDuration::from_micros(1))
}
