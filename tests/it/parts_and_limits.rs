//! Regressions from the review of per-part series, the dependency's concurrency limit and
//! exercise questions: CSV columns, part colours, watched charts under every knob choice, calls
//! in flight under every interruption, parts that add up, determinism in slices, `--set` blame.

use crate::support::config;
use proptest::prelude::*;
use queuelab::chart::ChartKind;
use queuelab::sim::Engine;

/// A stage (or class) name is free text: a comma in it is quoted in the CSV header, so the
/// columns still line up with the rows.
#[test]
fn csv_part_columns_survive_a_comma_in_a_part_name() {
    let text = r#"
[run]
customers = 500
seed = 1
[arrivals]
process = "poisson"
rate = 20
[service]
distribution = "exponential"
mean = "10ms"
[pool]
workers = 2
[[stages]]
name = "resize, crop"
workers = 1
service = { distribution = "exponential", mean = "5ms" }
"#;
    let (_, series) = Engine::new(&config(text)).run_with_series();
    let csv = series.to_csv();
    let mut lines = csv.lines();
    let header = lines.next().unwrap();
    // Commas inside quotes belong to the field (RFC 4180).
    let columns = header
        .split('"')
        .enumerate()
        .map(|(i, piece)| {
            if i % 2 == 1 {
                0
            } else {
                piece.matches(',').count()
            }
        })
        .sum::<usize>()
        + 1;
    assert!(
        header.contains("\"stages.resize, crop.queue_len\""),
        "{header}"
    );
    let row = lines.next().unwrap();
    assert_eq!(
        columns,
        row.split(',').count(),
        "header and rows disagree:\n{header}\n{row}"
    );
}

/// Exercise 57 has 16 shards and watches `part_utilization`: every line has its own colour, and
/// the legend names only the busiest few (the hot shard first among them), not all sixteen.
#[test]
fn part_lines_of_a_sixteen_shard_exercise_have_distinct_colours() {
    let exercise = queuelab::exercise::catalog()
        .into_iter()
        .find(|e| e.id == "sharded-pool")
        .unwrap();
    let mut config = exercise.scenario.clone();
    config.duration = Some(queuelab::time::SimDuration::from_secs(5));
    config.warmup = queuelab::time::SimDuration::ZERO;
    let (_, series) = Engine::new(&config).run_with_series();
    let curves = ChartKind::PartUtilization.curves(&series);
    assert_eq!(curves.len(), 16);
    for (i, a) in curves.iter().enumerate() {
        for b in &curves[..i] {
            assert!(
                a.color != b.color,
                "{} and {} are drawn in the same colour {:?}",
                a.label,
                b.label,
                a.color
            );
        }
    }
    let named: Vec<&str> = curves
        .iter()
        .filter(|c| !c.label.is_empty())
        .map(|c| c.label.as_str())
        .collect();
    assert_eq!(named.len(), 6, "{named:?}");
    assert!(
        named.contains(&"shards.15"),
        "the hot shard is named: {named:?}"
    );
}

/// A knob choice that takes the part count to 1 or beyond MAX_PART_SERIES would leave a watched
/// part chart empty: the checker says which choices.
#[test]
fn watched_part_charts_exist_for_every_knob_choice() {
    let text = r#"
format_version = 1
id = "review-watch"
title = "T"
chapter = "pools"
difficulty = "junior"
sources = ["x"]
summary = "s"
instructions = "i"
watch = ["part_queues", "latency"]
hints = ["one", "two"]
[scenario]
[scenario.run]
seed = 1
customers = 3000
[scenario.arrivals]
process = "poisson"
rate = 100
[scenario.service]
distribution = "exponential"
mean = "10ms"
[scenario.pool]
workers = 32
shards = 4
[scenario.queue]
capacity = 10
on_full = "reject"
[scenario.keys]
count = 1000
[[knobs]]
path = "pool.shards"
label = "Shards"
choices = [1, 4, 32]
[[goals]]
metric = "rejected_ratio"
at_most = 0.5
[solution]
set = { "pool.shards" = 1 }
explanation = "e"
"#;
    let exercise =
        queuelab::exercise::Exercise::parse(text, "review.toml").unwrap_or_else(|e| panic!("{e}"));
    let problems = queuelab::exercise::verify(&exercise)
        .expect("runs")
        .problems(&exercise);
    let missing: Vec<&String> = problems
        .iter()
        .filter(|p| p.contains("where the watched chart \"part_queues\" does not exist"))
        .collect();
    assert_eq!(missing.len(), 2, "{problems:#?}");
    assert!(
        missing[0].contains("offers 1,") && missing[1].contains("offers 32,"),
        "{missing:?}"
    );
}

