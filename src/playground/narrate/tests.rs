use super::*;
use crate::playground::Session;

/// Evenly spaced arrivals every 100 ms, 250 ms of work each, one worker, one queue slot.
fn tiny(extra: &str) -> Config {
    crate::scenario::parse(
        &format!(
            "[run]\nduration = \"1s\"\n[arrivals]\nprocess = \"constant\"\nrate = 10\n\
             [service]\ndistribution = \"constant\"\nmean = \"250ms\"\n[pool]\nworkers = 1\n\
             [queue]\ncapacity = 1\n{extra}"
        ),
        "tiny.toml",
    )
    .unwrap()
}

/// Every sentence of a run stepped to its end (a hang guard of 1000 steps).
fn stepped(config: Config) -> Vec<String> {
    let names = station_names(&config);
    let mut session = Session::new(config);
    let mut said = Vec::new();
    for _ in 0..1000 {
        if session.is_finished() {
            return said;
        }
        said.push(session.step(&names));
    }
    panic!("not finished in 1000 steps: {said:#?}");
}

fn first_with<'a>(said: &'a [String], words: &str) -> &'a str {
    said.iter()
        .find(|s| s.contains(words))
        .unwrap_or_else(|| panic!("no step says {words:?}: {said:#?}"))
}

#[test]
fn stepping_a_tiny_run_tells_each_job_in_words() {
    let said = stepped(tiny(""));
    assert_eq!(
        first_with(&said, "job 1 "),
        "t = 0.100 s: job 1 started on worker 0 (it arrived to an idle worker)."
    );
    assert_eq!(
        first_with(&said, "job 2 "),
        "t = 0.200 s: job 2 arrived and waits in the queue (0 ahead of it)."
    );
    assert_eq!(
        first_with(&said, "job 3 "),
        "t = 0.300 s: job 3 rejected: queue full."
    );
    assert_eq!(
        first_with(&said, "job 1 done"),
        "t = 0.350 s: job 1 done; job 2 started on worker 0."
    );
    assert!(
        said[..said.len() - 1]
            .iter()
            .all(|s| s.starts_with("t = ") && s.contains("job ")),
        "timers pass silently: every step moves a job: {said:#?}"
    );
    assert!(said.iter().all(|s| s.ends_with('.')));
}

#[test]
fn timeouts_drops_and_blocked_senders_are_told_with_their_reason() {
    let said = stepped(tiny("[deadline]\ntimeout = \"120ms\"\n"));
    first_with(&said, "job 1 timed out: its client gave up");
    let said = stepped(tiny("on_full = \"drop-oldest\"\n"));
    first_with(
        &said,
        "job 2 dropped: pushed out of the full queue by a newer job",
    );
    let said = stepped(tiny("on_full = \"block\"\n"));
    first_with(&said, "job 3 waits outside: the queue is full");
    first_with(&said, "job 3 got a slot in the queue after waiting outside");
}

#[test]
fn stations_are_named_in_pipelines_and_shards() {
    let stages = "[[stages]]\nname = \"resize\"\nworkers = 1\nbuffer = 1\n\
                  service = { distribution = \"constant\", mean = \"1s\" }\n";
    let config = tiny(stages);
    assert_eq!(station_names(&config), ["pool", "stage resize"]);
    let said = stepped(config);
    first_with(&said, "job 1 started on worker 1 at stage resize");
    assert_eq!(station_names(&tiny("")), [""], "a lone pool needs no name");
}

#[test]
fn exits_read_as_plain_words() {
    assert_eq!(how_words(How::Done), "done");
    assert_eq!(
        how_words(How::Rejected(RejectReason::RateLimited)),
        "rejected: rate limited (no token)"
    );
    assert_eq!(
        how_words(How::Failed(FailReason::BreakerOpen)),
        "failed: the circuit breaker is open"
    );
    let hedge = JobMark {
        id: 7,
        class: 0,
        hedge: true,
    };
    assert_eq!(job_name(&hedge), "job 7 (hedge)");
}
