//! The `queuelab` binary end to end: outputs, files written, exit codes, messages.

use std::path::PathBuf;
use std::process::{Command, Output};

pub(crate) fn queuelab(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_queuelab"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("the binary runs")
}

pub(crate) fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

pub(crate) fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

pub(crate) fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("queuelab-it-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn run_prints_a_table_with_percentiles_and_littles_law() {
    let output = queuelab(&["run", "scenarios/mmc.toml", "--set", "run.customers=20000"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let text = stdout(&output);
    for expected in [
        "latency",
        "p99.9",
        "utilization",
        "Little's law",
        "throughput",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in\n{text}");
    }
}

#[test]
fn run_json_has_the_contract_fields_and_honours_seed_and_set() {
    let output = queuelab(&[
        "run",
        "scenarios/mmc.toml",
        "--format",
        "json",
        "--seed",
        "9",
        "--set",
        "pool.workers=8",
        "--set",
        "run.customers=5000",
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    let json: serde_json::Value = serde_json::from_str(&stdout(&output)).expect("valid JSON");
    for field in [
        "seed",
        "arrivals",
        "completed",
        "rejected",
        "rejected_ratio",
        "timed_out",
        "dropped",
        "throughput",
        "utilization",
        "mean_queue_len",
        "mean_in_system",
        "events",
        "sim_seconds",
        "latency",
        "wait",
        "service",
    ] {
        assert!(json.get(field).is_some(), "missing {field}");
    }
    for field in ["mean", "p50", "p90", "p99", "p999", "max"] {
        assert!(json["latency"][field].is_number(), "latency.{field}");
    }
    assert_eq!(json["seed"], 9);
    assert_eq!(json["pool"]["initial"], 8);
    assert!(json["utilization"].as_f64().unwrap() < 0.5);
}

#[test]
fn replications_report_confidence_half_widths() {
    let output = queuelab(&[
        "run",
        "scenarios/mmc.toml",
        "--format",
        "json",
        "--replications",
        "4",
        "--set",
        "run.customers=5000",
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    let json: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(json["replications"], 4);
    assert_eq!(json["seed"], 7);
    assert!(json["ci95"]["latency"]["p99"].as_f64().unwrap() > 0.0);
    assert_eq!(json["seeds"].as_array().unwrap().len(), 4);
}

#[test]
fn replications_are_identical_whatever_the_thread_count() {
    let args = [
        "run",
        "scenarios/mmc.toml",
        "--format",
        "json",
        "--replications",
        "6",
        "--set",
        "run.customers=3000",
    ];
    let one = Command::new(env!("CARGO_BIN_EXE_queuelab"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("RAYON_NUM_THREADS", "1")
        .output()
        .unwrap();
    let many = queuelab(&args);
    assert!(one.status.success() && many.status.success());
    assert_eq!(stdout(&one), stdout(&many));
}

#[test]
fn csv_and_chart_files_are_written() {
    let dir = scratch("files");
    let chart = dir.join("latency.svg");
    let output = queuelab(&[
        "run",
        "scenarios/spike-autoscale.toml",
        "--csv",
        dir.to_str().unwrap(),
        "--chart",
        chart.to_str().unwrap(),
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    let csv = std::fs::read_to_string(dir.join("series.csv")).unwrap();
    assert!(csv.starts_with("start_s,end_s,queue_len"));
    assert!(csv.lines().count() > 100);
    let svg = std::fs::read_to_string(&chart).unwrap();
    assert!(svg.contains("<svg") && svg.contains("p99 latency") && svg.contains("Pool size"));
    let png = dir.join("dashboard.png");
    let output = queuelab(&[
        "run",
        "scenarios/mmc.toml",
        "--set",
        "run.customers=2000",
        "--chart",
        png.to_str().unwrap(),
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(&std::fs::read(&png).unwrap()[1..4], b"PNG");
}

/// `run` and `sweep` take an exercise file too: its scenario at the starting knobs, with `--set`
/// on the scenario's paths and errors that name the `--set`.
#[test]
fn an_exercise_file_runs_as_its_scenario() {
    let output = queuelab(&[
        "run",
        "exercises/19-watermark-shedding.toml",
        "--set",
        "run.duration=\"1m\"",
        "--format",
        "json",
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    let summary: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert!(
        summary["shedding_spells"].as_u64().unwrap() > 100,
        "32 / 31 flaps"
    );
    let refused = queuelab(&["run", "exercises/61-k-zero.toml", "--set", "pool.workers=0"]);
    assert!(!refused.status.success());
    assert!(
        stderr(&refused).contains("--set pool.workers=0: scenario.pool.workers: must be between 1"),
        "{}",
        stderr(&refused)
    );
}

/// A pipeline's stages each get CSV columns and a line on the per-part charts.
#[test]
fn pipeline_stages_have_their_own_series_and_charts() {
    let dir = scratch("parts");
    let chart = dir.join("pipeline.svg");
    let output = queuelab(&[
        "run",
        "scenarios/pipeline.toml",
        "--csv",
        dir.to_str().unwrap(),
        "--chart",
        chart.to_str().unwrap(),
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    let csv = std::fs::read_to_string(dir.join("series.csv")).unwrap();
    let header = csv.lines().next().unwrap();
    for column in [
        "stages.pool.queue_len",
        "stages.upload.in_service",
        "stages.upload.held",
    ] {
        assert!(header.contains(column), "{column} in {header}");
    }
    let svg = std::fs::read_to_string(&chart).unwrap();
    assert!(svg.contains("Queue of each stage") && svg.contains("Utilisation of each stage"));
    assert!(svg.contains("stages.upload"), "the legend names the stage");
}

#[test]
fn sweep_tabulates_and_finds_the_knee() {
    let dir = scratch("sweep");
    let chart = dir.join("knee.svg");
    let output = queuelab(&[
        "sweep",
        "scenarios/mmc.toml",
        "--param",
        "pool.workers=4..8",
        "--metric",
        "latency.p99",
        "--set",
        "run.customers=20000",
        "--chart",
        chart.to_str().unwrap(),
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    let text = stdout(&output);
    assert_eq!(
        text.lines()
            .filter(|l| l.starts_with(char::is_numeric))
            .count(),
        5,
        "{text}"
    );
    assert!(text.contains("knee: pool.workers ="), "{text}");
    assert!(std::fs::read_to_string(chart).unwrap().contains("<svg"));
}

#[test]
fn sweep_json_lists_every_point() {
    let output = queuelab(&[
        "sweep",
        "scenarios/shed-vs-block.toml",
        "--param",
        "queue.on_full=reject,block",
        "--format",
        "json",
        "--set",
        "run.duration=1m",
        "--set",
        "run.warmup=10s",
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    let json: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    let points = json["points"].as_array().unwrap();
    assert_eq!(points.len(), 2);
    let reject_p99 = points[0]["summary"]["latency"]["p99"].as_f64().unwrap();
    let block_p99 = points[1]["summary"]["latency"]["p99"].as_f64().unwrap();
    assert!(
        block_p99 > 10.0 * reject_p99,
        "blocking at 2× load must explode latency: {block_p99} vs {reject_p99}"
    );
}

#[test]
fn check_accepts_the_shipped_scenarios() {
    let output = queuelab(&["check", "scenarios"]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(stdout(&output).contains("0 with errors"));
}

#[test]
fn check_reports_file_line_col_and_fails() {
    let dir = scratch("check");
    let bad = dir.join("bad.toml");
    std::fs::write(&bad, "[run]\ncustomers = 10\n[arrivals]\nprocess = \"poisson\"\nrate = 1\n[service]\ndistribution = \"exponential\"\nmean = \"1s\"\n[pool]\nworkers = 0\n").unwrap();
    let output = queuelab(&["check", dir.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1));
    let message = stderr(&output);
    assert!(
        message.contains("bad.toml:10:11: pool.workers: must be between 1"),
        "{message}"
    );
}

/// A learner's plausible mistake (ρ = 2250, an unbounded queue, an hour): the backlog would
/// grow to tens of millions of jobs and gigabytes; the run stops at the engine's job limit with a
/// message that says why, and fails.
#[test]
fn an_overloaded_run_stops_with_a_message_before_memory_runs_out() {
    let dir = scratch("overload");
    let file = dir.join("overload.toml");
    std::fs::write(
        &file,
        "[run]\nduration = \"1h\"\n[arrivals]\nprocess = \"poisson\"\nrate = 9000\n\
         [service]\ndistribution = \"exponential\"\nmean = \"250ms\"\n[pool]\nworkers = 1\n",
    )
    .unwrap();
    let output = queuelab(&["run", file.to_str().unwrap(), "--format", "json"]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let message = stderr(&output);
    assert!(
        message.contains("more than a million jobs were in the system at once")
            && message.contains("queue.capacity"),
        "{message}"
    );
    let summary: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    let at = summary["overloaded_at_seconds"].as_f64().unwrap();
    assert!((100.0..130.0).contains(&at), "stopped at {at} s");
    assert_eq!(summary["truncated"], true);
}

/// An exercise with script links in every Markdown surface opens in the playground with those
/// links removed; the authoring check refuses it, naming each field at its line.
#[test]
fn check_refuses_script_links_in_every_markdown_surface() {
    let output = queuelab(&["check", "--no-run", "tests/hostile/links.toml"]);
    assert_eq!(output.status.code(), Some(1));
    let message = stderr(&output);
    for (field, payload) in [
        ("instructions", "JavaScript:alert('instructions-mixed')"),
        ("instructions", "JaVaScRiPt:alert('instructions-reference')"),
        ("instructions", "JAVASCRIPT:alert('instructions-autolink')"),
        ("instructions", "Javascript:alert('instructions-colon')"),
        ("instructions", "vbscript:"),
        ("instructions", "data:text/html"),
        ("hints[0]", "javascript:alert('hint-lower')"),
        ("hints[1]", "Javascript:alert('hint-entity')"),
        ("questions[0].ask", "jAvAsCrIpT:"),
        (
            "questions[0].explanation",
            "javascript:alert('question-explanation')",
        ),
        (
            "solution.explanation",
            "JAVASCRIPT:alert('solution-explanation')",
        ),
    ] {
        assert!(
            message
                .lines()
                .any(|line| line.starts_with("tests/hostile/links.toml:")
                    && line.contains(&format!(": {field}: links to \"{payload}"))),
            "{field} {payload}: {message}"
        );
    }
    assert!(!message.contains("https://example.com"), "{message}");
    assert!(!message.contains("mailto:"), "{message}");
}

#[test]
fn bad_flags_fail_with_a_message_not_a_panic() {
    let cases: [(&[&str], i32, &str); 10] = [
        (
            &[
                "run",
                "scenarios/mmc.toml",
                "--mode",
                "threads",
                "--time-scale",
                "0",
            ],
            2,
            "not a time scale",
        ),
        (
            &[
                "run",
                "scenarios/mmc.toml",
                "--mode",
                "threads",
                "--drain-timeout",
                "soon",
            ],
            2,
            "soon",
        ),
        (
            &[
                "run",
                "scenarios/tenants.toml",
                "--mode",
                "threads",
                "--set",
                "queue.discipline=\"lifo\"",
            ],
            1,
            "cannot run on threads: queue.discipline = \"lifo\"",
        ),
        (
            &[
                "run",
                "scenarios/mmc.toml",
                "--mode",
                "compare",
                "--replications",
                "3",
            ],
            1,
            "--replications works with --mode sim only",
        ),
        (
            &["run", "scenarios/mmc.toml", "--set", "pool.workers"],
            1,
            "not of the form path=value",
        ),
        (
            &["run", "scenarios/mmc.toml", "--set", "pool.workers=-2"],
            1,
            "--set pool.workers=-2",
        ),
        (
            &["run", "scenarios/mmc.toml", "--chart", "out.gif"],
            1,
            "must end in .svg or .png",
        ),
        (
            &["run", "no/such/file.toml"],
            1,
            "cannot read no/such/file.toml",
        ),
        (
            &["run", "scenarios/mmc.toml", "--replications", "0"],
            2,
            "replications",
        ),
        (
            &[
                "sweep",
                "scenarios/mmc.toml",
                "--param",
                "pool.workers=1..4",
                "--metric",
                "latency.p77",
            ],
            1,
            "not a field of the run summary",
        ),
    ];
    for (args, code, expected) in cases {
        let output = queuelab(args);
        assert_eq!(
            output.status.code(),
            Some(code),
            "{args:?}: {}",
            stderr(&output)
        );
        assert!(
            stderr(&output).contains(expected),
            "{args:?}: {}",
            stderr(&output)
        );
        assert!(!stderr(&output).contains("panicked"));
    }
}

#[test]
fn compare_mode_prints_both_runs_and_their_differences() {
    let dir = scratch("compare");
    let scenario = dir.join("quick.toml");
    std::fs::write(
        &scenario,
        "name = \"quick\"\n[run]\ncustomers = 300\nseed = 4\n[arrivals]\nprocess = \"poisson\"\n\
         rate = 400\n[service]\ndistribution = \"exponential\"\nmean = \"4ms\"\n[pool]\nworkers = 3\n",
    )
    .unwrap();
    let scenario = scenario.to_string_lossy().into_owned();
    let csv = dir.join("out").to_string_lossy().into_owned();
    let chart = dir.join("overlay.svg").to_string_lossy().into_owned();
    let output = queuelab(&[
        "run",
        &scenario,
        "--mode",
        "compare",
        "--format",
        "json",
        "--csv",
        &csv,
        "--chart",
        &chart,
        "--time-scale",
        "0.5",
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    let json: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(json["simulation"]["completed"], 300);
    assert_eq!(json["threads"]["arrivals"], 300);
    assert_eq!(json["threads"]["threads"]["time_scale"], 0.5);
    assert!(json["simulation"].get("threads").is_none());
    assert!(json["difference_percent"]["latency.p99"].is_number());
    for file in [
        "out/sim/series.csv",
        "out/threads/series.csv",
        "out/threads/summary.json",
        "overlay.svg",
    ] {
        assert!(dir.join(file).is_file(), "{file} was not written");
    }
    let table = queuelab(&[
        "run",
        &scenario,
        "--mode",
        "threads",
        "--time-scale",
        "0.5",
        "-q",
    ]);
    assert!(table.status.success(), "{}", stderr(&table));
    assert!(
        stdout(&table).contains("real threads:"),
        "{}",
        stdout(&table)
    );
}

#[test]
fn ctrl_c_stops_a_real_run_and_still_prints_the_report() {
    let dir = scratch("interrupt");
    let scenario = dir.join("long.toml");
    std::fs::write(
        &scenario,
        "name = \"long\"\n[run]\nduration = \"60s\"\n[arrivals]\nprocess = \"poisson\"\nrate = 200\n\
         [service]\ndistribution = \"exponential\"\nmean = \"10ms\"\n[pool]\nworkers = 4\n",
    )
    .unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_queuelab"))
        .args([
            "run",
            &scenario.to_string_lossy(),
            "--mode",
            "threads",
            "--format",
            "json",
        ])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("the binary runs");
    std::thread::sleep(std::time::Duration::from_millis(800));
    let started = std::time::Instant::now();
    let killed = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status();
    if !killed.is_ok_and(|status| status.success()) {
        eprintln!("skipped: cannot send SIGINT here");
        let _ = child.kill();
        let _ = child.wait();
        return;
    }
    let output = child.wait_with_output().expect("the run ends");
    assert!(
        started.elapsed() < std::time::Duration::from_secs(8),
        "a 5 s drain at most"
    );
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("interrupted"),
        "{}",
        stderr(&output)
    );
    let json: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    let arrivals = json["arrivals"].as_u64().unwrap();
    assert!(arrivals > 50 && arrivals < 2000, "{arrivals}");
}

/// A point of a sweep that gets stuck is named, and the sweep exits non-zero.
#[test]
fn a_stuck_run_fails_the_command_and_says_why() {
    let dir = scratch("stuck");
    let file = dir.join("stuck.toml");
    std::fs::write(
        &file,
        "[run]\nduration = \"10s\"\n[arrivals]\nprocess = \"closed\"\nclients = 20\n\
         [service]\ndistribution = \"constant\"\nmean = \"10ms\"\n[pool]\nworkers = 1\n\
         [queue]\ncapacity = 4\non_full = \"reject\"\n",
    )
    .unwrap();
    let file = file.to_str().unwrap();
    let run = queuelab(&["run", file, "--quiet"]);
    assert!(!run.status.success());
    assert!(
        stderr(&run).contains("got stuck at t ="),
        "{}",
        stderr(&run)
    );
    let sweep = queuelab(&["sweep", file, "--param", "queue.capacity=4,40", "--quiet"]);
    assert!(!sweep.status.success());
    assert!(
        stderr(&sweep).contains("queue.capacity = 4: the simulation got stuck"),
        "{}",
        stderr(&sweep)
    );
    assert!(
        !stderr(&sweep).contains("queue.capacity = 40"),
        "40 places hold all 20 clients"
    );
}
