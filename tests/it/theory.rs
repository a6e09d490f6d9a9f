//! The engine against queueing theory (`../shared/reference/queueing-theory.csv`).
//!
//! Each check runs independent replications and asserts that the analytical value lies inside
//! the simulation's 99.9 % confidence interval (99.9 % rather than 95 % because a few hundred
//! intervals are checked: at 95 % a dozen would miss by chance). Percentiles get an extra 0.5 %
//! for the histogram's bucket resolution. Each interval must also be narrow (a few % of the value),
//! so a test that passes only because its interval is huge fails instead.

use super::support::{config, interval, replicate};
use std::collections::BTreeMap;

const REPLICATIONS: u64 = 16;

#[derive(Debug, Clone, PartialEq, PartialOrd)]
struct Case {
    model: String,
    c: u32,
    k: Option<u32>,
    lambda: f64,
    mu: f64,
    scv: f64,
}

fn reference() -> Vec<(Case, BTreeMap<String, f64>)> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../shared/reference/queueing-theory.csv"
    );
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("reading {path}: {e}"));
    let mut cases: Vec<(Case, BTreeMap<String, f64>)> = Vec::new();
    for line in text.lines().skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        let case = Case {
            model: f[0].into(),
            c: f[1].parse().unwrap(),
            k: f[2].parse().ok(),
            lambda: f[3].parse().unwrap(),
            mu: f[4].parse().unwrap(),
            scv: f[5].parse().unwrap(),
        };
        let value: f64 = f[7].parse().unwrap();
        match cases.iter_mut().find(|(c, _)| *c == case) {
            Some((_, metrics)) => {
                metrics.insert(f[6].into(), value);
            }
            None => cases.push((case, BTreeMap::from([(f[6].to_string(), value)]))),
        }
    }
    assert!(cases.len() > 80, "reference table looks truncated");
    cases
}

fn service_toml(case: &Case) -> String {
    let mean = 1.0 / case.mu;
    if case.scv == 0.0 {
        format!("distribution = \"constant\"\nmean = \"{mean}s\"")
    } else if case.scv == 1.0 {
        format!("distribution = \"exponential\"\nmean = \"{mean}s\"")
    } else {
        // Balanced-means hyperexponential H2 with the requested SCV.
        let r = ((case.scv - 1.0) / (case.scv + 1.0)).sqrt();
        let (p1, p2) = ((1.0 + r) / 2.0, (1.0 - r) / 2.0);
        format!(
            "distribution = \"mixture\"\ncomponents = [\n  {{ weight = {p1}, distribution = \"exponential\", mean = \"{}s\" }},\n  {{ weight = {p2}, distribution = \"exponential\", mean = \"{}s\" }},\n]",
            mean / (2.0 * p1),
            mean / (2.0 * p2)
        )
    }
}

fn scenario(case: &Case, customers: u64) -> String {
    let rho = case.lambda / (case.c as f64 * case.mu);
    // Discard the start-up transient from an empty system: ~5 % of the run.
    let warmup_secs = customers as f64 / case.lambda * 0.05;
    let queue = match case.k {
        Some(k) => format!("capacity = {}\non_full = \"reject\"", k - case.c),
        None => String::new(),
    };
    format!(
        "[run]\nseed = 17\ncustomers = {customers}\nwarmup = \"{warmup_secs}s\"\n\
         [arrivals]\nprocess = \"poisson\"\nrate = {}\n[service]\n{}\n[pool]\nworkers = {}\n[queue]\n{queue}\n# rho = {rho}\n",
        case.lambda,
        service_toml(case),
        case.c
    )
}

/// Which reference metrics map to which summary fields, and whether they are percentiles.
fn summary_metric(model: &str, metric: &str) -> Option<(&'static str, bool)> {
    let finite = model == "MMcK";
    Some(match metric {
        "Wq" => ("wait.mean", false),
        "W" => ("latency.mean", false),
        "L" => ("mean_in_system", false),
        "Lq" => ("mean_queue_len", false),
        "util" => ("utilization", false),
        "throughput" => ("throughput", false),
        "P_block" => ("rejected_ratio", false),
        "P_wait" if !finite => ("waited_ratio", false),
        "Wq_p50" => ("wait.p50", true),
        "Wq_p90" => ("wait.p90", true),
        "Wq_p99" => ("wait.p99", true),
        "W_p50" => ("latency.p50", true),
        "W_p90" => ("latency.p90", true),
        "W_p99" => ("latency.p99", true),
        _ => return None,
    })
}

