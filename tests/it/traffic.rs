//! An engineer's own traffic: empirical service times (inline, from files, from histograms),
//! trace-driven arrivals, `queuelab fit`, and sweeps split into shards and merged.

use crate::cli::{scratch, stderr, stdout};
use queuelab::data::InMemory;
use queuelab::scenario::parse_with_files;
use queuelab::sim::Engine;
use std::process::Command;
use std::sync::Arc;

const HEAD: &str = "[run]\ncustomers = 20000\nseed = 5\n[arrivals]\nprocess = \"poisson\"\nrate = 20\n[pool]\nworkers = 4\n";

fn with_files(text: &str, files: &[(&str, &str)]) -> queuelab::scenario::Config {
    let files = Arc::new(InMemory::new(files.iter().copied()));
    parse_with_files(text, "t.toml", &[], Some(files)).unwrap_or_else(|e| panic!("{e}"))
}

/// `queuelab ARGS` run from `dir`.
fn queuelab_in(dir: &std::path::Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_queuelab"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("the binary runs")
}

#[test]
fn inline_samples_are_the_service_times() {
    let text = format!(
        "{HEAD}[service]\ndistribution = \"empirical\"\nunit = \"ms\"\nsamples = [100, 100, 300]\n"
    );
    let summary = Engine::new(&queuelab::scenario::parse(&text, "t.toml").unwrap()).run();
    let service = &summary.service;
    assert!((service.mean - 0.1667).abs() < 0.005, "{}", service.mean);
    // Percentiles come from the recorder's histogram: within its 1 % resolution.
    assert!((service.p50 - 0.1).abs() < 1e-3, "{}", service.p50);
    assert!((service.max - 0.3).abs() < 3e-3, "{}", service.max);
}

#[test]
fn the_order_of_a_samples_file_does_not_change_the_run() {
    let values: Vec<String> = (1..=200)
        .map(|i| format!("{}", i as f64 * 0.37 % 50.0))
        .collect();
    let mut reversed = values.clone();
    reversed.reverse();
    let text = format!(
        "{HEAD}[service]\ndistribution = \"empirical\"\nunit = \"ms\"\nfile = \"lat.txt\"\n"
    );
    let one = Engine::new(&with_files(&text, &[("lat.txt", &values.join("\n"))])).run();
    let two = Engine::new(&with_files(&text, &[("lat.txt", &reversed.join("\n"))])).run();
    assert_eq!(one, two);
    let other_seed = {
        let mut config = with_files(&text, &[("lat.txt", &values.join("\n"))]);
        config.seed = 6;
        Engine::new(&config).run()
    };
    assert_ne!(one.service.mean, other_seed.service.mean);
}

#[test]
fn a_prometheus_histogram_gives_its_bucket_shares() {
    let histogram = "# TYPE d histogram\nd_bucket{le=\"0.05\"} 900\nd_bucket{le=\"0.5\"} 1000\n\
                     d_bucket{le=\"+Inf\"} 1000\nd_sum 40\nd_count 1000\n";
    let text = format!("{HEAD}[service]\ndistribution = \"empirical\"\nfile = \"d.prom\"\n");
    let summary = Engine::new(&with_files(&text, &[("d.prom", histogram)])).run();
    // 90 % uniform on (0, 50 ms], 10 % on (50, 500 ms]: mean 0.9·25 + 0.1·275 = 50 ms.
    assert!(
        (summary.service.mean - 0.050).abs() < 0.003,
        "{}",
        summary.service.mean
    );
    // Half the draws fall below 27.8 ms (0.5 / 0.9 of the first bucket).
    let p50 = summary.service.p50;
    assert!((p50 - 0.0278).abs() < 0.0015, "{p50}");
}

#[test]
fn without_files_a_named_file_asks_for_inline_values() {
    let text = format!("{HEAD}[service]\ndistribution = \"empirical\"\nfile = \"lat.txt\"\n");
    let error = queuelab::scenario::parse(&text, "sandbox.toml")
        .unwrap_err()
        .to_string();
    assert!(
        error.starts_with("sandbox.toml:11:8: service.file: cannot read \"lat.txt\" here")
            && error.contains("samples = [...]"),
        "{error}"
    );
}

#[test]
fn a_relative_file_is_read_next_to_the_scenario_whatever_the_working_directory() {
    let dir = scratch("relative-samples");
    std::fs::create_dir_all(dir.join("data")).unwrap();
    std::fs::write(dir.join("data/lat.csv"), "ms,route\n10,/a\n20,/b\n30,/c\n").unwrap();
    let text = format!(
        "{HEAD}[service]\ndistribution = \"empirical\"\nfile = \"data/lat.csv\"\ncolumn = \"ms\"\nunit = \"ms\"\n"
    );
    std::fs::write(dir.join("s.toml"), text).unwrap();
    let elsewhere = std::env::temp_dir();
    let scenario = dir.join("s.toml");
    let output = queuelab_in(
        &elsewhere,
        &["run", "-q", "--format", "json", scenario.to_str().unwrap()],
    );
    assert!(output.status.success(), "{}", stderr(&output));
    let json: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    let mean = json["service"]["mean"].as_f64().unwrap();
    assert!((mean - 0.020).abs() < 0.001, "{mean}");
    std::fs::write(dir.join("data/lat.csv"), "ms,route\n10,/a\n20\n").unwrap();
    let output = queuelab_in(&elsewhere, &["run", "-q", scenario.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("data/lat.csv:3: 1 columns, but the header has 2"),
        "{}",
        stderr(&output)
    );
}
