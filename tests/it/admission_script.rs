//! `[admission] kind = "script"`: the learner's `fn admit(request)` lets each request in, turns
//! it away or holds it back — in the simulator and on real threads — and agrees with the built-in
//! token bucket it reimplements.

use crate::support::{assert_every_request_counted_once, config};
use queuelab::sim::Engine;

/// 40 requests a second against 8 workers of 100 ms (80/s of capacity), with a burst at 1:00.
fn base(extra: &str) -> String {
    format!(
        "[run]\nseed = 5\nduration = \"3m\"\n\
         [arrivals]\nprocess = \"poisson\"\nrate = 40\n\
         [service]\ndistribution = \"exponential\"\nmean = \"100ms\"\n[pool]\nworkers = 8\n{extra}"
    )
}

/// A token bucket of 30 a second with a burst of 10, refusing when empty: `[rate_limit]`
/// written as a script.
const BUCKET: &str = r#"
let tokens = 10.0;
let last = 0.0;
fn admit(request) {
    tokens = min(10.0, tokens + (request.now - last) * 30.0);
    last = request.now;
    if tokens < 1.0 { return "reject"; }
    tokens -= 1.0;
    "accept"
}
"#;

#[test]
fn a_token_bucket_script_refuses_what_the_built_in_bucket_refuses() {
    let built_in = Engine::new(&config(&base(
        "[rate_limit]\nrate = 30\nburst = 10\non_limit = \"reject\"\n",
    )))
    .run();
    let scripted = Engine::new(&config(&base(&format!(
        "[admission]\nkind = \"script\"\ncode = '''{BUCKET}'''\n"
    ))))
    .run();
    let refused_by = |summary: &queuelab::report::Summary, reason: &str| {
        summary.rejected_by_reason.get(reason).copied().unwrap_or(0) as f64
    };
    let (built, script) = (
        refused_by(&built_in, "rate_limited"),
        refused_by(&scripted, "admission"),
    );
    assert!(built > 1_000.0, "the bucket binds: {built}");
    // Seconds as floats against the bucket's nanosecond clock: a request in a few thousand
    // may land on the other side of a token.
    assert!(
        (script - built).abs() / built < 0.005,
        "script refused {script}, the built-in bucket {built}"
    );
    assert_eq!(scripted.arrivals, built_in.arrivals);
}

#[test]
fn a_delay_holds_the_request_back_and_one_past_the_deadline_refuses_it() {
    // Every other request waits 50 ms; a request with less than 50 ms left is refused.
    let code = "let n = 0;\nfn admit(request) { n += 1; if n % 2 == 0 { 0.05 } else { true } }";
    let held = Engine::new(&config(&base(&format!(
        "[admission]\nkind = \"script\"\ncode = '''{code}'''\n"
    ))))
    .run();
    let free = Engine::new(&config(&base(""))).run();
    // Half the requests wait 50 ms more: the mean latency rises by about 25 ms.
    let added = held.latency.mean - free.latency.mean;
    assert!((added - 0.025).abs() < 0.004, "added {added}");
    let impatient = Engine::new(&config(&base(&format!(
        "[deadline]\ntimeout = \"40ms\"\n[admission]\nkind = \"script\"\ncode = '''{code}'''\n"
    ))))
    .run();
    let refused = impatient
        .rejected_by_reason
        .get("admission")
        .copied()
        .unwrap_or(0);
    assert!(
        (refused as f64 - impatient.arrivals as f64 / 2.0).abs() < 2.0,
        "{refused} of {}",
        impatient.arrivals
    );
}

#[test]
fn a_per_tenant_script_sees_classes_and_in_flight() {
    let tenants = "[[classes]]\nname = \"noisy\"\narrivals = { process = \"poisson\", rate = 150 }\n\
                   [[classes]]\nname = \"quiet\"\narrivals = { process = \"poisson\", rate = 10 }\n";
    let text = base(tenants).replace("[arrivals]\nprocess = \"poisson\"\nrate = 40\n", "");
    let unguarded = Engine::new(&config(&text)).run();
    let code = "fn admit(request) { !(request.class == \"noisy\" && request.in_flight >= 6) }";
    let guarded = Engine::new(&config(&format!(
        "{text}[admission]\nkind = \"script\"\ncode = '''{code}'''\n"
    )))
    .run();
    let quiet_p99 = |s: &queuelab::report::Summary| s.classes["quiet"].latency.p99;
    assert!(quiet_p99(&unguarded) > 1.0, "{}", quiet_p99(&unguarded));
    assert!(quiet_p99(&guarded) < 0.5, "{}", quiet_p99(&guarded));
    assert_eq!(guarded.classes["quiet"].rejected, 0);
    assert!(guarded.classes["noisy"].rejected > 1_000);
}

