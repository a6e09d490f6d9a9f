//! Helpers shared by the integration tests.

use queuelab::report::Summary;
use queuelab::scenario::Config;
use queuelab::sim::Engine;
use rayon::prelude::*;

pub fn config(text: &str) -> Config {
    queuelab::scenario::parse(text, "test.toml").unwrap_or_else(|e| panic!("{e}\n---\n{text}"))
}

/// Runs `replications` independent copies (seeds seed, seed+1, ...) in parallel.
pub fn replicate(config: &Config, replications: u64) -> Vec<Summary> {
    (0..replications)
        .into_par_iter()
        .map(|i| {
            let mut config = config.clone();
            config.seed = config.seed.wrapping_add(i * 7919);
            Engine::new(&config).run()
        })
        .collect()
}

/// Student's t 99.95 % quantile (two-sided 99.9 %) for the replication counts the tests use.
pub fn t_999(df: usize) -> f64 {
    match df {
        9 => 4.781,
        11 => 4.437,
        15 => 4.073,
        19 => 3.883,
        _ => panic!("add t(0.9995, {df}) to the table"),
    }
}

/// Mean and 99.9 % half-width of a metric across replications.
pub fn interval(summaries: &[Summary], metric: &str) -> (f64, f64) {
    let values: Vec<f64> = summaries
        .iter()
        .map(|s| {
            s.metric(metric)
                .unwrap_or_else(|| panic!("no metric {metric}"))
        })
        .collect();
    let n = values.len() as f64;
    let mean = values.iter().sum::<f64>() / n;
    let variance = values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1.0);
    (mean, t_999(values.len() - 1) * (variance / n).sqrt())
}

/// Asserts that each `(edit, expected)` case, built into a scenario by `build`, is refused with a
/// positioned message containing `expected`.
pub fn assert_refused(cases: &[(&str, &str)], build: impl Fn(&str) -> String) {
    for (edit, expected) in cases {
        let error = queuelab::scenario::parse(&build(edit), "case.toml")
            .expect_err(edit)
            .to_string();
        assert!(
            error.contains(expected),
            "{edit}\nexpected {expected}\ngot {error}"
        );
        assert!(error.starts_with("case.toml:"), "not positioned: {error}");
    }
}

/// Every request ends exactly one way — completed, rejected, timed out, dropped or failed — or is
/// still in flight at the end (runs without a warm-up).
pub fn assert_every_request_counted_once(summary: &Summary) {
    let ended = summary.completed
        + summary.rejected
        + summary.timed_out
        + summary.dropped
        + summary.failed
        + summary.in_flight_at_end;
    assert_eq!(
        summary.arrivals, ended,
        "arrivals vs outcomes: {summary:#?}"
    );
}
