//! `[retry] kind = "script"`: the learner's `fn retry(failure)` backs off or gives up after each
//! attempt that went wrong — in the simulator and on real threads — and, written as the built-in
//! exponential backoff with full jitter, reproduces it bit for bit.

use crate::support::{assert_every_request_counted_once, config};
use queuelab::report::Summary;
use queuelab::sim::Engine;

/// 150 requests a second of 5 ms work and a 20 ms call to a dependency that goes bad from 1:00
/// to 2:00 (half its calls fail), behind a breaker.
fn base(extra: &str) -> String {
    format!(
        "[run]\nseed = 11\nduration = \"3m\"\n\
         [arrivals]\nprocess = \"poisson\"\nrate = 150\n\
         [service]\ndistribution = \"constant\"\nmean = \"5ms\"\n[pool]\nworkers = 8\n\
         [queue]\ncapacity = 200\n\
         [downstream]\nlatency = {{ distribution = \"exponential\", mean = \"20ms\" }}\nerror_rate = 0.01\n\
         incidents = [{{ from = \"1m\", to = \"2m\", error_rate = 0.5 }}]\n\
         [breaker]\nwindow_size = 50\nminimum_calls = 20\nfailure_rate_threshold = 30\nwait_in_open = \"5s\"\n\
         {extra}"
    )
}

fn script(code: &str, extra: &str) -> String {
    base(&format!(
        "[retry]\nkind = \"script\"\nmax_attempts = 4\n{extra}code = '''{code}'''\n"
    ))
}

fn run(text: &str) -> Summary {
    Engine::new(&config(text)).run()
}

/// The built-in backoff (100 ms doubling, capped at 10 s, full jitter), written by hand.
const BACKOFF: &str =
    "fn retry(failure) { min(10.0, 0.1 * 2 ** failure.attempt) * failure.random }";

#[test]
fn the_built_in_backoff_written_as_a_script_is_the_same_run_bit_for_bit() {
    let built_in = run(&base(
        "[retry]\nmax_attempts = 4\nbackoff = \"100ms\"\nmultiplier = 2\nmax_backoff = \"10s\"\njitter = \"full\"\n",
    ));
    let scripted = run(&script(BACKOFF, ""));
    assert!(
        built_in.retries > 1_000,
        "retries bind: {}",
        built_in.retries
    );
    let json = |s: &Summary| {
        let mut value = serde_json::to_value(s).unwrap();
        value.as_object_mut().unwrap().remove("script_console");
        value.to_string()
    };
    assert_eq!(json(&scripted), json(&built_in));
}

#[test]
fn a_script_that_never_retries_an_open_breaker_retries_less_and_fails_fast() {
    let every = run(&script(BACKOFF, ""));
    let transient = run(&script(
        "fn retry(failure) {\n\
           if failure.reason == \"breaker_open\" { return false; }\n\
           min(10.0, 0.1 * 2 ** failure.attempt) * failure.random\n\
         }",
        "",
    ));
    assert!(
        transient.retries * 2 < every.retries,
        "{} vs {}",
        transient.retries,
        every.retries
    );
    let open = |s: &Summary| s.failed_by_reason.get("breaker_open").copied().unwrap_or(0);
    assert!(
        open(&transient) > open(&every),
        "{} vs {}",
        open(&transient),
        open(&every)
    );
    assert_eq!(transient.arrivals, every.arrivals);
}

#[test]
fn the_attempt_cap_and_the_budget_still_bind_a_script_that_always_retries() {
    let capped = run(&script("fn retry(failure) { 0.01 }", ""));
    let budgeted = run(&script("fn retry(failure) { 0.01 }", "budget = 0.05\n"));
    assert!(capped.retries > 0);
    // At most 3 retries per request, and a budget of 5 % keeps them near 5 % of requests.
    assert!(capped.retries <= 3 * capped.arrivals);
    let share = budgeted.retries as f64 / budgeted.arrivals as f64;
    assert!(share <= 0.051, "{share}");
}

#[test]
fn a_failing_retry_script_stops_the_run_where_it_failed() {
    let summary = run(&script(
        "fn retry(failure) {\n  if failure.now > 70.0 { print(failure); return [1]; }\n  0.1\n}",
        "",
    ));
    let error = summary.script_error.as_ref().expect("the run stopped");
    assert_eq!(error.hook, "retry");
    assert!(
        error.message.contains("retry returned a array"),
        "{}",
        error.message
    );
    assert!(summary.truncated);
    assert!(
        (70.0..75.0).contains(&error.at_seconds),
        "{}",
        error.at_seconds
    );
    let line = &summary.script_console[0];
    assert_eq!(line.hook, "retry");
    assert!(line.text.contains("error: \""), "{}", line.text);
}

#[test]
fn a_retry_script_is_checked_and_refuses_the_backoff_fields() {
    let refuse = |text: &str, expected: &str| {
        let error = queuelab::scenario::parse(text, "r.toml")
            .unwrap_err()
            .to_string();
        assert!(error.contains(expected), "{text}\n{error}");
    };
    refuse(
        &script(BACKOFF, "backoff = \"1s\"\njitter = \"none\"\n"),
        "retry.backoff: applies only to kind = \"backoff\"",
    );
    refuse(
        &script(BACKOFF, "jitter = \"none\"\n"),
        "retry.jitter: applies only",
    );
    refuse(
        &base("[retry]\nkind = \"script\"\n"),
        "retry.code: is required for kind = \"script\"",
    );
    refuse(
        &base("[retry]\ncode = \"fn retry(f) { 1 }\"\n"),
        "retry.code: applies only to kind = \"script\"",
    );
    refuse(&script("fn retry(failure) {\n  0.1 +\n}", ""), "retry.code");
    refuse(
        &script("fn admit(request) { true }", ""),
        "must define `fn retry(failure)",
    );
    refuse(&base("[retry]\nkind = \"later\"\n"), "retry.kind");
}

#[test]
fn a_retry_script_runs_on_real_threads() {
    let _one = crate::threads::ONE_AT_A_TIME.lock();
    let text = script(
        "fn retry(failure) { if failure.error == \"failed\" { 0.02 } else { false } }",
        "",
    )
    .replace("duration = \"3m\"", "duration = \"4s\"")
    .replace("from = \"1m\", to = \"2m\"", "from = \"1s\", to = \"3s\"");
    let config = config(&text);
    let options = queuelab::threads::ThreadOptions {
        time_scale: 0.5,
        ..Default::default()
    };
    let real = queuelab::threads::run(&config, &options).unwrap().summary;
    let sim = Engine::new(&config).run();
    assert!(sim.retries > 20, "{}", sim.retries);
    assert!(real.retries > 0, "real threads retried: {}", real.retries);
    assert!(real.script_error.is_none());
    assert_every_request_counted_once(&real);
}
