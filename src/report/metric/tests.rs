//! Every number of real summaries' JSON has a metric path that reads it.

use super::*;
use serde_json::Value;

/// Every number in the JSON summary and its dotted path.
fn leaves(value: &Value, path: String, out: &mut Vec<(String, f64)>) {
    match value {
        Value::Object(fields) => {
            for (key, inner) in fields {
                let inner_path = if path.is_empty() {
                    key.clone()
                } else {
                    format!("{path}.{key}")
                };
                leaves(inner, inner_path, out);
            }
        }
        Value::Number(n) => out.push((path, n.as_f64().expect("finite"))),
        Value::Bool(b) => out.push((path, f64::from(u8::from(*b)))),
        _ => {}
    }
}

fn run(name: &str, overrides: &[&str]) -> Summary {
    let path = format!("{}/scenarios/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(path).expect("shipped scenario");
    let overrides: Vec<_> = overrides
        .iter()
        .map(|o| o.parse().expect("override"))
        .collect();
    let config = crate::scenario::parse_with_overrides(&text, name, &overrides)
        .unwrap_or_else(|e| panic!("{e}"));
    crate::sim::Engine::new(&config).run()
}

#[test]
fn every_number_of_the_json_summary_can_be_named_and_reads_the_same() {
    let mut summaries = vec![
        run(
            "tenants.toml",
            &["run.duration=\"20s\"", "run.warmup=\"1s\""],
        ),
        run(
            "pipeline.toml",
            &["run.duration=\"20s\"", "run.warmup=\"1s\""],
        ),
        run("queue-alert.toml", &[]),
        run(
            "sharded.toml",
            &["run.duration=\"20s\"", "run.warmup=\"1s\""],
        ),
    ];
    summaries[0].threads = Some(ThreadFacts {
        wall_seconds: 1.5,
        cores: 2,
        lateness: Percentiles {
            p99: 0.003,
            ..Percentiles::default()
        },
        ..ThreadFacts::default()
    });
    let mut named = 0;
    for summary in &summaries {
        let mut numbers = Vec::new();
        leaves(
            &serde_json::to_value(summary).unwrap(),
            String::new(),
            &mut numbers,
        );
        for (path, value) in numbers {
            let metric = Metric::parse(&path).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(metric.read(summary), Some(value), "{path}");
            named += 1;
        }
    }
    assert!(named > 300, "only {named} numbers");
}

#[test]
fn a_typo_is_an_error_that_suggests_the_field_meant() {
    for (typo, meant) in [
        ("latency.P99", "p99"),
        ("throughput_", "throughput"),
        ("utilisation", "utilization"),
        ("pool.maxx", "max"),
        ("classes.gold.latency.p99_", "p99"),
        ("stages.db.utilisation", "utilization"),
        ("rejected_by_reason.queue_ful", "queue_full"),
    ] {
        let error = Metric::parse(typo).expect_err(typo).to_string();
        assert!(
            error.contains(&format!("did you mean {meant:?}")),
            "{typo}: {error}"
        );
    }
    for nonsense in [
        "",
        "latency",
        "latency.p99.x",
        "classes.gold",
        "x.y.z",
        "alerts.a.b",
    ] {
        assert!(Metric::parse(nonsense).is_err(), "{nonsense:?}");
    }
}

#[test]
fn a_reason_that_never_happened_counts_zero() {
    let metric: Metric = "failed_by_reason.breaker_open".parse().unwrap();
    assert_eq!(metric.read(&Summary::default()), Some(0.0));
}

#[test]
fn names_are_checked_against_the_scenario() {
    let path = format!("{}/scenarios/tenants.toml", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(path).unwrap();
    let config = crate::scenario::parse(&text, "tenants.toml").unwrap();
    let check = |path: &str| Metric::parse(path).unwrap().check(&config);
    assert_eq!(check("classes.quiet.latency.p99"), Ok(()));
    let missing = check("classes.gold.latency.p99").unwrap_err().to_string();
    assert!(
        missing.contains("no class \"gold\" (it has quiet, noisy)"),
        "{missing}"
    );
    let none = check("stages.db.utilization").unwrap_err().to_string();
    assert!(none.contains("no stage \"db\" (it has none)"), "{none}");
    assert!(matches!(
        check("threads.wall_seconds"),
        Err(MetricError::OnlyOnThreads { .. })
    ));
    assert!(matches!(check("latency.p99"), Ok(())));
}
