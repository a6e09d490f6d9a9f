//! A sweep split into shards (`sweep --shard I/N`) and put back together (`queuelab merge`):
//! the same table, JSON, chart, warnings and exit code as the whole sweep, byte for byte; and
//! every way a set of shards can be wrong, refused with the file and the reason.

use crate::cli::{queuelab, scratch, stderr, stdout};
use std::path::{Path, PathBuf};
use std::process::Output;

const SWEEP: [&str; 8] = [
    "sweep",
    "scenarios/mmc.toml",
    "--param",
    "pool.workers=4..7",
    "--set",
    "run.customers=3000",
    "--metric",
    "latency.p99",
];

fn with(base: &[&str], more: &[&str]) -> Vec<String> {
    base.iter().chain(more).map(|s| s.to_string()).collect()
}

fn run(args: &[String]) -> Output {
    queuelab(&args.iter().map(String::as_str).collect::<Vec<_>>())
}

fn ok(output: Output) -> Output {
    assert!(output.status.success(), "{}", stderr(&output));
    output
}

/// Runs `sweep` as `count` shards into `dir`, each with `extra` flags.
fn shards(sweep: &[&str], extra: &[&str], count: usize, dir: &Path) -> Vec<Output> {
    (0..count)
        .map(|i| one_shard(sweep, extra, i, count, dir))
        .collect()
}

/// Runs shard `index` of `count` of `sweep` into `dir`.
fn one_shard(sweep: &[&str], extra: &[&str], index: usize, count: usize, dir: &Path) -> Output {
    let shard = format!("{index}/{count}");
    let more = with(
        extra,
        &["--shard", &shard, "--out", dir.to_str().unwrap(), "-q"],
    );
    run(&with(
        sweep,
        &more.iter().map(String::as_str).collect::<Vec<_>>(),
    ))
}

fn merge(paths: &[&Path], more: &[&str]) -> Output {
    let mut args: Vec<String> = vec!["merge".into()];
    args.extend(paths.iter().map(|p| p.to_str().unwrap().to_string()));
    args.extend(more.iter().map(|s| s.to_string()));
    run(&args)
}

fn shard_file(dir: &Path, index: usize, count: usize) -> PathBuf {
    dir.join(format!("shard-{index}-of-{count}.json"))
}

#[test]
fn three_shards_merge_into_the_whole_sweep_byte_for_byte() {
    for replications in ["1", "3"] {
        let dir = scratch(&format!("shards-{replications}"));
        let extra = ["--replications", replications];
        for output in shards(&SWEEP, &extra, 3, &dir) {
            ok(output);
        }
        for format in ["table", "json"] {
            let whole_chart = dir.join("whole.svg");
            let merged_chart = dir.join("merged.svg");
            let whole = ok(run(&with(
                &SWEEP,
                &[
                    &extra[..],
                    &[
                        "--format",
                        format,
                        "-q",
                        "--chart",
                        whole_chart.to_str().unwrap(),
                    ],
                ]
                .concat(),
            )));
            let merged = ok(merge(
                &[&dir],
                &[
                    "--format",
                    format,
                    "--chart",
                    merged_chart.to_str().unwrap(),
                ],
            ));
            assert!(!stdout(&whole).is_empty());
            assert_eq!(
                stdout(&whole),
                stdout(&merged),
                "{format}, {replications} replications"
            );
            assert_eq!(
                std::fs::read(&whole_chart).unwrap(),
                std::fs::read(&merged_chart).unwrap(),
                "the chart"
            );
        }
    }
}

#[test]
fn shards_on_stdout_merge_from_files_given_in_any_order() {
    let dir = scratch("shards-stdout");
    let mut files = Vec::new();
    for i in [2, 0, 1] {
        let shard = format!("{i}/3");
        let output = ok(run(&with(&SWEEP, &["--shard", &shard, "-q"])));
        let json: serde_json::Value = serde_json::from_str(&stdout(&output)).expect("JSON");
        assert_eq!(json["kind"], "queuelab sweep shard");
        assert_eq!(json["shard"], serde_json::json!({"index": i, "count": 3}));
        assert_eq!(json["sweep"]["jobs"], 4);
        assert_eq!(json["fingerprint"].as_str().unwrap().len(), 16);
        let file = dir.join(format!("from-host-{i}.json"));
        std::fs::write(&file, output.stdout).unwrap();
        files.push(file);
    }
    let paths: Vec<&Path> = files.iter().map(PathBuf::as_path).collect();
    let merged = ok(merge(&paths, &[]));
    let whole = ok(run(&with(&SWEEP, &["-q"])));
    assert_eq!(stdout(&whole), stdout(&merged));
    assert!(stdout(&merged).contains("knee: pool.workers ="));
}

