//! Time series sampled on a fixed simulated interval, downsampled so any run length fits.
//!
//! The engine closes one [`SeriesPoint`] per interval. When the series reaches its point budget,
//! neighbouring points merge in pairs and the interval doubles, so a 10-second run and a 10-day run
//! both end with between half the budget and the budget of points, evenly spaced — what charts need.
//! Levels, rates and the windowed median merge as time-weighted means; the windowed p99 merges as
//! the larger of the two (the honest bound without the raw samples).
//!
//! A run with several parts (pipeline stages, shards, pools per class) also keeps one
//! [`PartPoint`] per part and interval, in step with the main points, so each part can be charted
//! and exported on the same time axis. Only runs with at most [`MAX_PART_SERIES`] parts keep
//! them: beyond that a chart of lines is unreadable and memory grows with the parts.
//!
//! ```
//! use queuelab::report::{Series, SeriesPoint};
//! use queuelab::time::SimDuration;
//! let mut series = Series::new(SimDuration::from_secs(1), 4);
//! for t in 1..=4 {
//!     series.push(SeriesPoint { start: (t - 1) as f64, end: t as f64, queue_len: t as f64, ..Default::default() });
//! }
//! assert_eq!(series.points().len(), 2, "the fourth point filled the budget: pairs merged");
//! assert_eq!(series.interval(), SimDuration::from_secs(2));
//! assert_eq!(series.points()[0].queue_len, 1.5);
//! ```

use crate::time::SimDuration;
use serde::{Deserialize, Serialize};

/// What the system looked like during one interval. Times in seconds.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct SeriesPoint {
    pub start: f64,
    pub end: f64,
    /// Time-averaged jobs waiting in the queue.
    pub queue_len: f64,
    /// Time-averaged busy workers (jobs in service).
    pub in_flight: f64,
    /// Time-averaged jobs anywhere in the system (blocked producers, queue, service).
    pub in_system: f64,
    /// Time-averaged pool size K.
    pub pool_size: f64,
    /// Arrivals per second (offered load).
    pub offered: f64,
    /// Completions per second.
    pub throughput: f64,
    /// Rejected, dropped and timed-out jobs per second (the sum of the next three).
    pub drops: f64,
    /// Jobs refused at admission per second.
    pub rejected: f64,
    /// Jobs evicted from the queue (drop-oldest) per second.
    pub dropped: f64,
    /// Jobs whose client gave up, per second.
    pub timed_out: f64,
    /// Median end-to-end latency of jobs completed in the interval (0 if none).
    pub p50_latency: f64,
    /// 99th percentile of the end-to-end latency of jobs completed in the interval (0 if none).
    pub p99_latency: f64,
    /// The concurrency limit at the end of the interval (0 without a limiter).
    pub limit: f64,
    /// Jobs failed per second (downstream errors and breaker fast-fails); also in `drops`.
    pub failed: f64,
    /// The circuit breaker's state at the end of the interval: 0 closed, 1 half-open, 2 open.
    pub breaker: f64,
    /// The workers the autoscaler asked for at its last decision by the end of the interval
    /// (summed over pools; what the policy decided, before the pool's start-up delay); 0 without
    /// an autoscaler.
    #[serde(default)]
    pub desired_workers: f64,
    /// Jobs per second the admission policy (`[admission]`, a learner's `fn admit` included)
    /// turned away; also in `rejected`.
    #[serde(default)]
    pub admission_rejected: f64,
}

/// One part of a run (a pipeline stage, a shard, a class's pool) during one interval.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct PartPoint {
    /// Time-averaged items waiting in the part's queue (a stage's buffer).
    pub queue_len: f64,
    /// Time-averaged workers working on an item.
    pub in_service: f64,
    /// Time-averaged workers holding a finished item the next stage has no room for.
    pub held: f64,
    /// Time-averaged workers alive.
    pub workers: f64,
    /// Items that left the part per second.
    pub throughput: f64,
}

impl PartPoint {
    /// Busy workers over workers alive (0 without workers), as in the summary's `utilization`.
    pub fn utilization(&self) -> f64 {
        if self.workers > 0.0 {
            self.in_service / self.workers
        } else {
            0.0
        }
    }

