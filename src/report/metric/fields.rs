//! The names of the summary's numbers, record by record: the tables a metric path is resolved
//! against. A new summary field is one line here.

use crate::report::summary::{
    AlertSummary, ClassSummary, FanOutSummary, LimitSummary, Percentiles, PoolSummary,
    StageSummary, Summary, ThreadFacts,
};
use std::collections::BTreeMap;

pub(super) type Read<T> = fn(&T) -> Option<f64>;

fn count(n: u64) -> Option<f64> {
    Some(n as f64)
}

/// The summary's own numbers, by name.
pub(super) static TOP: &[(&str, Read<Summary>)] = &[
    ("seed", |s| count(s.seed)),
    ("arrivals", |s| count(s.arrivals)),
    ("completed", |s| count(s.completed)),
    ("rejected", |s| count(s.rejected)),
    ("rejected_ratio", |s| Some(s.rejected_ratio)),
    ("timed_out", |s| count(s.timed_out)),
    ("dropped", |s| count(s.dropped)),
    ("lost_ratio", |s| Some(s.lost_ratio)),
    ("waited_ratio", |s| Some(s.waited_ratio)),
    ("throughput", |s| Some(s.throughput)),
    ("offered_rate", |s| Some(s.offered_rate)),
    ("utilization", |s| Some(s.utilization)),
    ("mean_queue_len", |s| Some(s.mean_queue_len)),
    ("max_queue_len", |s| count(s.max_queue_len)),
    ("max_in_system", |s| count(s.max_in_system)),
    ("mean_in_system", |s| Some(s.mean_in_system)),
    ("events", |s| count(s.events)),
    ("sim_seconds", |s| Some(s.sim_seconds)),
    ("measured_seconds", |s| Some(s.measured_seconds)),
    ("in_flight_at_end", |s| count(s.in_flight_at_end)),
    ("littles_law_residual", |s| Some(s.littles_law_residual)),
    ("wasted_work_seconds", |s| Some(s.wasted_work_seconds)),
    ("truncated", |s| Some(f64::from(u8::from(s.truncated)))),
    ("stalled_at_seconds", |s| s.stalled_at_seconds),
    ("overloaded_at_seconds", |s| s.overloaded_at_seconds),
    ("clock_end_at_seconds", |s| s.clock_end_at_seconds),
    ("failed", |s| count(s.failed)),
    ("failed_ratio", |s| Some(s.failed_ratio)),
    ("breaker_transitions", |s| count(s.breaker_transitions)),
    ("shedding_spells", |s| count(s.shedding_spells)),
    ("retries", |s| count(s.retries)),
    ("drain_seconds", |s| Some(s.drain_seconds)),
    ("hedges", |s| count(s.hedges)),
    ("hedge_wins", |s| count(s.hedge_wins)),
];

pub(super) static PERCENTILES: &[(&str, Read<Percentiles>)] = &[
    ("mean", |p| Some(p.mean)),
    ("p50", |p| Some(p.p50)),
    ("p90", |p| Some(p.p90)),
    ("p99", |p| Some(p.p99)),
    ("p999", |p| Some(p.p999)),
    ("max", |p| Some(p.max)),
];

pub(super) type Spread = fn(&Summary) -> &Percentiles;
pub(super) static SPREADS: &[(&str, Spread)] = &[
    ("latency", |s| &s.latency),
    ("wait", |s| &s.wait),
    ("service", |s| &s.service),
];

/// The counts by reason, and the reasons there are (a reason that never happened is 0).
pub(super) type Reasons = (
    fn(&Summary) -> &BTreeMap<String, u64>,
    fn() -> Vec<&'static str>,
);
pub(super) static REASONS: &[(&str, Reasons)] = &[
    (
        "rejected_by_reason",
        (
            |s| &s.rejected_by_reason,
            || crate::policy::RejectReason::ALL.map(|r| r.name()).to_vec(),
        ),
    ),
    (
        "failed_by_reason",
        (
            |s| &s.failed_by_reason,
            || {
                crate::report::recorder::FailReason::ALL
                    .map(|r| r.name())
                    .to_vec()
            },
        ),
    ),
];

pub(super) static POOL: &[(&str, Read<PoolSummary>)] = &[
    ("initial", |p| count(p.initial)),
    ("min", |p| count(p.min)),
    ("max", |p| count(p.max)),
    ("mean", |p| Some(p.mean)),
    ("resizes", |p| count(p.resizes)),
    ("last", |p| count(p.last)),
];

pub(super) static LIMIT: &[(&str, Read<LimitSummary>)] = &[
    ("min", |l| count(l.min)),
    ("max", |l| count(l.max)),
    ("last", |l| count(l.last)),
];

pub(super) static CLASS: &[(&str, Read<ClassSummary>)] = &[
    ("arrivals", |c| count(c.arrivals)),
    ("completed", |c| count(c.completed)),
    ("rejected", |c| count(c.rejected)),
    ("timed_out", |c| count(c.timed_out)),
    ("dropped", |c| count(c.dropped)),
    ("failed", |c| count(c.failed)),
];

pub(super) static ALERT: &[(&str, Read<AlertSummary>)] = &[
    ("fired", |a| count(a.fired)),
    ("first_fired_at", |a| a.first_fired_at),
    ("firing_seconds", |a| Some(a.firing_seconds)),
];

/// The stations of a pipeline, a sharded pool or the classes' own pools.
pub(super) type Parts = fn(&Summary) -> &BTreeMap<String, StageSummary>;
pub(super) static PARTS: &[(&str, &str, Parts)] = &[
    ("stages", "stage", |s| &s.stages),
    ("shards", "shard", |s| &s.shards),
    ("pools", "pool", |s| &s.pools),
];

pub(super) static PART: &[(&str, Read<StageSummary>)] = &[
    ("position", |p| count(p.position)),
    ("workers", |p| Some(p.workers)),
    ("completed", |p| count(p.completed)),
    ("utilization", |p| Some(p.utilization)),
    ("blocked_ratio", |p| Some(p.blocked_ratio)),
    ("mean_queue_len", |p| Some(p.mean_queue_len)),
    ("max_queue_len", |p| count(p.max_queue_len)),
];

pub(super) static THREADS: &[(&str, Read<ThreadFacts>)] = &[
    ("wall_seconds", |t| Some(t.wall_seconds)),
    ("time_scale", |t| Some(t.time_scale)),
    ("cores", |t| count(t.cores)),
    ("abandoned", |t| count(t.abandoned)),
    ("threads_started", |t| count(t.threads_started)),
];

pub(super) static FANOUT: &[(&str, Read<FanOutSummary>)] = &[
    ("calls", |f| count(f.calls)),
    ("wait_for", |f| count(f.wait_for)),
    ("calls_made", |f| count(f.calls_made)),
];