fn customers_for(case: &Case) -> u64 {
    let rho = case.lambda / (case.c as f64 * case.mu);
    match (case.k, rho) {
        (Some(_), _) => 60_000,
        (None, r) if r <= 0.8 => 150_000,
        (None, r) if r <= 0.9 => 400_000,
        _ if case.c >= 4 => 500_000,
        _ if case.scv > 1.0 => 1_500_000,
        _ => 1_000_000,
    }
}

fn check_model(model: &str) {
    let mut failures = Vec::new();
    let mut checked = 0;
    for (case, metrics) in reference().into_iter().filter(|(c, _)| c.model == model) {
        let runs = replicate(
            &config(&scenario(&case, customers_for(&case))),
            REPLICATIONS,
        );
        let rho = case.lambda / (case.c as f64 * case.mu);
        for (metric, &expected) in &metrics {
            let Some((field, percentile)) = summary_metric(model, metric) else {
                continue;
            };
            let (mean, half) = interval(&runs, field);
            // Percentiles: the histogram's bucket resolution. Probabilities: events too rare to
            // resolve in this many customers (P_block ≈ 1e-7 shows up as exactly 0).
            let allowance = if percentile {
                0.005 * expected.abs()
            } else {
                0.0
            } + if matches!(metric.as_str(), "P_block" | "P_wait" | "util") {
                1e-4
            } else {
                0.0
            };
            let inside = (mean - expected).abs() <= half + allowance + 1e-12;
            // Teeth: the interval must be narrow enough to mean something.
            let max_relative_width = if rho >= 0.95 { 0.15 } else { 0.10 };
            let narrow = half <= max_relative_width * expected.abs().max(0.05);
            checked += 1;
            if !inside || !narrow {
                failures.push(format!(
                    "{model} c={} K={:?} λ={} scv={}: {metric} ({field}) expected {expected:.5}, simulated {mean:.5} ± {half:.5}{}",
                    case.c,
                    case.k,
                    case.lambda,
                    case.scv,
                    if inside { " (interval too wide)" } else { "" }
                ));
            }
        }
    }
    assert!(checked > 10, "{model}: only {checked} checks");
    assert!(
        failures.is_empty(),
        "{} of {checked} checks failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn mm1_matches_theory() {
    check_model("MM1");
}

#[test]
fn mmc_matches_erlang_c() {
    check_model("MMc");
}

#[test]
fn mmck_matches_finite_capacity_theory_including_overload() {
    check_model("MMcK");
}

#[test]
fn md1_matches_pollaczek_khinchine() {
    check_model("MD1");
}

#[test]
fn mg1_matches_pollaczek_khinchine_for_high_variance_service() {
    check_model("MG1");
}

#[test]
fn littles_law_holds_for_a_drained_run() {
    let text = "[run]\nseed = 4\ncustomers = 200000\n[arrivals]\nprocess = \"poisson\"\nrate = 7\n\
                [service]\ndistribution = \"lognormal\"\nmean = \"1s\"\nscv = 2\n[pool]\nworkers = 8\n\
                [queue]\ncapacity = 10\non_full = \"reject\"\n";
    let summary = queuelab::sim::Engine::new(&config(text)).run();
    assert!(summary.rejected > 0);
    // Not exact: jobs in the system when arrivals stop finish outside the window.
    assert!(
        summary.littles_law_residual.abs() < 0.002,
        "{}",
        summary.littles_law_residual
    );
    let lambda_w = summary.throughput * summary.latency.mean;
    assert!((summary.mean_in_system - lambda_w).abs() < 0.002 * summary.mean_in_system);
}
