//! Each part's time series (pipeline stages, shards, classes' pools): in step with the run's own
//! points through every compaction, adding up to the run's levels, and exported as CSV columns.

use crate::support::config;
use queuelab::report::{PartSeries, Series, MAX_PART_SERIES};
use queuelab::sim::Engine;

fn sharded(shards: usize, sample_interval: &str) -> String {
    format!(
        r#"
[run]
customers = 40000
seed = 3
sample_interval = "{sample_interval}"
[arrivals]
process = "poisson"
rate = 300
[service]
distribution = "exponential"
mean = "10ms"
[pool]
workers = 4
shards = {shards}
[keys]
count = 1000
hot_share = 0.2
"#
    )
}

fn assert_close(a: f64, b: f64, what: &str) {
    assert!(
        (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0),
        "{what}: {a} against {b}"
    );
}

fn part<'a>(series: &'a Series, name: &str) -> &'a PartSeries {
    series
        .parts()
        .iter()
        .find(|p| p.name == name)
        .unwrap_or_else(|| panic!("no part {name} in {:?}", names(series)))
}

fn names(series: &Series) -> Vec<&str> {
    series.parts().iter().map(|p| p.name.as_str()).collect()
}

/// Time-weighted mean of a part's value over the whole run.
fn time_mean(series: &Series, value: impl Fn(usize) -> f64) -> f64 {
    let points = series.points();
    let total: f64 = points.iter().map(|p| p.end - p.start).sum();
    (0..points.len())
        .map(|i| value(i) * (points[i].end - points[i].start))
        .sum::<f64>()
        / total
}

/// The shards' queues and busy workers add up to the pool's at every point, even after the
/// series halved its resolution several times (a 1 ms interval over a 130 s run).
#[test]
fn shards_add_up_to_the_pool_at_every_point() {
    let (summary, series) = Engine::new(&config(&sharded(4, "1ms"))).run_with_series();
    assert_eq!(
        names(&series),
        ["shards.0", "shards.1", "shards.2", "shards.3"]
    );
    assert!(
        series.interval().as_secs_f64() > 0.05,
        "compacted: {:?}",
        series.interval()
    );
    for (i, point) in series.points().iter().enumerate() {
        let parts = series.parts().iter().map(|p| p.points[i]);
        let queued: f64 = parts.clone().map(|p| p.queue_len).sum();
        let busy: f64 = parts.clone().map(|p| p.in_service + p.held).sum();
        let workers: f64 = parts.clone().map(|p| p.workers).sum();
        assert_close(queued, point.queue_len, "queue");
        assert_close(busy, point.in_flight, "busy");
        assert_close(workers, point.pool_size, "workers");
    }
    let hot = summary
        .shards
        .iter()
        .max_by(|a, b| a.1.utilization.total_cmp(&b.1.utilization))
        .map(|(name, _)| format!("shards.{name}"))
        .expect("shards");
    let hot = part(&series, &hot);
    let utilization = time_mean(&series, |i| hot.points[i].utilization());
    assert!(
        utilization > 0.95,
        "the hot shard is saturated: {utilization}"
    );
}

/// A stage's series tells the same story as its summary: the slow last stage is the busy one,
/// the first stage's queue is the run's queue, and every stage passes the same items on.
#[test]
fn stage_series_match_the_stage_summaries() {
    let text = r#"
[run]
customers = 30000
seed = 8
[arrivals]
process = "poisson"
rate = 5
[service]
distribution = "exponential"
mean = "100ms"
[pool]
workers = 2
[[stages]]
name = "upload"
workers = 1
buffer = 1000000
service = { distribution = "exponential", mean = "150ms" }
"#;
    let (summary, series) = Engine::new(&config(text)).run_with_series();
    assert_eq!(names(&series), ["stages.pool", "stages.upload"]);
    let (pool, upload) = (part(&series, "stages.pool"), part(&series, "stages.upload"));
    for (i, point) in series.points().iter().enumerate() {
        assert_close(
            pool.points[i].queue_len,
            point.queue_len,
            "first stage queue",
        );
    }
    let busy = time_mean(&series, |i| upload.points[i].utilization());
    let expected = summary.stages["upload"].utilization;
    assert!(
        (busy - expected).abs() < 0.02,
        "upload busy {busy} against {expected}"
    );
    let passed = |p: &PartSeries| {
        let points = series.points();
        (0..points.len())
            .map(|i| p.points[i].throughput * (points[i].end - points[i].start))
            .sum::<f64>()
    };
    assert!(
        (passed(pool) - 30000.0).abs() < 1e-6 * 30000.0,
        "{}",
        passed(pool)
    );
    assert!((passed(upload) - 30000.0).abs() < 1e-6 * 30000.0);
}

/// Classes' own pools are named by class; the CSV has their columns, each row as wide as the header.
#[test]
fn pools_per_class_are_csv_columns() {
    let text = r#"
[run]
customers = 2000
seed = 2
[arrivals]
process = "poisson"
rate = 50
[service]
distribution = "exponential"
mean = "20ms"
[[classes]]
name = "premium"
weight = 0.3
workers = 2
[[classes]]
name = "free"
weight = 0.7
workers = 1
"#;
    let (_, series) = Engine::new(&config(text)).run_with_series();
    assert_eq!(names(&series), ["pools.premium", "pools.free"]);
    let csv = series.to_csv();
    let mut lines = csv.lines();
    let header: Vec<&str> = lines.next().expect("header").split(',').collect();
    assert!(header.contains(&"pools.premium.queue_len"), "{header:?}");
    assert!(
        header.contains(&"pools.free.throughput_per_s"),
        "{header:?}"
    );
    assert_eq!(header.len(), 19 + 2 * 5);
    assert_eq!(
        header[header.len() - 2..],
        ["desired_workers", "admission_rejected_per_s"],
        "later columns come last"
    );
    for line in lines {
        assert_eq!(line.split(',').count(), header.len(), "{line}");
    }
}

/// Beyond the limit no part has a series (the summary still has every part); one pool has none.
#[test]
fn many_parts_or_one_pool_keep_no_part_series() {
    let many = sharded(MAX_PART_SERIES + 1, "100ms").replace("workers = 4", "workers = 17");
    let (summary, series) = Engine::new(&config(&many)).run_with_series();
    assert_eq!(summary.shards.len(), MAX_PART_SERIES + 1);
    assert!(series.parts().is_empty());
    let (_, plain) = Engine::new(&config(&sharded(1, "100ms"))).run_with_series();
    assert!(plain.parts().is_empty());
    assert!(!plain.to_csv().contains("shards."));
}
