//! `[queue] on_full = "script"`: the learner's `fn on_full(offer)` decides what a full queue does
//! with each newcomer — each built-in policy written as a script is the same run bit for bit,
//! and a script can choose per class, in the simulator and on real threads.

use crate::support::{assert_every_request_counted_once, config};
use queuelab::report::Summary;
use queuelab::sim::Engine;

/// Two classes at 120 % of 4 workers' capacity, behind a queue of 20.
fn base(queue: &str) -> String {
    format!(
        "[run]\nseed = 4\nduration = \"2m\"\n\
         [service]\ndistribution = \"exponential\"\nmean = \"100ms\"\n[pool]\nworkers = 4\n\
         [[classes]]\nname = \"checkout\"\narrivals = {{ process = \"poisson\", rate = 16 }}\n\
         [[classes]]\nname = \"beacon\"\narrivals = {{ process = \"poisson\", rate = 32 }}\n\
         [queue]\ncapacity = 20\n{queue}"
    )
}

fn script(code: &str) -> String {
    base(&format!("on_full = \"script\"\ncode = '''{code}'''\n"))
}

fn run(text: &str) -> Summary {
    Engine::new(&config(text)).run()
}

fn json(summary: &Summary) -> String {
    let mut value = serde_json::to_value(summary).unwrap();
    value.as_object_mut().unwrap().remove("script_console");
    value.to_string()
}

#[test]
fn each_built_in_policy_written_as_a_script_is_the_same_run() {
    for (built_in, answer) in [
        ("on_full = \"reject\"\n", "\"reject\""),
        ("on_full = \"drop-oldest\"\n", "\"drop_oldest\""),
        ("on_full = \"block\"\n", "\"wait\""),
        ("on_full = \"timeout\"\ntimeout = \"250ms\"\n", "0.25"),
    ] {
        let expected = run(&base(built_in));
        let scripted = run(&script(&format!("fn on_full(offer) {{ {answer} }}")));
        assert_eq!(json(&scripted), json(&expected), "{built_in}");
    }
}

#[test]
fn a_script_chooses_per_class() {
    let shed_all = run(&base("on_full = \"reject\"\n"));
    // Checkout waits up to 2 s for a slot; beacons are refused at once.
    let per_class = run(&script(
        "fn on_full(offer) { if offer.class == \"checkout\" { 2.0 } else { \"reject\" } }",
    ));
    let refused = |s: &Summary, class: &str| s.classes[class].rejected;
    assert!(
        refused(&shed_all, "checkout") > 100,
        "{}",
        refused(&shed_all, "checkout")
    );
    assert!(
        refused(&per_class, "checkout") * 10 < refused(&shed_all, "checkout"),
        "{} vs {}",
        refused(&per_class, "checkout"),
        refused(&shed_all, "checkout")
    );
    assert!(refused(&per_class, "beacon") > refused(&shed_all, "beacon"));
    assert!(per_class.script_error.is_none());
}

#[test]
fn a_failing_overflow_script_stops_the_run_where_it_failed() {
    let summary = run(&script(
        "fn on_full(offer) {\n  if offer.now > 30.0 { print(offer); return \"later\"; }\n  \"reject\"\n}",
    ));
    let error = summary.script_error.as_ref().expect("the run stopped");
    assert_eq!(error.hook, "overflow");
    assert!(
        error.message.contains("on_full returned \"later\""),
        "{}",
        error.message
    );
    assert!(summary.truncated);
    assert!(
        (30.0..32.0).contains(&error.at_seconds),
        "{}",
        error.at_seconds
    );
    let line = &summary.script_console[0];
    assert_eq!(line.hook, "overflow");
    assert!(line.text.contains("capacity: 20"), "{}", line.text);
}

#[test]
fn an_overflow_script_is_checked() {
    let refuse = |text: &str, expected: &str| {
        let error = queuelab::scenario::parse(text, "q.toml")
            .unwrap_err()
            .to_string();
        assert!(error.contains(expected), "{text}\n{error}");
    };
    refuse(
        &base("on_full = \"script\"\n"),
        "queue.code: is required for on_full = \"script\"",
    );
    refuse(
        &base("on_full = \"reject\"\ncode = \"fn on_full(o) { 1 }\"\n"),
        "queue.code: applies only to on_full = \"script\"",
    );
    refuse(
        &script("fn full(offer) { \"reject\" }"),
        "must define `fn on_full(offer)",
    );
    refuse(
        &script("fn on_full(offer) { \"reject\" }").replace("capacity = 20\n", ""),
        "needs a bounded queue",
    );
}

#[test]
fn an_overflow_script_runs_on_real_threads() {
    let _one = crate::threads::ONE_AT_A_TIME.lock();
    let text =
        script("fn on_full(offer) { if offer.class == \"checkout\" { 2.0 } else { \"reject\" } }")
            .replace("duration = \"2m\"", "duration = \"4s\"");
    let config = config(&text);
    let options = queuelab::threads::ThreadOptions {
        time_scale: 0.5,
        ..Default::default()
    };
    let real = queuelab::threads::run(&config, &options).unwrap().summary;
    assert!(real.classes["beacon"].rejected > 0, "beacons refused");
    assert!(real.script_error.is_none());
    assert_every_request_counted_once(&real);
}
