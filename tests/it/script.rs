//! Learner-written policies: a script runs where the built-in policy would, deterministically,
//! in the simulator and on real threads, and a failing script stops the run saying where.

use crate::support::config;
use queuelab::sim::Engine;

/// Netflix's AIMD limit (`AIMDLimit`) as a learner would write it from seed book 002, task 11.
const AIMD_SCRIPT: &str = include_str!("../golden/aimd-limit.rhai");

fn adaptive_limit() -> String {
    std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/scenarios/adaptive-limit.toml"
    ))
    .expect("the shipped scenario")
}

#[test]
fn an_aimd_script_gives_the_built_in_aimd_limiters_run_bit_for_bit() {
    let text = adaptive_limit();
    let built_in = Engine::new(&config(&text)).run();
    let scripted_text = text.replace(
        "[limiter]\nkind = \"aimd\"\nlimit = 20",
        &format!("[limiter]\nkind = \"script\"\nlimit = 20\nmin_limit = 20\nmax_limit = 200\ncode = '''{AIMD_SCRIPT}'''"),
    );
    assert_ne!(
        scripted_text, text,
        "the scenario's [limiter] table changed"
    );
    let scripted = Engine::new(&config(&scripted_text)).run();
    assert!(
        scripted.limit.max > 20,
        "the limit moved: {:?}",
        scripted.limit
    );
    assert_eq!(
        serde_json::to_string(&scripted).unwrap(),
        serde_json::to_string(&built_in).unwrap()
    );
}

const SPIKE: &str = r#"
[run]
duration = "2m"
seed = 3
[arrivals]
process = "poisson"
rate = 60
[service]
distribution = "exponential"
mean = "100ms"
[pool]
workers = 2
[queue]
capacity = 50
[autoscaler]
kind = "script"
interval = "1s"
max_workers = 20
"#;

fn with_code(code: &str) -> String {
    format!("{SPIKE}code = '''\n{code}'''\n")
}

const STEP_UP: &str = r#"let last_change = -1000.0;

fn desired_workers(pool) {
    if pool.now - last_change < 5.0 { return pool.workers; }
    if pool.queue_fill > 0.5 { last_change = pool.now; return pool.workers + 2; }
    if pool.utilization < 0.5 { last_change = pool.now; return pool.workers - 1; }
    pool.workers
}
"#;

#[test]
fn a_script_autoscaler_sizes_the_pool_and_is_deterministic() {
    let config = config(&with_code(STEP_UP));
    let first = Engine::new(&config).run();
    let again = Engine::new(&config).run();
    assert_eq!(first, again);
    assert!(
        first.pool.max > 2 && first.pool.resizes > 0,
        "{:?}",
        first.pool
    );
    assert!(first.script_error.is_none());
    let stuck = Engine::new(&crate::support::config(&with_code(
        "fn desired_workers(pool) { 2 }\n",
    )))
    .run();
    assert!(
        first.lost_ratio < stuck.lost_ratio,
        "scaling up loses fewer jobs"
    );
}

#[test]
fn a_failing_script_stops_the_run_where_it_failed() {
    let code = "fn desired_workers(pool) {\n    if pool.now > 10.0 { return pool.workers / 0; }\n    pool.workers\n}\n";
    let summary = Engine::new(&config(&with_code(code))).run();
    let error = summary.script_error.as_ref().expect("the script failed");
    assert_eq!(
        (error.hook.as_str(), error.line),
        ("autoscaler", 2),
        "{error}"
    );
    assert_eq!(error.at_seconds, 11.0, "the first tick after 10 s");
    assert!(
        summary.truncated && summary.sim_seconds == 11.0,
        "{}",
        summary.sim_seconds
    );
    let why = summary.cut_short().expect("the run says why it stopped");
    assert!(
        why.contains("Division by zero") && why.contains("line 2"),
        "{why}"
    );
}

#[test]
fn a_runaway_script_stops_at_its_operation_limit() {
    let code = "fn desired_workers(pool) { let n = 0; while true { n += 1; } n }\n";
    let started = std::time::Instant::now();
    let summary = Engine::new(&config(&with_code(code))).run();
    let error = summary.script_error.expect("the loop was stopped");
    assert!(error.message.contains("endless loop"), "{}", error.message);
    assert!(started.elapsed().as_secs() < 10, "{:?}", started.elapsed());
}