    fn merge(&self, next: &PartPoint, mean: impl Fn(f64, f64) -> f64) -> PartPoint {
        PartPoint {
            queue_len: mean(self.queue_len, next.queue_len),
            in_service: mean(self.in_service, next.in_service),
            held: mean(self.held, next.held),
            workers: mean(self.workers, next.workers),
            throughput: mean(self.throughput, next.throughput),
        }
    }
}

/// The CSV columns of each part, after its `kind.name.` prefix.
const PART_COLUMNS: [&str; 5] = [
    "queue_len",
    "in_service",
    "held",
    "workers",
    "throughput_per_s",
];

/// Most parts whose series a run keeps.
pub const MAX_PART_SERIES: usize = 16;

/// One part's points, in step with the series' own.
#[derive(Debug, Clone, PartialEq)]
pub struct PartSeries {
    /// The part's path in the summary: `stages.resize`, `shards.3`, `pools.premium`.
    pub name: String,
    pub points: Vec<PartPoint>,
}

/// The time-weighted mean of two neighbouring intervals' values.
fn weighted_mean(first: &SeriesPoint, next: &SeriesPoint) -> impl Fn(f64, f64) -> f64 {
    let (a, b) = (first.end - first.start, next.end - next.start);
    let total = a + b;
    move |x: f64, y: f64| {
        if total > 0.0 {
            (x * a + y * b) / total
        } else {
            (x + y) / 2.0
        }
    }
}

impl SeriesPoint {
    fn merge(&self, next: &SeriesPoint) -> SeriesPoint {
        let mean = weighted_mean(self, next);
        SeriesPoint {
            start: self.start,
            end: next.end,
            queue_len: mean(self.queue_len, next.queue_len),
            in_flight: mean(self.in_flight, next.in_flight),
            in_system: mean(self.in_system, next.in_system),
            pool_size: mean(self.pool_size, next.pool_size),
            offered: mean(self.offered, next.offered),
            throughput: mean(self.throughput, next.throughput),
            drops: mean(self.drops, next.drops),
            rejected: mean(self.rejected, next.rejected),
            dropped: mean(self.dropped, next.dropped),
            timed_out: mean(self.timed_out, next.timed_out),
            p50_latency: mean(self.p50_latency, next.p50_latency),
            p99_latency: self.p99_latency.max(next.p99_latency),
            limit: mean(self.limit, next.limit),
            failed: mean(self.failed, next.failed),
            breaker: self.breaker.max(next.breaker),
            desired_workers: next.desired_workers,
            admission_rejected: mean(self.admission_rejected, next.admission_rejected),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    interval: SimDuration,
    max_points: usize,
    points: Vec<SeriesPoint>,
    parts: Vec<PartSeries>,
}

impl Series {
    /// `max_points` is rounded up to an even number of at least 2.
    pub fn new(interval: SimDuration, max_points: usize) -> Self {
        let max_points = max_points.max(2).div_ceil(2) * 2;
        Series {
            interval,
            max_points,
            points: Vec::with_capacity(max_points),
            parts: Vec::new(),
        }
    }

    /// Also keeps a series per part, named by its summary path (`stages.resize`); none when
    /// there are more than [`MAX_PART_SERIES`] parts.
    pub fn with_parts(mut self, names: Vec<String>) -> Self {
        if names.len() <= MAX_PART_SERIES {
            self.parts = names
                .into_iter()
                .map(|name| PartSeries {
                    name,
                    points: Vec::with_capacity(self.max_points),
                })
                .collect();
        }
        self
    }

    /// Each part's series (empty for a run of one pool, or one with too many parts).
    pub fn parts(&self) -> &[PartSeries] {
        &self.parts
    }

    /// The current sampling interval (doubles at each compaction).
    pub fn interval(&self) -> SimDuration {
        self.interval
    }

    pub fn points(&self) -> &[SeriesPoint] {
        &self.points
    }

    /// Adds a point of a series without parts.
    pub fn push(&mut self, point: SeriesPoint) {
        self.push_with_parts(point, |_| PartPoint::default());
    }

    /// Adds a point and, for each part kept, its point (`part(i)` for the i-th name given to
    /// [`Series::with_parts`]).
    pub fn push_with_parts(&mut self, point: SeriesPoint, part: impl Fn(usize) -> PartPoint) {
        self.points.push(point);
        for (i, series) in self.parts.iter_mut().enumerate() {
            series.points.push(part(i));
        }
        if self.points.len() >= self.max_points {
            let means: Vec<_> = self
                .points
                .chunks_exact(2)
                .map(|pair| weighted_mean(&pair[0], &pair[1]))
                .collect();
            for series in &mut self.parts {
                series.points = pairwise(&series.points, |i, a, b| a.merge(b, &means[i]));
            }
            self.points = pairwise(&self.points, |_, a, b| a.merge(b));
            self.interval = self.interval.saturating_mul(2);
        }
    }

    /// The series as CSV with a header row; each part adds its columns after the run's own,
    /// named `kind.name.column` (`stages.resize.queue_len`). Columns added later come last
    /// (`desired_workers`, `admission_rejected_per_s`), so a reader by position keeps working.
    pub fn to_csv(&self) -> String {
        let mut csv = String::from(
            "start_s,end_s,queue_len,in_flight,in_system,pool_size,offered_per_s,throughput_per_s,drops_per_s,p99_latency_s,p50_latency_s,rejected_per_s,dropped_per_s,timed_out_per_s,limit,failed_per_s,breaker_state",
        );
        for part in &self.parts {
            for column in PART_COLUMNS {
                csv.push(',');
                csv.push_str(&csv_field(&format!("{}.{column}", part.name)));
            }
        }
        csv.push_str(",desired_workers,admission_rejected_per_s\n");
        for (row, p) in self.points.iter().enumerate() {
            csv.push_str(&format!(
                "{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}",
                p.start,
                p.end,
                p.queue_len,
                p.in_flight,
                p.in_system,
                p.pool_size,
                p.offered,
                p.throughput,
                p.drops,
                p.p99_latency,
                p.p50_latency,
                p.rejected,
                p.dropped,
                p.timed_out,
                p.limit,
                p.failed,
                p.breaker
            ));
            for part in &self.parts {
                match part.points.get(row) {
                    Some(q) => csv.push_str(&format!(
                        ",{},{},{},{},{}",
                        q.queue_len, q.in_service, q.held, q.workers, q.throughput
                    )),
                    None => csv.push_str(&",".repeat(PART_COLUMNS.len())),
                }
            }
            csv.push_str(&format!(
                ",{},{}\n",
                p.desired_workers, p.admission_rejected
            ));
        }
        csv
    }
}

/// A CSV field, quoted when it must be (RFC 4180): stage and class names are free text.
fn csv_field(text: &str) -> std::borrow::Cow<'_, str> {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\"")).into()
    } else {
        text.into()
    }
}