#[test]
fn a_failing_admission_script_stops_the_run_and_its_prints_are_kept() {
    let code =
        "fn admit(request) { if request.now > 10.0 { print(request); return \"perhaps\"; } true }";
    let summary = Engine::new(&config(&base(&format!(
        "[admission]\nkind = \"script\"\ncode = '''{code}'''\n"
    ))))
    .run();
    let error = summary
        .script_error
        .as_ref()
        .expect("the run stopped on the fault");
    assert_eq!(error.hook, "admission");
    assert!(error.message.contains("\"perhaps\""), "{}", error.message);
    assert!(summary.truncated);
    assert!(
        (10.0..10.5).contains(&error.at_seconds),
        "{}",
        error.at_seconds
    );
    let line = &summary.script_console[0];
    assert_eq!(line.hook, "admission");
    assert!(line.text.starts_with("#{now: 10."), "{}", line.text);
}

#[test]
fn admission_is_checked_like_every_script_and_kept_apart_from_the_rate_limit() {
    let refuse = |extra: &str, expected: &str| {
        let error = queuelab::scenario::parse(&base(extra), "a.toml")
            .unwrap_err()
            .to_string();
        assert!(error.contains(expected), "{extra}\n{error}");
    };
    refuse(
        "[admission]\ncode = \"fn admit(r) { true }\"\n",
        "admission.kind: is required",
    );
    refuse(
        "[admission]\nkind = \"script\"\n",
        "admission.code: is required for kind = \"script\"",
    );
    refuse(
        "[admission]\nkind = \"script\"\ncode = \"fn new_limit(sample) { 1 }\"\n",
        "must define `fn admit(request)",
    );
    refuse(
        "[rate_limit]\nrate = 5\n[admission]\nkind = \"script\"\ncode = \"fn admit(r) { true }\"\n",
        "cannot be combined with [rate_limit]",
    );
}

#[test]
fn an_admission_script_runs_on_real_threads() {
    let _one = crate::threads::ONE_AT_A_TIME.lock();
    let text = base(&format!(
        "[admission]\nkind = \"script\"\ncode = '''{BUCKET}'''\n"
    ))
    .replace("duration = \"3m\"", "duration = \"4s\"")
    .replace("rate = 40", "rate = 60");
    let config = config(&text);
    let options = queuelab::threads::ThreadOptions {
        time_scale: 0.5,
        ..Default::default()
    };
    let real = queuelab::threads::run(&config, &options).unwrap().summary;
    let sim = Engine::new(&config).run();
    let refused = |s: &queuelab::report::Summary| {
        s.rejected_by_reason.get("admission").copied().unwrap_or(0) as f64
    };
    assert!(refused(&sim) > 50.0, "{}", refused(&sim));
    // Real clocks: the bucket refills by the machine's time, so within a few per cent.
    assert!(
        (refused(&real) - refused(&sim)).abs() / refused(&sim) < 0.15,
        "real {} vs simulated {}",
        refused(&real),
        refused(&sim)
    );
    assert!(real.script_error.is_none());
    assert_every_request_counted_once(&real);
}

#[test]
fn the_losses_chart_shows_the_admission_scripts_share_of_the_refusals() {
    use queuelab::chart::ChartKind;
    let scripted = config(&base(&format!(
        "[admission]\nkind = \"script\"\ncode = '''{BUCKET}'''\n"
    )));
    let (summary, series) = Engine::new(&scripted).run_with_series();
    let per_interval: f64 = series
        .points()
        .iter()
        .map(|p| p.admission_rejected * (p.end - p.start))
        .sum();
    let refused = summary.rejected_by_reason["admission"] as f64;
    assert!(
        (per_interval - refused).abs() < 1e-6 * refused.max(1.0),
        "the series adds up to the summary: {per_interval} vs {refused}"
    );
    assert!(series
        .points()
        .iter()
        .all(|p| p.admission_rejected <= p.rejected + 1e-9));
    let curves = ChartKind::Drops.curves(&series);
    let share = curves
        .iter()
        .find(|c| c.label == "of those, by the admission policy")
        .expect("the admission policy's line");
    assert!(share.dashed, "a share of 'rejected', dashed in its colour");
    assert_eq!(
        share.color,
        curves.iter().find(|c| c.label == "rejected").unwrap().color
    );

    // A queue that sheds but no admission policy: no such line.
    let shedding = config(&base("[queue]\ncapacity = 2\non_full = \"reject\"\n"));
    let (_, series) = Engine::new(&shedding).run_with_series();
    let curves = ChartKind::Drops.curves(&series);
    assert!(curves.iter().any(|c| c.label == "rejected"));
    assert!(
        curves.iter().all(|c| !c.dashed),
        "no dashed line without an admission policy"
    );
}