/// A run cut short warns in its shard and again in the merge, which exits 1 as the sweep does.
#[test]
fn a_stuck_run_warns_and_fails_the_merge_as_it_fails_the_sweep() {
    let dir = scratch("shards-stuck");
    let file = dir.join("stuck.toml");
    std::fs::write(
        &file,
        "[run]\nduration = \"10s\"\n[arrivals]\nprocess = \"closed\"\nclients = 20\n\
         [service]\ndistribution = \"constant\"\nmean = \"10ms\"\n[pool]\nworkers = 1\n\
         [queue]\ncapacity = 4\non_full = \"reject\"\n",
    )
    .unwrap();
    let sweep = [
        "sweep",
        file.to_str().unwrap(),
        "--param",
        "queue.capacity=4,40",
    ];
    let outputs = shards(&sweep, &[], 2, &dir);
    assert_eq!(
        outputs[0].status.code(),
        Some(1),
        "shard 0 holds capacity 4"
    );
    assert!(stderr(&outputs[0]).contains("queue.capacity = 4: the simulation got stuck"));
    ok(outputs[1].clone());
    assert!(
        shard_file(&dir, 0, 2).exists(),
        "a shard with a warning is still written"
    );
    let whole = run(&with(&sweep, &["-q"]));
    let merged = merge(&[&dir], &[]);
    assert_eq!(merged.status.code(), Some(1));
    assert_eq!(stderr(&whole), stderr(&merged));
    assert_eq!(stdout(&whole), stdout(&merged));
}

fn refused(output: &Output, expected: &str) {
    let message = stderr(output);
    assert_eq!(output.status.code(), Some(1), "{message}");
    assert!(
        message.contains(expected),
        "expected {expected:?} in {message}"
    );
    assert!(!message.contains("panicked"), "{message}");
}

#[test]
fn bad_shard_flags_are_refused_before_anything_runs() {
    for (shard, expected) in [
        ("3/3", "there is no shard 3 of 3: shards are counted from 0"),
        ("5/4", "there is no shard 5 of 4"),
        ("a/b", "the index \"a\" is not a whole number"),
        ("-1/3", "the index \"-1\" is not a whole number"),
        ("/3", "JOB_COMPLETION_INDEX"),
        ("0/0", "at least 1 shard"),
    ] {
        refused(&run(&with(&SWEEP, &["--shard", shard])), expected);
    }
    // A shard is JSON for merge: the table and the chart are merge's.
    let output = run(&with(&SWEEP, &["--shard", "0/3", "--chart", "x.svg"]));
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    let output = run(&with(&SWEEP, &["--out", "somewhere"]));
    assert_eq!(output.status.code(), Some(2), "--out needs --shard");
}

#[test]
fn a_bad_set_of_shards_is_refused_with_the_files_and_the_reason() {
    let dir = scratch("shards-bad");
    for output in shards(&SWEEP, &[], 3, &dir) {
        ok(output);
    }
    let [zero, one, two] = [0, 1, 2].map(|i| shard_file(&dir, i, 3));
    refused(&merge(&[&zero, &two], &[]), "missing 1 of 3 shards: 1");
    refused(&merge(&[&zero], &[]), "missing 2 of 3 shards: 1, 2");
    let copy = dir.join("copy.json");
    std::fs::copy(&one, &copy).unwrap();
    refused(
        &merge(&[&zero, &one, &copy, &two], &[]),
        "shard 1/3 is given twice",
    );

    // A shard of another sweep: a different --set, or another number of shards.
    let other = scratch("shards-bad-other");
    let more = ["--set", "arrivals.rate=3.4"];
    for output in shards(&SWEEP, &more, 3, &other) {
        ok(output);
    }
    let message = stderr(&merge(&[&zero, &one, &shard_file(&other, 2, 3)], &[]));
    assert!(message.contains("shards of different sweeps"), "{message}");
    assert!(
        message.contains("shard-2-of-3.json"),
        "names the file: {message}"
    );
    let halves = scratch("shards-bad-halves");
    ok(one_shard(&SWEEP, &[], 1, 2, &halves));
    refused(
        &merge(&[&zero, &one, &shard_file(&halves, 1, 2)], &[]),
        "one sweep's shards split it the same way",
    );

    // Files that are not shards, or not whole.
    let bad = dir.join("bad.json");
    for (text, expected) in [
        (
            "{\"kind\": \"queuelab sweep shard\", ",
            "the JSON is malformed: EOF while parsing",
        ),
        ("[1, 2]", "a shard file is a JSON object"),
        ("", "a shard file is a JSON object, and this file is empty"),
        ("{\"points\": []}", "its \"kind\" is missing"),
        (
            "{\"kind\": \"queuelab sweep shard\", \"layout\": 9}",
            "a shard file of layout 9",
        ),
        (
            "{\"kind\": \"queuelab sweep shard\", \"layout\": 1}",
            "not a valid shard file: missing field",
        ),
    ] {
        std::fs::write(&bad, text).unwrap();
        let output = merge(&[&bad], &[]);
        refused(&output, expected);
        assert!(stderr(&output).contains("bad.json"), "{}", stderr(&output));
    }
    let text = std::fs::read_to_string(&one).unwrap();
    let mut json: serde_json::Value = serde_json::from_str(&text).unwrap();
    json["runs"].as_array_mut().unwrap().pop();
    std::fs::write(&bad, json.to_string()).unwrap();
    refused(&merge(&[&zero, &bad, &two], &[]), "holds 0 runs, not 1");
    refused(
        &merge(&[&dir.join("nothing-here.json")], &[]),
        "cannot read",
    );
    let empty = scratch("shards-bad-empty");
    refused(&merge(&[&empty], &[]), "has no shard files");
}

