//! A run whose next event would fall past the end of the simulated clock (2⁶⁴ ns, 584 years)
//! stops at the last instant it can represent and says so, in the engine, the CLI (exit 1) and
//! the playground's session, instead of reporting jobs that took 0 s at a saturated clock.

use crate::cli::{queuelab, scratch, stderr, stdout};
use queuelab::playground::{Session, Speed};
use queuelab::scenario::limits::CLOCK_SECONDS;
use queuelab::sim::Engine;

/// Legal values, each far below its limit, that still add up to centuries: a constant job of
/// 1 000 000 h (114 years) on one worker. The fifth finishes at 570 years, the sixth would finish
/// past the clock's end.
const CENTURIES: &str =
    "format_version = 1\nname = \"centuries\"\n[run]\nseed = 1\ncustomers = 100\n\
    [arrivals]\nprocess = \"poisson\"\nrate = 10\n[service]\ndistribution = \"constant\"\n\
    mean = \"1000000h\"\n[pool]\nworkers = 1\n";

const WHY: &str = "past the end of the simulated clock";

#[test]
fn the_engine_stops_at_the_clocks_end_with_faithful_numbers() {
    let config = crate::support::config(CENTURIES);
    let summary = Engine::new(&config).run();
    let at = summary
        .clock_end_at_seconds
        .expect("stopped at the clock's end");
    let job = 3.6e9;
    // The fifth job finished a little after 5 × 1 000 000 h; the sixth would end past 2⁶⁴ ns.
    assert!(at > 5.0 * job && at < CLOCK_SECONDS, "stopped at {at}");
    assert_eq!(summary.completed, 5, "{summary:#?}");
    assert!(summary.truncated);
    // What was measured is what happened: each job took exactly its 1 000 000 h, and the last
    // one waited for the four before it (no 0 latency from a saturated clock).
    assert_eq!(summary.service.mean, job);
    assert_eq!(summary.service.max, job);
    assert!(
        summary.latency.max >= 5.0 * job - 1.0,
        "{:?}",
        summary.latency
    );
    assert!(summary.sim_seconds <= CLOCK_SECONDS);
    let why = summary.cut_short().expect("a message");
    assert!(why.contains(WHY) && why.contains("584 years"), "{why}");
    assert!(why.contains("at t = 18"), "says when: {why}");
}

#[test]
fn a_maximal_slowdown_of_long_jobs_stops_the_run_rather_than_reporting_zeros() {
    // Each value is within its limit (slow_factor ≤ 10⁶); together they pass the clock's end.
    let text = CENTURIES
        .replace(
            "distribution = \"constant\"",
            "distribution = \"exponential\"",
        )
        .replace("1000000h", "1h")
        + "[chaos]\nslow_factor = 1e6\nslow_rate = 0.9\n";
    let summary = Engine::new(&crate::support::config(&text)).run();
    assert!(summary.clock_end_at_seconds.is_some(), "{summary:#?}");
    assert!(summary.service.p50 > 0.0 && summary.latency.p50 > 0.0);
}

#[test]
fn the_cli_fails_with_the_reason_and_sweeps_say_which_point() {
    let dir = scratch("clock-end");
    let file = dir.join("centuries.toml");
    std::fs::write(&file, CENTURIES).unwrap();
    let path = file.to_str().unwrap();

    let run = queuelab(&["run", path, "--format", "json"]);
    assert_eq!(run.status.code(), Some(1), "{}", stderr(&run));
    assert!(stderr(&run).contains(WHY), "{}", stderr(&run));
    let summary: serde_json::Value = serde_json::from_str(&stdout(&run)).unwrap();
    assert!(summary["clock_end_at_seconds"].as_f64().unwrap() > 1.8e10);
    assert_eq!(summary["truncated"], true);

    let sweep = queuelab(&["sweep", path, "--param", "service.mean=1s,1000000h", "-q"]);
    assert_eq!(sweep.status.code(), Some(1), "{}", stderr(&sweep));
    let message = stderr(&sweep);
    assert!(
        message.contains("service.mean = 1000000h") && message.contains(WHY),
        "{message}"
    );
    assert!(!message.contains("service.mean = 1s:"), "{message}");
}

#[test]
fn the_playground_session_shows_the_reason() {
    let mut session = Session::new(crate::support::config(CENTURIES));
    session.speed = Speed::Max;
    for _ in 0..1000 {
        if session.is_finished() {
            break;
        }
        session.frame(0.016, &|| 0.0, 1e9);
    }
    assert!(session.is_finished());
    let why = session.summary().cut_short().expect("the page shows why");
    assert!(why.contains(WHY), "{why}");
}
