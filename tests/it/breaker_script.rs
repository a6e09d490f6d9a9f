//! `[breaker] kind = "script"`: the learner's circuit breaker — `fn allow(request)` before every
//! call, `fn record(result)` after — fails calls fast while the dependency is sick, in the
//! simulator and on real threads, and its `state` is what the chart and the summary show.

use crate::support::{assert_every_request_counted_once, config};
use queuelab::report::Summary;
use queuelab::sim::Engine;

/// scenarios/breaker.toml's dependency: 20× slower and failing half its calls from 2:00 to 4:00.
fn base(extra: &str) -> String {
    format!(
        "[run]\nseed = 6\nduration = \"6m\"\n\
         [arrivals]\nprocess = \"poisson\"\nrate = 150\n\
         [service]\ndistribution = \"constant\"\nmean = \"5ms\"\n[pool]\nworkers = 8\n\
         [queue]\ncapacity = 200\n\
         [downstream]\nlatency = {{ distribution = \"exponential\", mean = \"20ms\" }}\nerror_rate = 0.001\n\
         incidents = [{{ from = \"2m\", to = \"4m\", slowdown = 20, error_rate = 0.5 }}]\n{extra}"
    )
}

fn script(code: &str) -> String {
    base(&format!(
        "[breaker]\nkind = \"script\"\ncode = '''{code}'''\n"
    ))
}

fn run(text: &str) -> Summary {
    Engine::new(&config(text)).run()
}

/// Seed book 002 T14: open after 5 failed or slow (> 200 ms) calls of the last 10, wait 10 s,
/// then let 3 trial calls through; all three fine closes it, any bad one opens it again.
const THREE_STATES: &str = r#"
let state = "closed";
let recent = [];
let opened_at = 0.0;
let trials = 0;
let good_trials = 0;
fn allow(request) {
    if state == "open" && request.now - opened_at >= 10.0 {
        state = "half_open"; trials = 0; good_trials = 0;
    }
    if state == "closed" { return true; }
    if state == "half_open" && trials < 3 { trials += 1; return true; }
    false
}
fn record(result) {
    let bad = result.failed || result.latency > 0.2;
    if state == "half_open" {
        if bad { state = "open"; opened_at = result.now; return; }
        good_trials += 1;
        if good_trials == 3 { state = "closed"; recent = []; }
        return;
    }
    if state != "closed" { return; }
    recent.push(bad);
    if recent.len() > 10 { recent.remove(0); }
    let bad_count = 0;
    for b in recent { if b { bad_count += 1; } }
    if recent.len() == 10 && bad_count >= 5 { state = "open"; opened_at = result.now; }
}
"#;

#[test]
fn a_three_state_breaker_script_fails_fast_through_the_incident() {
    let unguarded = run(&base(""));
    let guarded = run(&script(THREE_STATES));
    let open = |s: &Summary| s.failed_by_reason.get("breaker_open").copied().unwrap_or(0);
    assert!(open(&guarded) > 1_000, "failed fast: {}", open(&guarded));
    assert_eq!(open(&unguarded), 0);
    // Workers no longer wait 400 ms on doomed calls: the queue does not fill.
    assert!(
        guarded.rejected * 10 < unguarded.rejected,
        "{} vs {}",
        guarded.rejected,
        unguarded.rejected
    );
    assert!(guarded.latency.p99 < unguarded.latency.p99 / 5.0);
    // Open, half-open, open again, …: the script's own `state` is what is counted.
    assert!(
        (4..=60).contains(&guarded.breaker_transitions),
        "{}",
        guarded.breaker_transitions
    );
    assert!(guarded.script_error.is_none());
}

#[test]
fn a_failing_breaker_script_stops_the_run_where_it_failed() {
    let summary = run(&script(
        "fn allow(request) { true }\nfn record(result) {\n  if result.now > 130.0 { print(result); let x = [1][3]; }\n}",
    ));
    let error = summary.script_error.as_ref().expect("the run stopped");
    assert_eq!(error.hook, "breaker");
    assert_eq!(error.line, 3);
    assert!(summary.truncated);
    assert!(
        (130.0..131.0).contains(&error.at_seconds),
        "{}",
        error.at_seconds
    );
    let line = &summary.script_console[0];
    assert_eq!(line.hook, "breaker");
    assert!(line.text.contains("latency: "), "{}", line.text);
}

#[test]
fn a_breaker_script_is_checked_and_refuses_the_built_in_fields() {
    let refuse = |text: &str, expected: &str| {
        let error = queuelab::scenario::parse(text, "b.toml")
            .unwrap_err()
            .to_string();
        assert!(error.contains(expected), "{text}\n{error}");
    };
    refuse(
        &base("[breaker]\nkind = \"script\"\nwait_in_open = \"5s\"\ncode = '''fn allow(c) { true }\nfn record(r) { }'''\n"),
        "breaker.wait_in_open: applies only to kind = \"resilience4j\"",
    );
    refuse(
        &script("fn allow(request) { true }"),
        "must define `fn record(result)",
    );
    refuse(
        &base("[breaker]\nkind = \"script\"\n"),
        "breaker.code: is required for kind = \"script\"",
    );
    refuse(
        &base("[breaker]\ncode = \"fn allow(c) { true }\"\n"),
        "breaker.code: applies only to kind = \"script\"",
    );
    refuse(
        "[run]\ncustomers = 10\n[arrivals]\nprocess = \"poisson\"\nrate = 1\n[service]\ndistribution = \"exponential\"\nmean = \"1s\"\n[pool]\nworkers = 1\n[breaker]\nkind = \"script\"\ncode = '''fn allow(c) { true }\nfn record(r) { }'''\n",
        "[downstream]",
    );
}

#[test]
fn a_breaker_script_runs_on_real_threads() {
    let _one = crate::threads::ONE_AT_A_TIME.lock();
    let text = script(THREE_STATES)
        .replace("duration = \"6m\"", "duration = \"6s\"")
        .replace("from = \"2m\", to = \"4m\"", "from = \"1s\", to = \"5s\"")
        .replace(
            "request.now - opened_at >= 10.0",
            "request.now - opened_at >= 1.0",
        );
    let config = config(&text);
    let options = queuelab::threads::ThreadOptions {
        time_scale: 0.5,
        ..Default::default()
    };
    let real = queuelab::threads::run(&config, &options).unwrap().summary;
    let open = real
        .failed_by_reason
        .get("breaker_open")
        .copied()
        .unwrap_or(0);
    assert!(open > 0, "real threads failed fast: {open}");
    assert!(
        real.breaker_transitions >= 2,
        "{}",
        real.breaker_transitions
    );
    assert!(real.script_error.is_none());
    assert_every_request_counted_once(&real);
}