/// The fingerprint covers the data files a scenario reads: the same trace name with other rows
/// is another sweep.
#[test]
fn shards_that_read_different_traces_are_different_sweeps() {
    let dir = scratch("shards-trace");
    let scenario = dir.join("s.toml");
    std::fs::write(
        &scenario,
        "[run]\ncustomers = 50\n[arrivals]\nprocess = \"trace\"\nfile = \"t.csv\"\n\
         [service]\ndistribution = \"exponential\"\nmean = \"10ms\"\n[pool]\nworkers = 2\n",
    )
    .unwrap();
    let sweep = [
        "sweep",
        scenario.to_str().unwrap(),
        "--param",
        "pool.workers=1,2",
    ];
    let out = dir.join("out");
    std::fs::write(dir.join("t.csv"), "time\n0\n0.01\n0.02\n").unwrap();
    ok(one_shard(&sweep, &[], 0, 2, &out));
    std::fs::write(dir.join("t.csv"), "time\n0\n0.01\n0.03\n").unwrap();
    ok(one_shard(&sweep, &[], 1, 2, &out));
    refused(&merge(&[&out], &[]), "shards of different sweeps");
    ok(one_shard(&sweep, &[], 0, 2, &out));
    ok(merge(&[&out], &[]));
}

/// `deploy/sweep-job.yaml` is an Indexed Job with as many shards as completions, and its
/// container's own command line, run here by `sh` for each `JOB_COMPLETION_INDEX` (the sweep
/// made small through its environment), gives shards that merge into the whole sweep.
#[test]
fn the_kubernetes_manifest_runs_shards_that_merge() {
    let manifest = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("deploy/sweep-job.yaml"),
    )
    .unwrap();
    assert!(manifest.contains("\n  completionMode: Indexed\n"));
    let field = |name: &str| {
        manifest
            .lines()
            .find_map(|line| line.trim().strip_prefix(name))
            .map(|rest| {
                rest.split('#')
                    .next()
                    .unwrap()
                    .trim()
                    .trim_matches('"')
                    .to_string()
            })
            .unwrap_or_else(|| panic!("no {name} in the manifest"))
    };
    let lines: Vec<&str> = manifest.lines().collect();
    let env = |name: &str| {
        let at = lines
            .iter()
            .position(|line| line.trim() == format!("- name: {name}"))
            .unwrap_or_else(|| panic!("no {name} in the manifest's env"));
        lines[at + 1]
            .trim()
            .strip_prefix("value: ")
            .unwrap()
            .trim_matches('"')
            .to_string()
    };
    assert_eq!(field("completions:"), env("SHARDS"), "one pod per shard");
    let args = lines
        .iter()
        .position(|line| line.trim() == "args:")
        .unwrap();
    assert_eq!(lines[args + 1].trim(), "- |");
    let command = lines[args + 2].trim();
    assert!(
        command.contains("--shard \"$JOB_COMPLETION_INDEX/$SHARDS\""),
        "{command}"
    );

    let dir = scratch("shards-manifest");
    let bin = Path::new(env!("CARGO_BIN_EXE_queuelab")).parent().unwrap();
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let scenario = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/mmc.toml");
    for index in 0..2 {
        let output = std::process::Command::new("/bin/sh")
            .args(["-c", command])
            .env("PATH", &path)
            .env("JOB_COMPLETION_INDEX", index.to_string())
            .env("SHARDS", "2")
            .env("SCENARIO", &scenario)
            .env("PARAM", "run.customers=1000,2000,3000")
            .env("REPLICATIONS", "2")
            .env("METRIC", env("METRIC"))
            .env("OUT", &dir)
            .output()
            .unwrap();
        ok(output);
    }
    let merged = ok(merge(&[&dir], &[]));
    let whole = ok(queuelab(&[
        "sweep",
        scenario.to_str().unwrap(),
        "--param",
        "run.customers=1000,2000,3000",
        "--replications",
        "2",
        "--metric",
        &env("METRIC"),
        "-q",
    ]));
    assert_eq!(stdout(&whole), stdout(&merged));
}
