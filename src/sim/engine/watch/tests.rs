use super::*;

/// Evenly spaced arrivals every 100 ms, 250 ms of work each, one worker, one queue slot.
fn tiny(extra: &str) -> Config {
    crate::scenario::parse(
        &format!(
            "[run]\nduration = \"2s\"\n[arrivals]\nprocess = \"constant\"\nrate = 10\n\
             [service]\ndistribution = \"constant\"\nmean = \"250ms\"\n[pool]\nworkers = 1\n\
             [queue]\ncapacity = 1\n{extra}"
        ),
        "tiny.toml",
    )
    .unwrap()
}

fn ids(jobs: &[JobMark]) -> Vec<u64> {
    jobs.iter().map(|job| job.id).collect()
}

fn on_worker(view: &WatchView) -> Option<u64> {
    view.stations[0].workers[0].job.map(|on| on.job.id)
}

/// Steps until `done` holds of the view (a hang guard of 1000 events).
fn step_until(engine: &mut Engine, done: impl Fn(&WatchView) -> bool) -> WatchView {
    for _ in 0..1000 {
        let view = engine.watch(64);
        if done(&view) {
            return view;
        }
        assert!(engine.step(), "the run ended first");
    }
    panic!("not reached in 1000 events");
}

#[test]
fn the_view_follows_jobs_into_the_queue_onto_the_worker_and_out() {
    let mut engine = Engine::new(&tiny(""));
    engine.watch_exits(true);
    let view = step_until(&mut engine, |view| on_worker(view).is_some());
    assert_eq!(
        on_worker(&view),
        Some(1),
        "the first job went straight to the worker"
    );
    assert!(view.stations[0].queued.is_empty());
    let on = view.stations[0].workers[0].job.unwrap();
    assert_eq!(on.ends.unwrap() - on.started, SimDuration::from_millis(250));
    assert_eq!(on.progress(on.started), 0.0);

    let view = step_until(&mut engine, |view| !view.stations[0].queued.is_empty());
    assert_eq!(
        ids(&view.stations[0].queued),
        [2],
        "the second waits in the slot"
    );
    assert_eq!(on_worker(&view), Some(1));
    assert!(
        (on.progress(view.now) - 0.4).abs() < 1e-9,
        "100 of 250 ms done"
    );

    let view = step_until(&mut engine, |view| view.exits_noted > 0);
    assert_eq!(view.exits.len(), 1);
    let exit = view.exits[0];
    assert_eq!(exit.job.id, 3, "the third finds the slot taken");
    assert_eq!(exit.how, How::Rejected(RejectReason::QueueFull));
    assert_eq!(ids(&view.stations[0].queued), [2]);

    let view = step_until(&mut engine, |view| view.exits_noted > 1);
    assert_eq!(view.exits[1].job.id, 1);
    assert_eq!(view.exits[1].how, How::Done);
    assert_eq!(
        on_worker(&view),
        Some(2),
        "the waiting job took the free worker"
    );
    assert!(view.stations[0].queued.is_empty());
    assert_eq!(view.exits[1].at, view.now);
}

#[test]
fn a_timed_out_job_stays_on_its_worker_abandoned_and_a_queued_one_leaves() {
    let mut engine = Engine::new(&tiny("[deadline]\ntimeout = \"120ms\"\n"));
    engine.watch_exits(true);
    let view = step_until(&mut engine, |view| view.exits_noted > 0);
    assert_eq!(view.exits[0].job.id, 1);
    assert_eq!(view.exits[0].how, How::TimedOut);
    let on = view.stations[0].workers[0].job.unwrap();
    assert_eq!(on.job.id, 1, "the worker finishes it anyway");
    assert!(on.abandoned);
    let view = step_until(&mut engine, |view| view.exits.iter().any(|e| e.job.id == 2));
    assert_eq!(
        view.exits[1].job.id, 3,
        "the third found the slot taken meanwhile"
    );
    assert_eq!(view.exits[2].job.id, 2, "the queued one gave up too");
    assert_eq!(view.exits[2].how, How::TimedOut);
    assert!(view.stations[0].queued.is_empty());
}

#[test]
fn drop_oldest_and_blocked_senders_are_seen() {
    let mut engine = Engine::new(&tiny("on_full = \"drop-oldest\"\n"));
    engine.watch_exits(true);
    let view = step_until(&mut engine, |view| view.exits_noted > 0);
    assert_eq!(
        view.exits[0].job.id, 2,
        "the oldest waiting job is pushed out"
    );
    assert_eq!(view.exits[0].how, How::Dropped);
    assert_eq!(ids(&view.stations[0].queued), [3]);

    let mut engine = Engine::new(&tiny("on_full = \"block\"\n"));
    let view = step_until(&mut engine, |view| view.stations[0].blocked_total > 0);
    assert_eq!(
        ids(&view.stations[0].blocked),
        [3],
        "the third sender waits outside"
    );
    assert!(view.exits.is_empty(), "no log unless a watcher asked");
}

#[test]
fn pipelines_and_shards_show_every_station() {
    let stages = "[[stages]]\nname = \"b\"\nworkers = 2\nbuffer = 1\nservice = { distribution = \"constant\", mean = \"1s\" }\n";
    let mut engine = Engine::new(&tiny(stages));
    let view = step_until(&mut engine, |view| {
        view.stations[1].workers.iter().any(|w| w.job.is_some())
    });
    assert_eq!(view.stations.len(), 2);
    assert_eq!(view.stations[1].position, 1);
    assert_eq!(view.stations[1].workers_total, 2);
    let on = view.stations[1].workers.iter().find_map(|w| w.job).unwrap();
    assert_eq!(on.job.id, 1, "the first item moved on to stage b");
    assert_eq!(on.ends.unwrap() - on.started, SimDuration::from_secs(1));
}

#[test]
fn watching_changes_nothing_of_the_run() {
    let config = tiny("[deadline]\ntimeout = \"300ms\"\n");
    let plain = Engine::new(&config).run();
    let mut watched = Engine::new(&config);
    watched.watch_exits(true);
    while watched.step() {
        let _ = watched.watch(8);
    }
    let summary = watched.summary();
    assert_eq!(summary.fingerprint(), plain.fingerprint());
    let view = watched.watch(8);
    let noted = summary.completed + summary.rejected + summary.dropped + summary.timed_out;
    assert_eq!(view.exits_noted, noted, "every final outcome noted once");
    assert!(view.exits.len() <= EXITS_KEPT);
}
