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

const TRACE_TAIL: &str = "[service]\ndistribution = \"exponential\"\nmean = \"10ms\"\n[[classes]]\nname = \"fast\"\n[[classes]]\nname = \"slow\"\n[pool]\nworkers = 2\n";

#[test]
fn a_trace_is_replayed_row_for_row_with_its_services_and_classes() {
    let trace = "at_ms,svc,class\n0,5,fast\n100,7,slow\n250,9,fast\n";
    let text = format!(
        "[run]\ncustomers = 10\n[arrivals]\nprocess = \"trace\"\nfile = \"t.csv\"\nunit = \"ms\"\ntime_column = \"at_ms\"\nservice_column = \"svc\"\nclass_column = \"class\"\n{TRACE_TAIL}"
    );
    let summary = Engine::new(&with_files(&text, &[("t.csv", trace)])).run();
    assert_eq!(summary.arrivals, 3);
    assert_eq!(summary.trace_rows, Some(3));
    assert_eq!(summary.classes["fast"].arrivals, 2);
    assert!(
        (summary.service.max - 0.009).abs() < 1e-4,
        "{}",
        summary.service.max
    );
    assert!(
        (summary.sim_seconds - 0.259).abs() < 1e-6,
        "{}",
        summary.sim_seconds
    );
    // Twice as fast, looped, from 100 ms on: rows at 0, 75 ms, then again at 150 + ... ms.
    let looped = text.replace(
        "unit = \"ms\"",
        "unit = \"ms\"\nscale = 2\nloop = true\nstart = \"100ms\"",
    );
    let summary = Engine::new(&with_files(&looped, &[("t.csv", trace)])).run();
    assert_eq!(summary.arrivals, 10);
    assert_eq!(summary.trace_rows, Some(10));
    assert_eq!(summary.classes["slow"].arrivals, 5);
}

#[test]
fn absolute_json_lines_and_the_same_arrivals_in_threads_mode() {
    let trace = "{\"t\": 1700000000.0}\n{\"t\": 1700000000.02}\n{\"t\": 1700000000.05}\n";
    let text = format!(
        "[run]\ncustomers = 3\n[arrivals]\nprocess = \"trace\"\nfile = \"t.jsonl\"\ntimestamps = \"absolute\"\ntime_column = \"t\"\n{TRACE_TAIL}"
    );
    let config = with_files(&text, &[("t.jsonl", trace)]);
    let summary = Engine::new(&config).run();
    assert_eq!(summary.trace_rows, Some(3));
    assert!(summary.sim_seconds < 0.2, "{}", summary.sim_seconds);
    let options = queuelab::threads::ThreadOptions {
        time_scale: 1.0,
        ..Default::default()
    };
    let real = queuelab::threads::run(&config, &options).unwrap().summary;
    assert_eq!(real.arrivals, 3);
    assert_eq!(
        real.trace_rows,
        Some(3),
        "real threads say the rows they replayed"
    );
}

#[test]
fn a_bad_trace_names_every_bad_row_and_a_short_one_is_refused() {
    let text = format!(
        "[run]\ncustomers = 10\n[arrivals]\nprocess = \"trace\"\nfile = \"t.csv\"\n{TRACE_TAIL}"
    );
    let files = Arc::new(InMemory::new([("t.csv", "time,x\n1,a\n0.5,b\nq,c\n2\n")]));
    let error = parse_with_files(&text, "s.toml", &[], Some(files))
        .unwrap_err()
        .to_string();
    for expected in [
        "s.toml:5:8: arrivals.file: t.csv:3: time 0.5 s comes before the row above (1 s, line 2)",
        "s.toml:5:8: arrivals.file: t.csv:4: column \"time\": \"q\" is not a number",
        "s.toml:5:8: arrivals.file: t.csv:5: 1 columns, but the header has 2",
    ] {
        assert!(error.contains(expected), "{error}");
    }
    let one = Arc::new(InMemory::new([("t.csv", "time\n1\n")]));
    let error = parse_with_files(&text, "s.toml", &[], Some(one))
        .unwrap_err()
        .to_string();
    assert!(
        error.contains("a trace needs at least two rows, it has 1"),
        "{error}"
    );
}