/// Downstream calls under way always return to zero once a `customers` run has drained, and
/// never go negative (overflow checks are on in tests), whatever mix of deadline cancels, hedge
/// losers, preemption, panics, retries and shutdown interrupts them.
fn limited_mix(seed: u64, features: &[usize], preempt: bool, autoscale: bool) -> String {
    const OPTIONAL: &[&str] = &[
        "[deadline]\ntimeout = \"60ms\"\nstarted_work = \"cancel\"\n",
        "[deadline]\ntimeout = \"60ms\"\nstarted_work = \"finish\"\n",
        "[retry]\nmax_attempts = 3\nbackoff = \"5ms\"\n",
        "[hedge]\ndelay = \"20ms\"\n",
        "[chaos]\npanic_rate = 0.1\nrestart = \"5ms\"\n",
        "[breaker]\nwindow_size = 10\nminimum_calls = 5\nwait_in_open = \"50ms\"\npermitted_in_half_open = 2\n",
    ];
    let mut text = format!(
        "[run]\ncustomers = 600\nseed = {seed}\n[arrivals]\nprocess = \"poisson\"\nrate = 200\n\
         [service]\ndistribution = \"exponential\"\nmean = \"5ms\"\n[pool]\nworkers = 6\nscale_down = \"{}\"\n\
         [queue]\ncapacity = 20\n\
         [downstream]\nlatency = {{ distribution = \"exponential\", mean = \"20ms\" }}\nerror_rate = 0.1\nmax_in_flight = 3\n",
        if preempt { "preempt" } else { "lazy" }
    );
    if autoscale {
        text += "[autoscaler]\nkind = \"queue-depth\"\nscale_up_queue_len = 2\nscale_up_cooldown = \"50ms\"\nscale_down_cooldown = \"50ms\"\nscale_down_utilization = 0.9\nmin_workers = 1\nmax_workers = 8\ninterval = \"20ms\"\n";
    }
    let mut used = std::collections::BTreeSet::new();
    for &f in features {
        let f = if f == 1 && used.contains(&0) { 0 } else { f };
        let f = if f == 0 && used.contains(&1) { 1 } else { f };
        if used.insert(f) {
            text += OPTIONAL[f];
        }
    }
    text
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn calls_in_flight_never_leak(
        seed in 0u64..100_000,
        features in proptest::collection::vec(0usize..6, 0..6),
        preempt in any::<bool>(),
        autoscale in any::<bool>(),
    ) {
        let text = limited_mix(seed, &features, preempt, autoscale);
        let config = config(&text);
        let mut engine = Engine::new(&config);
        while engine.step() {
            let s = engine.snapshot();
            prop_assert!(s.calls_in_flight <= 3 && s.calls_in_flight <= s.busy, "{s:?}\n{text}");
        }
        let s = engine.snapshot();
        if s.busy == 0 {
            prop_assert_eq!(s.calls_in_flight, 0, "{:?}\n{}", s, text);
        }
    }
}