/// Merges neighbours in pairs (`merge(pair index, first, second)`); an odd last one stays.
fn pairwise<T: Copy>(points: &[T], merge: impl Fn(usize, &T, &T) -> T) -> Vec<T> {
    points
        .chunks(2)
        .enumerate()
        .map(|(i, pair)| match pair {
            [a, b] => merge(i, a, b),
            [a] => *a,
            _ => unreachable!("chunks(2) yields one or two"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn series_stays_within_budget_for_any_length() {
        let mut series = Series::new(SimDuration::from_millis(10), 100);
        // Like the engine: each new point spans the series' current interval.
        let mut t = 0.0;
        while t < 1000.0 {
            let width = series.interval().as_secs_f64();
            series.push(SeriesPoint {
                start: t,
                end: t + width,
                throughput: 5.0,
                ..Default::default()
            });
            t += width;
        }
        let points = series.points();
        assert!(
            points.len() <= 100 && points.len() >= 50,
            "{}",
            points.len()
        );
        assert!(points.iter().all(|p| p.throughput == 5.0));
        assert!(points.last().unwrap().end >= 1000.0);
        let width = points[0].end - points[0].start;
        assert!(points
            .iter()
            .all(|p| ((p.end - p.start) - width).abs() < 1e-6));
    }

    #[test]
    fn merged_p99_is_the_larger_window() {
        let a = SeriesPoint {
            end: 1.0,
            p99_latency: 0.2,
            ..Default::default()
        };
        let b = SeriesPoint {
            start: 1.0,
            end: 2.0,
            p99_latency: 0.5,
            ..Default::default()
        };
        assert_eq!(a.merge(&b).p99_latency, 0.5);
    }

    #[test]
    fn csv_has_a_header_and_one_row_per_point() {
        let mut series = Series::new(SimDuration::from_secs(1), 10);
        series.push(SeriesPoint::default());
        let csv = series.to_csv();
        assert_eq!(csv.lines().count(), 2);
        assert!(csv.starts_with("start_s,end_s,queue_len"));
    }
}
