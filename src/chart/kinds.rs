//! Which charts a run has and what each draws: a title, a unit, and its curves from the series.

use super::palette::{
    DEMAND, DROPPED, FAILED, IN_PROGRESS, MAIN, MILD, PARTS, REJECTED, TIMED_OUT,
};
use super::{Curve, Unit};
use crate::report::{PartPoint, Series, SeriesPoint, MAX_PART_SERIES};
use plotters::style::RGBColor;

/// Beyond this many parts only the lines with the highest averages are named in the legend, so
/// that it does not cover the chart; the others are still drawn, each in its own colour.
const LEGEND_PARTS: usize = 6;

/// A line of the run as a whole: its label, colour and value at each point.
type RunLine = (&'static str, RGBColor, fn(&SeriesPoint) -> f64);

/// The pool chart's line of the autoscaler's decisions, drawn only when there is an autoscaler.
const DECIDED: &str = "asked for by the autoscaler";
/// The losses chart's share of "rejected" refused by the admission policy (a learner's
/// `fn admit` included), dashed in rejected's colour; drawn only when it refused something.
const BY_ADMISSION: &str = "of those, by the admission policy";

/// Lines drawn only once they show something: without them the legend would promise a line
/// that sits on zero (no autoscaler, no admission policy).
const ONLY_WHEN_NONZERO: [&str; 2] = [DECIDED, BY_ADMISSION];

/// The charts a run has, each a panel of its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChartKind {
    Latency,
    Queue,
    Throughput,
    Pool,
    Drops,
    Utilization,
    /// The concurrency limit over time (only meaningful with a `[limiter]`; not in `ALL`).
    Limit,
    /// Failures and the circuit breaker's state (only with a `[downstream]`; not in `ALL`).
    Breaker,
    /// Each stage's, shard's or class pool's queue (only with parts; not in `ALL`).
    PartQueues,
    /// Each stage's, shard's or class pool's utilisation (only with parts; not in `ALL`).
    PartUtilization,
    /// Each part's workers (only with parts and an autoscaler; not in `ALL`).
    PartWorkers,
}

impl ChartKind {
    /// The charts every run has.
    pub const ALL: [ChartKind; 6] = [
        ChartKind::Latency,
        ChartKind::Queue,
        ChartKind::Throughput,
        ChartKind::Pool,
        ChartKind::Drops,
        ChartKind::Utilization,
    ];

    /// Every chart, including those only some scenarios have.
    pub const EVERY: [ChartKind; 11] = [
        ChartKind::Latency,
        ChartKind::Queue,
        ChartKind::Throughput,
        ChartKind::Pool,
        ChartKind::Drops,
        ChartKind::Utilization,
        ChartKind::Limit,
        ChartKind::Breaker,
        ChartKind::PartQueues,
        ChartKind::PartUtilization,
        ChartKind::PartWorkers,
    ];

    /// The chart an exercise's `watch` names.
    pub fn from_name(name: &str) -> Option<ChartKind> {
        Self::EVERY.into_iter().find(|kind| kind.name() == name)
    }

