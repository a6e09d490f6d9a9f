//! A policy script kept in its own file beside the scenario (`code_file`), and script faults said
//! by the command line at their `file:line:col` — in the scenario's `code` block or in the code
//! file — so an editor can jump there.

use crate::cli::{queuelab, scratch};

const SCENARIO: &str = "[run]\nduration = \"1m\"\nseed = 3\n[arrivals]\nprocess = \"poisson\"\nrate = 60\n\
[service]\ndistribution = \"exponential\"\nmean = \"100ms\"\n[pool]\nworkers = 2\n[queue]\ncapacity = 50\n\
[autoscaler]\nkind = \"script\"\ninterval = \"1s\"\nmax_workers = 20\n";

const STEP_UP: &str = "fn desired_workers(pool) {\n    if pool.queue_fill > 0.5 { return pool.workers + 2; }\n    pool.workers\n}\n";

/// Writes the scenario with `table` (a `code` or `code_file` line) and the files beside it.
fn written(name: &str, table: &str, files: &[(&str, &str)]) -> std::path::PathBuf {
    let dir = scratch(name);
    for (file, text) in files {
        std::fs::write(dir.join(file), text).unwrap();
    }
    let scenario = dir.join("s.toml");
    std::fs::write(&scenario, format!("{SCENARIO}{table}")).unwrap();
    scenario
}

fn run(scenario: &std::path::Path) -> (bool, String, String) {
    let output = queuelab(&[
        "run",
        scenario.to_str().unwrap(),
        "--format",
        "json",
        "--quiet",
    ]);
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn code_in_a_file_runs_exactly_as_the_same_code_inline() {
    let from_file = written(
        "code-file",
        "code_file = \"step.rhai\"\n",
        &[("step.rhai", STEP_UP)],
    );
    let inline = written("code-inline", &format!("code = '''\n{STEP_UP}'''\n"), &[]);
    let (ok_file, json_file, err_file) = run(&from_file);
    let (ok_inline, json_inline, _) = run(&inline);
    assert!(ok_file && ok_inline, "{err_file}");
    assert_eq!(json_file, json_inline);
    assert!(json_file.contains("\"resizes\""), "{json_file}");
}

#[test]
fn a_code_file_that_does_not_compile_is_refused_at_its_line_in_that_file() {
    let scenario = written(
        "code-file-broken",
        "code_file = \"broken.rhai\"\n",
        &[(
            "broken.rhai",
            "fn desired_workers(pool) {\n    pool.workers +\n}\n",
        )],
    );
    let (ok, _, stderr) = run(&scenario);
    assert!(!ok);
    let file = scenario.with_file_name("broken.rhai");
    assert!(
        stderr.contains("autoscaler.code_file: ")
            && stderr.contains(&format!("{}:3:1: ", file.display())),
        "{stderr}"
    );
}

#[test]
fn a_code_file_that_is_missing_doubled_or_out_of_place_is_refused_with_the_reason() {
    let missing = written("code-file-missing", "code_file = \"nope.rhai\"\n", &[]);
    let (ok, _, stderr) = run(&missing);
    assert!(
        !ok && stderr.contains("autoscaler.code_file: cannot read"),
        "{stderr}"
    );

    let both = written(
        "code-file-both",
        &format!("code_file = \"step.rhai\"\ncode = '''\n{STEP_UP}'''\n"),
        &[("step.rhai", STEP_UP)],
    );
    let (ok, _, stderr) = run(&both);
    assert!(!ok && stderr.contains("not both"), "{stderr}");

    // Read without files (the library's plain parse), the code must be inline.
    let text = format!("{SCENARIO}code_file = \"step.rhai\"\n");
    let error = queuelab::scenario::parse(&text, "s.toml")
        .unwrap_err()
        .to_string();
    assert!(error.contains("write the code inline"), "{error}");
}

#[test]
fn a_runtime_fault_is_said_at_its_place_in_the_scenario_or_the_code_file() {
    let failing = "fn desired_workers(pool) {\n    if pool.now > 5.0 { return pool.nope; }\n    pool.workers\n}\n";
    let inline = written("fault-inline", &format!("code = '''\n{failing}'''\n"), &[]);
    let (ok, _, stderr) = run(&inline);
    assert!(!ok);
    // `code = '''` is line 18 of the scenario; the code starts on line 19, so its line 2 is
    // the file's line 20.
    let expected = format!("error: {}:20:", inline.display());
    assert!(stderr.contains(&expected), "{expected} in {stderr}");
    assert!(
        stderr.contains("the autoscaler script failed at t = "),
        "{stderr}"
    );

    let in_file = written(
        "fault-file",
        "code_file = \"failing.rhai\"\n",
        &[("failing.rhai", failing)],
    );
    let (ok, _, stderr) = run(&in_file);
    assert!(!ok);
    let expected = format!(
        "error: {}:2:",
        in_file.with_file_name("failing.rhai").display()
    );
    assert!(stderr.contains(&expected), "{expected} in {stderr}");
}