#[test]
fn a_two_gigabyte_trace_is_refused_before_a_byte_is_read() {
    let dir = scratch("huge-trace");
    let huge = std::fs::File::create(dir.join("huge.csv")).unwrap();
    // Sparse: no disk is used, but the size is what a real 2 GB trace would show.
    huge.set_len(2 << 30).unwrap();
    let text = format!(
        "[run]\ncustomers = 10\n[arrivals]\nprocess = \"trace\"\nfile = \"huge.csv\"\n{TRACE_TAIL}"
    );
    std::fs::write(dir.join("s.toml"), text).unwrap();
    let started = std::time::Instant::now();
    let output = queuelab_in(&dir, &["run", "-q", "s.toml"]);
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output)
            .contains("huge.csv: it is 2147483648 bytes, more than the limit of 1073741824 bytes"),
        "{}",
        stderr(&output)
    );
    assert!(started.elapsed() < std::time::Duration::from_secs(5));
}

#[test]
fn fit_names_the_distribution_pastes_its_table_and_draws_the_qq_chart() {
    let dir = scratch("fit");
    // Gamma-distributed latencies of mean 40 ms, shape 3, in ms, in a CSV column.
    let truth = queuelab::dist::Distribution::gamma(40.0, 3.0);
    let mut rng = queuelab::rng::Rng::new(11);
    let rows: String = (0..20_000)
        .map(|i| format!("{i},{:.4}\n", truth.sample_secs(&mut rng)))
        .collect();
    std::fs::write(dir.join("lat.csv"), format!("id,ms\n{rows}")).unwrap();
    let out = queuelab_in(
        &dir,
        &[
            "fit", "lat.csv", "--column", "ms", "--unit", "ms", "--chart", "qq.svg",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("gamma fits well"), "{text}");
    // The pasted table is a valid [service] whose mean is the data's.
    let table = &text[text.find("[service]").expect("a table")..];
    let scenario = format!("[run]\ncustomers = 10\n[arrivals]\nprocess = \"poisson\"\nrate = 1\n[pool]\nworkers = 1\n{table}");
    let config = queuelab::scenario::parse(&scenario, "pasted.toml").unwrap();
    assert!((config.classes[0].service.mean() / 0.040 - 1.0).abs() < 0.02);
    let svg = std::fs::read_to_string(dir.join("qq.svg")).unwrap();
    assert!(
        svg.contains("QQ: measured against gamma"),
        "{}",
        &svg[..200.min(svg.len())]
    );
    // Two clusters fit nothing simple: the advice is the samples themselves.
    let bimodal: String = (0..2_000)
        .map(|i| if i % 3 == 0 { "0.5\n" } else { "0.01\n" })
        .collect();
    std::fs::write(dir.join("two.txt"), bimodal).unwrap();
    let out = queuelab_in(&dir, &["fit", "two.txt"]);
    let text = stdout(&out);
    assert!(text.contains("no simple distribution fits"), "{text}");
    assert!(
        text.contains("distribution = \"empirical\"\nfile = \"two.txt\""),
        "{text}"
    );
    // Bad input: a missing file, a bad unit, a chart without a known extension, a bad value.
    for (args, expected) in [
        (vec!["fit", "missing.txt"], "cannot read missing.txt"),
        (
            vec!["fit", "two.txt", "--unit", "parsec"],
            "--unit parsec: not a unit",
        ),
        (
            vec!["fit", "two.txt", "--chart", "qq.gif"],
            "must end in .svg or .png",
        ),
    ] {
        let out = queuelab_in(&dir, &args);
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        assert!(
            stderr(&out).contains(expected),
            "{args:?}: {}",
            stderr(&out)
        );
    }
    std::fs::write(dir.join("bad.txt"), "0.1\nNaN\n").unwrap();
    let out = queuelab_in(&dir, &["fit", "bad.txt"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("bad.txt:2"), "{}", stderr(&out));
}