    /// The name exercises use in `watch`.
    pub fn name(self) -> &'static str {
        match self {
            ChartKind::Latency => "latency",
            ChartKind::Queue => "queue",
            ChartKind::Throughput => "throughput",
            ChartKind::Pool => "pool",
            ChartKind::Drops => "drops",
            ChartKind::Utilization => "utilization",
            ChartKind::Limit => "limit",
            ChartKind::Breaker => "breaker",
            ChartKind::PartQueues => "part_queues",
            ChartKind::PartUtilization => "part_utilization",
            ChartKind::PartWorkers => "part_workers",
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            ChartKind::Latency => "p99 latency (and p50)",
            ChartKind::Queue => "Queue length and jobs in service",
            ChartKind::Throughput => "Throughput and offered load",
            ChartKind::Pool => "Pool size K",
            ChartKind::Drops => "Lost jobs per second, by reason",
            ChartKind::Utilization => "Utilisation (busy workers / K)",
            ChartKind::Limit => "Concurrency limit and jobs in system",
            ChartKind::Breaker => "Circuit breaker state",
            ChartKind::PartQueues => "Queue of each stage, shard or pool",
            ChartKind::PartUtilization => "Utilisation of each stage, shard or pool",
            ChartKind::PartWorkers => "Workers of each stage, shard or pool",
        }
    }

    /// What the chart's values measure (its axis labels follow).
    pub fn unit(self) -> Unit {
        match self {
            ChartKind::Latency => Unit::Seconds,
            ChartKind::Queue
            | ChartKind::Limit
            | ChartKind::PartQueues
            | ChartKind::Pool
            | ChartKind::PartWorkers => Unit::Count,
            ChartKind::Throughput | ChartKind::Drops => Unit::PerSecond,
            ChartKind::Utilization | ChartKind::PartUtilization => Unit::Fraction,
            ChartKind::Breaker => Unit::BreakerState,
        }
    }

    /// The chart's lines drawn from `series`.
    pub fn curves(self, series: &Series) -> Vec<Curve> {
        let part_value: fn(&PartPoint) -> f64 = match self {
            ChartKind::PartQueues => |p| p.queue_len,
            ChartKind::PartUtilization => PartPoint::utilization,
            ChartKind::PartWorkers => |p| p.workers,
            _ => {
                return self
                    .lines()
                    .into_iter()
                    .map(|(label, color, value)| Curve {
                        label: label.to_string(),
                        color,
                        points: series.points().iter().map(|p| (p.end, value(p))).collect(),
                        dashed: label == BY_ADMISSION,
                    })
                    .filter(|curve| {
                        !ONLY_WHEN_NONZERO.contains(&curve.label.as_str())
                            || curve.points.iter().any(|p| p.1 > 0.0)
                    })
                    .collect()
            }
        };
        let mut curves: Vec<Curve> = series
            .parts()
            .iter()
            .zip(PARTS.iter().cycle())
            .map(|(part, &color)| Curve {
                label: part.name.clone(),
                color,
                points: series
                    .points()
                    .iter()
                    .zip(&part.points)
                    .map(|(p, q)| (p.end, part_value(q)))
                    .collect(),
                dashed: false,
            })
            .collect();
        if curves.len() > LEGEND_PARTS {
            let mean = |c: &Curve| c.points.iter().map(|p| p.1).sum::<f64>();
            let mut order: Vec<usize> = (0..curves.len()).collect();
            order.sort_by(|&a, &b| mean(&curves[b]).total_cmp(&mean(&curves[a])));
            for &quiet in &order[LEGEND_PARTS..] {
                curves[quiet].label.clear();
            }
        }
        curves
    }

    /// The run-wide lines: label, colour and value per point.
    fn lines(self) -> Vec<RunLine> {
        match self {
            ChartKind::Latency => vec![
                ("p99 latency", MAIN, |p| p.p99_latency),
                ("p50 latency", MILD, |p| p.p50_latency),
            ],
            ChartKind::Queue => vec![
                ("queue length", MAIN, |p| p.queue_len),
                ("in service", IN_PROGRESS, |p| p.in_flight),
            ],
            ChartKind::Throughput => vec![
                ("throughput", MAIN, |p| p.throughput),
                ("offered", DEMAND, |p| p.offered),
            ],
            ChartKind::Pool => vec![
                ("pool size K", MAIN, |p| p.pool_size),
                (DECIDED, DEMAND, |p| p.desired_workers),
            ],
            ChartKind::Drops => vec![
                ("rejected", REJECTED, |p| p.rejected),
                (BY_ADMISSION, REJECTED, |p| p.admission_rejected),
                ("dropped", DROPPED, |p| p.dropped),
                ("timed out", TIMED_OUT, |p| p.timed_out),
                ("failed", FAILED, |p| p.failed),
            ],
            ChartKind::Utilization => vec![("utilisation", MAIN, |p| {
                if p.pool_size > 0.0 {
                    p.in_flight / p.pool_size
                } else {
                    0.0
                }
            })],
            ChartKind::Breaker => vec![("breaker state", MAIN, |p| p.breaker)],
            ChartKind::Limit => vec![
                ("limit", MAIN, |p| p.limit),
                ("in system", IN_PROGRESS, |p| p.in_system),
            ],
            ChartKind::PartQueues | ChartKind::PartUtilization | ChartKind::PartWorkers => {
                Vec::new()
            }
        }
    }

    /// Which goal metrics are drawn as threshold lines on this chart.
    pub fn shows_metric(self, metric: &str) -> bool {
        let of_a_part = ["stages.", "shards.", "pools."]
            .iter()
            .any(|kind| metric.starts_with(kind));
        match self {
            ChartKind::Latency => metric.starts_with("latency.") || metric.starts_with("wait."),
            ChartKind::Queue => metric.contains("queue_len") && !of_a_part,
            ChartKind::Throughput => metric == "throughput" || metric == "offered_rate",
            ChartKind::Pool => metric.starts_with("pool."),
            ChartKind::Drops | ChartKind::Breaker => false,
            ChartKind::Utilization => metric == "utilization",
            ChartKind::Limit => metric.starts_with("limit."),
            ChartKind::PartQueues => of_a_part && metric.ends_with(".mean_queue_len"),
            ChartKind::PartUtilization => of_a_part && metric.ends_with(".utilization"),
            ChartKind::PartWorkers => of_a_part && metric.ends_with(".workers"),
        }
    }
}