#[test]
fn script_errors_in_the_file_point_at_their_line_in_the_file() {
    let text = with_code("fn desired_workers(pool) {\n    pool.workers +\n}\n");
    let error = queuelab::scenario::parse(&text, "s.toml")
        .unwrap_err()
        .to_string();
    let code_line = text.lines().position(|l| l.starts_with("code = ")).unwrap() + 1;
    let expected = format!("s.toml:{}:", code_line + 3);
    assert!(
        error.starts_with(&expected),
        "expected {expected}, got {error}"
    );
    assert!(error.contains("autoscaler.code"), "{error}");
    for (text, expected) in [
        (SPIKE.to_string(), "is required for kind = \"script\""),
        (
            with_code("fn desired(pool) { 1 }"),
            "must define `fn desired_workers(pool)",
        ),
        (
            SPIKE.replace("kind = \"script\"", "kind = \"queue-depth\"") + "code = \"fn x() {}\"\n",
            "applies only to kind = \"script\"",
        ),
        (
            with_code(&"// padding\n".repeat(2_000)),
            "more than the limit of 20000",
        ),
    ] {
        let error = queuelab::scenario::parse(&text, "s.toml")
            .unwrap_err()
            .to_string();
        assert!(error.contains(expected), "expected {expected}, got {error}");
    }
}

#[test]
fn a_script_runs_on_real_threads_and_a_failing_one_stops_them() {
    let _one = crate::threads::ONE_AT_A_TIME.lock();
    let options = queuelab::threads::ThreadOptions {
        time_scale: 0.02,
        ..Default::default()
    };
    let config = config(&with_code(STEP_UP).replace("duration = \"2m\"", "duration = \"40s\""));
    let real = queuelab::threads::run(&config, &options).unwrap().summary;
    assert!(real.script_error.is_none());
    assert!(
        real.pool.resizes > 0,
        "the script resized the real pool: {:?}",
        real.pool
    );
    // Ten minutes at 1/50 would be 12 s of wall time; a fault stops the run at its first tick.
    let failing = with_code("fn desired_workers(pool) { pool.nope }\n")
        .replace("duration = \"2m\"", "duration = \"10m\"");
    let started = std::time::Instant::now();
    let real = queuelab::threads::run(&crate::support::config(&failing), &options)
        .unwrap()
        .summary;
    let error = real.script_error.expect("the script failed on threads too");
    assert!(error.message.contains("nope"), "{}", error.message);
    assert!(
        started.elapsed().as_secs_f64() < 6.0,
        "stopped at once: {:?}",
        started.elapsed()
    );
}

#[test]
fn a_script_knob_takes_the_learners_code_and_places_its_errors_in_the_code() {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/exercises/64-build-aimd-limiter.toml"
    ))
    .unwrap();
    let exercise = queuelab::exercise::Exercise::parse(&text, "64.toml").unwrap();
    let knob = exercise.knob("limiter.code").expect("the code knob");
    assert_eq!(knob.kind, queuelab::exercise::KnobKind::Script);
    let broken = knob
        .parse("fn new_limit(sample) {\n    sample.limit +\n}\n")
        .unwrap();
    let error = exercise
        .config_with(&[("limiter.code".to_string(), broken)])
        .unwrap_err()
        .to_string();
    assert!(
        error.contains("limiter.code") && error.contains("3:1"),
        "{error}"
    );
    let huge = knob.parse(&"x".repeat(20_001)).unwrap_err();
    assert!(huge.contains("limit of 20000"), "{huge}");
}

/// The native side of the script determinism golden (tests/golden/script.toml); the wasm and
/// browser tests compare with the same fingerprint. `QUEUELAB_BLESS=1` re-records it.
#[test]
fn the_script_golden_matches_its_fingerprint() {
    let text = include_str!("../golden/script.toml");
    let summary = Engine::new(&config(text)).run();
    assert!(summary.script_error.is_none(), "{:?}", summary.script_error);
    assert!(summary.pool.resizes > 10 && summary.limit.max > summary.limit.min);
    let fingerprint = format!("{:016x}", summary.fingerprint());
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/golden/script.fingerprint"
    );
    if std::env::var_os("QUEUELAB_BLESS").is_some() {
        std::fs::write(path, format!("{fingerprint}\n")).unwrap();
        return;
    }
    let golden = std::fs::read_to_string(path).expect("the recorded fingerprint");
    assert_eq!(
        fingerprint,
        golden.trim(),
        "a script run changed; if intended, rerun with QUEUELAB_BLESS=1"
    );
}