/// Stages and class pools together: the class pools' parts add up to the first stage's part
/// (and to the run's levels) at every point, through compaction.
#[test]
fn class_pools_add_up_to_the_first_stage_with_stages() {
    let text = r#"
[run]
customers = 60000
seed = 5
sample_interval = "1ms"
[arrivals]
process = "poisson"
rate = 300
[service]
distribution = "exponential"
mean = "10ms"
[pool]
workers = 1
[[classes]]
name = "a"
weight = 1
workers = 2
[[classes]]
name = "b"
weight = 1
workers = 2
[[classes]]
name = "c"
weight = 1
[autoscaler]
kind = "queue-depth"
scale_up_queue_len = 2
min_workers = 1
max_workers = 6
interval = "200ms"
[[stages]]
name = "s1"
workers = 2
buffer = 2
service = { distribution = "exponential", mean = "6ms" }
"#;
    let (_, series) = Engine::new(&config(text)).run_with_series();
    let names: Vec<&str> = series.parts().iter().map(|p| p.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "stages.pool",
            "stages.s1",
            "pools.pool",
            "pools.a",
            "pools.b"
        ]
    );
    assert!(series.interval().as_secs_f64() > 0.01);
    let kinds = queuelab::chart::kinds_for(&config(text));
    assert!(kinds.contains(&ChartKind::PartWorkers));
    let close = |a: f64, b: f64| (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0);
    for (i, point) in series.points().iter().enumerate() {
        let pool = series.parts()[0].points[i];
        let lanes = series.parts()[2..].iter().map(|p| p.points[i]);
        let q: f64 = lanes.clone().map(|p| p.queue_len).sum();
        let w: f64 = lanes.clone().map(|p| p.workers).sum();
        let busy: f64 = lanes.clone().map(|p| p.in_service + p.held).sum();
        let held: f64 = lanes.clone().map(|p| p.held).sum();
        assert!(
            close(q, pool.queue_len) && close(q, point.queue_len),
            "{i}: queue {q} {pool:?}"
        );
        assert!(
            close(w, pool.workers) && close(w, point.pool_size),
            "{i}: workers {w} {pool:?}"
        );
        assert!(
            close(busy, pool.in_service + pool.held),
            "{i}: busy {busy} {pool:?}"
        );
        assert!(close(held, pool.held), "{i}: held {held} {pool:?}");
    }
}

/// The playground runs in slices (`run_until` per frame): the per-part series must be the same
/// as a run in one go, and the same on a second run.
#[test]
fn part_series_are_the_same_in_slices_and_twice() {
    let text = r#"
[run]
duration = "20s"
seed = 9
warmup = "2s"
sample_interval = "7ms"
[arrivals]
process = "poisson"
rate = 300
[service]
distribution = "exponential"
mean = "10ms"
[pool]
workers = 6
shards = 3
[keys]
count = 100
hot_share = 0.3
[queue]
capacity = 5
on_full = "watermark"
shed_at = 4
resume_below = 1
[downstream]
latency = { distribution = "exponential", mean = "3ms" }
max_in_flight = 3
"#;
    let config = config(text);
    let (_, whole) = Engine::new(&config).run_with_series();
    let (_, again) = Engine::new(&config).run_with_series();
    assert_eq!(whole, again);
    let mut sliced = Engine::new(&config);
    let mut t = queuelab::time::SimTime::ZERO;
    while !sliced.is_finished() {
        t += queuelab::time::SimDuration::from_millis(16);
        sliced.run_until(t);
    }
    assert_eq!(whole.points().len(), sliced.series().points().len());
    for (a, b) in whole.parts().iter().zip(sliced.series().parts()) {
        for (i, (p, q)) in a.points.iter().zip(&b.points).enumerate() {
            let close = |x: f64, y: f64| (x - y).abs() <= 1e-9 * x.abs().max(y.abs()).max(1.0);
            assert!(
                close(p.queue_len, q.queue_len)
                    && close(p.in_service, q.in_service)
                    && close(p.throughput, q.throughput),
                "{} point {i}: {p:?} vs {q:?}",
                a.name
            );
        }
    }
}

/// A `--set` type error on an exercise file is blamed on the file's line (which holds the
/// original, valid value), not on the flag; on a scenario file it names the flag.
#[test]
fn a_bad_set_on_an_exercise_names_the_flag() {
    let run = |file: &str| {
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_queuelab"))
            .args(["run", file, "--set", "pool.workers=\"x\""])
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .output()
            .unwrap();
        String::from_utf8_lossy(&output.stderr).into_owned()
    };
    let scenario = run("scenarios/mmc.toml");
    assert!(scenario.contains("--set pool.workers=\"x\""), "{scenario}");
    let exercise = run("exercises/61-k-zero.toml");
    assert!(exercise.contains("--set pool.workers=\"x\""), "{exercise}");
}
