//! The end of a run: the recorder's counters, histograms and integrals become a [`Summary`].

use super::*;
use crate::report::{ClassSummary, Percentiles, PoolSummary, Summary};
use std::collections::BTreeMap;

impl Recorder {
    /// Builds the summary of a run that is now at `now`.
    pub fn summary(&self, now: SimTime, run: RunFacts) -> Summary {
        let (end, integrals) = self.window_end.unwrap_or((now, self.integrals));
        let window_nanos = (end - self.warmup).as_nanos() as f64;
        let window_secs = window_nanos / 1e9;
        let time_average = |i: usize| {
            if window_nanos > 0.0 {
                (integrals[i] - self.integrals_at_warmup[i]) as f64 / window_nanos
            } else {
                0.0
            }
        };
        let per_second = |count: u64| {
            if window_secs > 0.0 {
                count as f64 / window_secs
            } else {
                0.0
            }
        };
        let ratio = |count: u64| {
            if self.measured.arrivals > 0 {
                count as f64 / self.measured.arrivals as f64
            } else {
                0.0
            }
        };
        let mean_in_system = time_average(QUEUED)
            + time_average(BUSY)
            + time_average(BLOCKED)
            + time_average(STAGED);
        let throughput = per_second(self.completions_in_window);
        let latency = Percentiles::from_histogram(&self.latency);
        let littles_law_residual = if mean_in_system > 0.0 {
            (mean_in_system - throughput * latency.mean) / mean_in_system
        } else {
            0.0
        };
        let (shards, pools) = self.lane_summaries(window_nanos);
        let busy_time = time_average(BUSY);
        let worker_time = time_average(WORKERS);
        let rejected_by_reason = RejectReason::ALL
            .iter()
            .map(|reason| {
                (
                    reason.name().to_string(),
                    self.measured.rejected[reason.index()],
                )
            })
            .filter(|&(_, count)| count > 0)
            .collect();
        let classes: BTreeMap<String, ClassSummary> = self
            .class_names
            .iter()
            .enumerate()
            .map(|(i, name)| {
                let counts = &self.class_counts[i];
                let latency = match self.class_latency.get(i) {
                    Some(histogram) => Percentiles::from_histogram(histogram),
                    None => latency,
                };
                let summary = ClassSummary {
                    arrivals: counts.arrivals,
                    completed: counts.completed,
                    rejected: counts.rejected_total(),
                    timed_out: counts.timed_out,
                    dropped: counts.dropped,
                    failed: counts.failed_total(),
                    latency,
                };
                (name.clone(), summary)
            })
            .collect();
        Summary {
            scenario: run.scenario,
            seed: run.seed,
            arrivals: self.measured.arrivals,
            completed: self.measured.completed,
            rejected: self.measured.rejected_total(),
            rejected_ratio: ratio(self.measured.rejected_total()),
            timed_out: self.measured.timed_out,
            dropped: self.measured.dropped,
            lost_ratio: ratio(self.measured.lost()),
            waited_ratio: if self.measured.completed > 0 {
                self.waited as f64 / self.measured.completed as f64
            } else {
                0.0
            },
            throughput,
            offered_rate: per_second(self.measured.arrivals),
            utilization: if worker_time > 0.0 {
                busy_time / worker_time
            } else {
                0.0
            },
            mean_queue_len: time_average(QUEUED),
            max_queue_len: self.max_queue_len,
            max_in_system: self.max_in_system,
            mean_in_system,
            events: run.events,
            sim_seconds: now.as_secs_f64(),
            measured_seconds: window_secs,
            latency,
            wait: Percentiles::from_histogram(&self.wait),
            service: Percentiles::from_histogram(&self.service),
            rejected_by_reason,
            pool: PoolSummary {
                initial: self.pool_initial,
                min: self.pool_min,
                max: self.pool_max,
                mean: worker_time,
                resizes: self.resizes,
                last: run.workers_at_end,
            },
            in_flight_at_end: run.in_flight_at_end,
            littles_law_residual,
            wasted_work_seconds: self.wasted_nanos as f64 / 1e9,
            classes,
            truncated: run.truncated,
            stalled_at_seconds: run.stalled_at,
            overloaded_at_seconds: run.overloaded_at,
            clock_end_at_seconds: run.clock_end_at,
            limit: run.limit,
            failed: self.measured.failed_total(),
            failed_ratio: ratio(self.measured.failed_total()),
            failed_by_reason: FailReason::ALL
                .iter()
                .map(|reason| {
                    (
                        reason.name().to_string(),
                        self.measured.failed[*reason as usize],
                    )
                })
                .filter(|&(_, count)| count > 0)
                .collect(),
            breaker_transitions: run.breaker_transitions,
            shedding_spells: run.shedding_spells,
            retries: self.measured.retries,
            drain_seconds: run.drain_seconds,
            alerts: run.alerts,
            hedges: self.measured.hedges,
            hedge_wins: self.measured.hedge_wins,
            stages: self.stage_summaries(window_nanos),
            shards,
            pools,
            threads: None,
            script_error: None,
            script_console: Vec::new(),
            fanout: None,
            trace_rows: None,
        }
    }
}

/// Each alert's record by name, at `now`.
pub fn alert_summaries(
    alerts: &[(crate::scenario::AlertConfig, crate::policy::alert::Alert)],
    now: SimTime,
) -> BTreeMap<String, crate::report::AlertSummary> {
    alerts
        .iter()
        .map(|(config, alert)| {
            let summary = crate::report::AlertSummary {
                fired: alert.fired(),
                first_fired_at: alert.first_fired().map(|at| at.as_secs_f64()),
                firing_seconds: alert.firing_time(now).as_secs_f64(),
            };
            (config.name.clone(), summary)
        })
        .collect()
}

/// What the engine knows at the end of a run that the recorder does not.
pub struct RunFacts {
    pub scenario: String,
    pub seed: u64,
    pub events: u64,
    pub in_flight_at_end: u64,
    pub workers_at_end: u64,
    pub truncated: bool,
    pub stalled_at: Option<f64>,
    /// When the run stopped because too many jobs were in the system at once.
    pub overloaded_at: Option<f64>,
    /// When the run stopped because its next event fell past the simulated clock's end.
    pub clock_end_at: Option<f64>,
    pub drain_seconds: f64,
    pub alerts: BTreeMap<String, crate::report::AlertSummary>,
    pub breaker_transitions: u64,
    pub shedding_spells: u64,
    pub limit: crate::report::LimitSummary,
}