/// The native side of the hooks' determinism golden (tests/golden/hooks.toml: admission, retry,
/// breaker and full-queue scripts); the wasm and browser tests compare with the same fingerprint.
#[test]
fn the_hooks_golden_matches_its_fingerprint() {
    let text = include_str!("../golden/hooks.toml");
    let summary = Engine::new(&config(text)).run();
    assert!(summary.script_error.is_none(), "{:?}", summary.script_error);
    let refused = |reason: &str| summary.rejected_by_reason.get(reason).copied().unwrap_or(0);
    assert!(refused("admission") > 100 && refused("queue_full") > 0);
    assert!(summary.retries > 100 && summary.dropped > 0 && summary.breaker_transitions > 4);
    let fingerprint = format!("{:016x}", summary.fingerprint());
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/golden/hooks.fingerprint"
    );
    if std::env::var_os("QUEUELAB_BLESS").is_some() {
        std::fs::write(path, format!("{fingerprint}\n")).unwrap();
        return;
    }
    let golden = std::fs::read_to_string(path).expect("the recorded fingerprint");
    assert_eq!(
        fingerprint,
        golden.trim(),
        "a hooks run changed; if intended, rerun with QUEUELAB_BLESS=1"
    );
}

/// The "Build it" PI controller (exercises/68-build-pid.toml) is the built-in `kind = "pid"`
/// with Kd = 0, line for line: the two runs are identical.
#[test]
fn the_pi_controller_exercise_matches_the_built_in_pid_bit_for_bit() {
    use queuelab::policy::autoscale::PidConfig;
    use queuelab::scenario::AutoscalerConfig;
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/exercises/68-build-pid.toml"
    ))
    .unwrap();
    let exercise = queuelab::exercise::Exercise::parse(&text, "68.toml").unwrap();
    let scripted = exercise.config_with(&exercise.solution_values()).unwrap();
    let mut built_in = scripted.clone();
    built_in.autoscaler = Some(AutoscalerConfig::Pid(PidConfig {
        interval: queuelab::time::SimDuration::from_millis(500),
        min_workers: 2,
        max_workers: 60,
        target_utilization: 0.7,
        kp: 10.0,
        ki: 5.0,
        kd: 0.0,
    }));
    let (scripted, built_in) = (Engine::new(&scripted).run(), Engine::new(&built_in).run());
    assert!(scripted.pool.resizes > 100, "{:?}", scripted.pool);
    assert_eq!(scripted, built_in);
}

#[test]
fn what_a_script_prints_is_kept_with_its_time_and_bounded() {
    let code = "fn desired_workers(pool) {\n    if pool.now <= 3.0 { print(`at ${pool.now}: ${pool.workers} workers`); }\n    for i in 0..10 { debug(\"tick\"); }\n    pool.workers\n}\n";
    let summary = Engine::new(&config(&with_code(code))).run();
    let console = &summary.script_console;
    assert_eq!(console.len(), 500, "each script keeps its first 500 lines");
    assert_eq!(console[0].hook, "autoscaler");
    assert_eq!(
        (console[0].at_seconds, console[0].text.as_str()),
        (1.0, "at 1.0: 2 workers")
    );
    assert!(console
        .windows(2)
        .all(|w| w[0].at_seconds <= w[1].at_seconds));
    let quiet = Engine::new(&config(&with_code(STEP_UP))).run();
    assert!(quiet.script_console.is_empty());
}

/// A limiter script runs on the worker threads: one nested as deep as the sandbox allows must
/// not overflow their stacks (it aborted the process once).
#[test]
fn a_deeply_nested_limiter_script_runs_on_real_threads() {
    let _one = crate::threads::ONE_AT_A_TIME.lock();
    let text = format!(
        "{}[limiter]\nkind = \"script\"\nlimit = 20\ncode = '''\nfn f(n) {{ if n <= 1 {{ 1 }} else {{ ((((((((f(n - 1) + 1) + 1) + 1) + 1) + 1) + 1) + 1) + 1) }} }}\nfn new_limit(sample) {{ f(15) * 0 + sample.limit }}\n'''\n",
        SPIKE
            .split("[autoscaler]")
            .next()
            .unwrap()
            .replace("duration = \"2m\"", "duration = \"5s\"")
    );
    let config = config(&text);
    let simulated = Engine::new(&config).run();
    assert!(
        simulated.script_error.is_none(),
        "{:?}",
        simulated.script_error
    );
    let options = queuelab::threads::ThreadOptions {
        time_scale: 0.05,
        ..Default::default()
    };
    let real = queuelab::threads::run(&config, &options).unwrap().summary;
    assert!(
        real.script_error.is_none() && real.completed > 0,
        "{:?}",
        real.script_error
    );
}

#[test]
fn an_error_in_code_written_with_escapes_names_its_place_in_the_code() {
    let text = format!(
        "{SPIKE}code = \"fn desired_workers(pool) {{\\n    let x = 1;\\n    x +* 2\\n}}\"\n"
    );
    let error = queuelab::scenario::parse(&text, "s.toml")
        .unwrap_err()
        .to_string();
    let code_line = text.lines().position(|l| l.starts_with("code = ")).unwrap() + 1;
    assert!(
        error.starts_with(&format!("s.toml:{code_line}:")),
        "{error}"
    );
    assert!(error.contains("(line 3, column"), "{error}");
}