/// The charts a scenario has — only those that can show something: latency, queue,
/// throughput and utilisation always; K only when it can change (an autoscaler, idle expiry,
/// workers restarting after a panic); losses only when a job can be lost; the concurrency limit
/// and the breaker when the scenario configures them; its parts' queues and utilisation when it
/// has parts whose series the run keeps (and their workers when an autoscaler resizes them).
pub fn kinds_for(config: &crate::scenario::Config) -> Vec<ChartKind> {
    let mut kinds = vec![ChartKind::Latency, ChartKind::Queue, ChartKind::Throughput];
    let resizable = config.autoscaler.is_some()
        || config.lifecycle.idle_timeout.is_some()
        || config.chaos.is_some_and(|chaos| chaos.panic_rate > 0.0);
    if resizable {
        kinds.push(ChartKind::Pool);
    }
    if can_lose(config) {
        kinds.push(ChartKind::Drops);
    }
    kinds.push(ChartKind::Utilization);
    if config.limiter.is_some() {
        kinds.push(ChartKind::Limit);
    }
    if config.has_breaker() {
        kinds.push(ChartKind::Breaker);
    }
    let stages = match config.stages.len() {
        0 => 0,
        later => later + 1,
    };
    let lanes = match config.lanes().names.len() {
        1 => 0,
        lanes => lanes,
    };
    if (1..=MAX_PART_SERIES).contains(&(stages + lanes)) {
        kinds.extend([ChartKind::PartQueues, ChartKind::PartUtilization]);
        if config.autoscaler.is_some() {
            kinds.push(ChartKind::PartWorkers);
        }
    }
    kinds
}

/// The charts an exercise may `watch` on this scenario: the six every run can have, the
/// concurrency limit with a limiter, the breaker with a dependency, the parts' charts. Broader
/// than [`kinds_for`], because a knob may make a chart meaningful (switching `block` to
/// `reject` makes losses possible); the playground shows a watched chart once it is.
pub fn watchable_for(config: &crate::scenario::Config) -> Vec<ChartKind> {
    let mut kinds = ChartKind::ALL.to_vec();
    if config.limiter.is_some() {
        kinds.push(ChartKind::Limit);
    }
    if config.downstream.is_some() {
        kinds.push(ChartKind::Breaker);
    }
    kinds.extend(
        kinds_for(config)
            .into_iter()
            .filter(|kind| !kinds.contains(kind))
            .collect::<Vec<_>>(),
    );
    kinds
}

/// Whether any job of this scenario can be rejected, dropped, time out or fail.
fn can_lose(config: &crate::scenario::Config) -> bool {
    let blocks_forever = matches!(config.queue.overflow, crate::policy::OverflowPolicy::Block);
    (config.queue.capacity.is_some() && !blocks_forever)
        || config
            .classes
            .iter()
            .any(|c| c.deadline.is_some() || c.max_in_flight.is_some())
        || config.rate_limit.is_some_and(|limit| !limit.delay)
        || config.limiter.is_some()
        || config.admission.is_some()
        || config.downstream.is_some()
        || config.has_breaker()
        || config.chaos.is_some()
        || config.shutdown.is_some()
}
