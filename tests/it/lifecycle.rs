//! Worker lifecycle (cold start, idle expiry) and injected faults (panics, slow tasks, a leak).

use super::support::{assert_refused, config};
use queuelab::sim::Engine;

fn base(extra: &str) -> String {
    format!(
        "[run]\nseed = 12\nduration = \"20m\"\nsample_interval = \"5s\"\n[arrivals]\nprocess = \"poisson\"\nrate = 100\n\
         [service]\ndistribution = \"exponential\"\nmean = \"30ms\"\n[queue]\ncapacity = 500\n{extra}"
    )
}

#[test]
fn cold_starts_delay_new_workers() {
    let autoscaled = "[autoscaler]\nkind = \"queue-depth\"\nmin_workers = 1\nmax_workers = 20\n";
    let spike = |pool: &str| {
        base(&format!("[pool]\nworkers = 1\n{pool}\n{autoscaled}"))
            .replace("process = \"poisson\"\nrate = 100", "process = \"schedule\"\nsegments = [{ duration = \"2m\", rate = 20 }, { duration = \"18m\", rate = 100 }]")
    };
    let warm = Engine::new(&config(&spike(""))).run();
    let cold = Engine::new(&config(&spike("start_up = \"20s\""))).run();
    assert!(
        cold.latency.p99 > 2.0 * warm.latency.p99,
        "{} vs {}",
        cold.latency.p99,
        warm.latency.p99
    );
    assert!(
        cold.utilization < warm.utilization,
        "starting workers count in K but do no work"
    );
}

#[test]
fn idle_workers_expire_down_to_the_floor() {
    let text = base("[pool]\nworkers = 12\nidle_timeout = \"30s\"\nmin_workers = 4\n")
        .replace("rate = 100", "rate = 20");
    let (summary, series) = Engine::new(&config(&text)).run_with_series();
    assert_eq!(summary.pool.initial, 12);
    assert!(summary.pool.min >= 4);
    let late = series.points().last().unwrap().pool_size;
    assert!(
        (4.0..=6.0).contains(&late),
        "20/s × 30 ms needs under one worker; the floor is 4: {late}"
    );
}

#[test]
fn panics_fail_jobs_and_restarts_cost_capacity() {
    let text = base("[pool]\nworkers = 4\n[chaos]\npanic_rate = 0.05\n");
    let summary = Engine::new(&config(&text)).run();
    let panics = summary.failed_by_reason["panic"] as f64 / summary.arrivals as f64;
    assert!((panics - 0.05).abs() < 0.005, "{panics}");
    let restarting = Engine::new(&config(
        &text.replace("panic_rate = 0.05", "panic_rate = 0.05\nrestart = \"2s\""),
    ))
    .run();
    assert!(
        restarting.latency.p99 > summary.latency.p99 * 2.0,
        "{} vs {}",
        restarting.latency.p99,
        summary.latency.p99
    );
}

#[test]
fn slow_tasks_and_a_slow_leak_raise_the_load() {
    let calm = Engine::new(&config(&base("[pool]\nworkers = 4\n"))).run();
    let slow = Engine::new(&config(&base(
        "[pool]\nworkers = 4\n[chaos]\nslow_rate = 0.1\nslow_factor = 5\n",
    )))
    .run();
    assert!(
        (slow.service.mean / calm.service.mean - 1.4).abs() < 0.1,
        "{} vs {}",
        slow.service.mean,
        calm.service.mean
    );
    let (_, series) = Engine::new(&config(&base(
        "[pool]\nworkers = 4\n[chaos]\ndrift_per_hour = 3\n",
    )))
    .run_with_series();
    // 100/s × 30 ms needs 3 of the 4 workers at first; the leak slows every job until the pool
    // saturates and the queue climbs: the slow decline of seed book 000, task 8.
    let early = series.points().iter().find(|p| p.start >= 60.0).unwrap();
    let late = series.points().last().unwrap();
    assert!(early.in_flight < 3.3 && early.queue_len < 5.0, "{early:?}");
    assert!(late.in_flight > 3.95 && late.queue_len > 100.0, "{late:?}");
}

#[test]
fn chaos_and_lifecycle_fields_are_validated() {
    let cases = [
        (
            "[pool]\nworkers = 4\n[chaos]\npanic_rate = 2\n",
            "chaos.panic_rate: must be a probability between 0 and 1",
        ),
        (
            "[pool]\nworkers = 4\n[chaos]\nslow_factor = 0.5\n",
            "chaos.slow_factor: must be ≥ 1",
        ),
        (
            "[pool]\nworkers = 4\nidle_timeout = \"0\"\n",
            "pool.idle_timeout: must be longer than zero",
        ),
        (
            "[pool]\nworkers = 4\nmin_workers = 0\n",
            "pool.min_workers: must be between 1",
        ),
    ];
    assert_refused(&cases, base);
}

fn shutdown_run(drain: &str) -> queuelab::report::Summary {
    queuelab::sim::Engine::new(&crate::support::config(&format!(
        "[run]\nduration = \"10m\"\nseed = 16\n[arrivals]\nprocess = \"poisson\"\nrate = 7.7\n\
         [service]\ndistribution = \"lognormal\"\nmean = \"2s\"\nscv = 2.0\n[pool]\nworkers = 16\n\
         [queue]\ncapacity = 200\non_full = \"reject\"\n[shutdown]\nat = \"60s\"\ndrain_timeout = \"{drain}\"\n"
    )))
    .run()
}

#[test]
fn a_graceful_shutdown_stops_intake_and_drains_until_its_deadline() {
    let patient = shutdown_run("2m");
    // Intake stopped at 60 s: about 7.7/s × 60 s requests, and every one finished.
    assert!(
        (370..560).contains(&patient.arrivals),
        "{}",
        patient.arrivals
    );
    assert_eq!(patient.completed, patient.arrivals);
    assert_eq!(patient.in_flight_at_end, 0);
    assert!((patient.measured_seconds - 60.0).abs() < 1e-9);
    assert!(patient.drain_seconds > 1.0 && patient.drain_seconds < 120.0);
    assert!((patient.sim_seconds - (60.0 + patient.drain_seconds)).abs() < 1e-9);

    let hasty = shutdown_run("1s");
    assert_eq!(
        hasty.arrivals, patient.arrivals,
        "the same requests came in"
    );
    assert!(
        hasty.in_flight_at_end > 0,
        "a 1 s drain abandons the long jobs"
    );
    assert_eq!(hasty.completed + hasty.in_flight_at_end, hasty.arrivals);
    assert!((hasty.drain_seconds - 1.0).abs() < 1e-9);
}

#[test]
fn jobs_finished_after_their_client_gave_up_are_not_also_counted_in_flight_at_the_end() {
    // 30 s queries whose callers give up after 5 s; the drain deadline cuts some of them off.
    let summary = queuelab::sim::Engine::new(&crate::support::config(
        "[run]\nduration = \"10m\"\nseed = 3\n[arrivals]\nprocess = \"poisson\"\nrate = 2\n\
         [service]\ndistribution = \"mixture\"\ncomponents = [\n\
           { weight = 0.9, distribution = \"constant\", value = \"200ms\" },\n\
           { weight = 0.1, distribution = \"constant\", value = \"30s\" },\n]\n\
         [pool]\nworkers = 8\n[deadline]\ntimeout = \"5s\"\nstarted_work = \"finish\"\n\
         [shutdown]\nat = \"60s\"\ndrain_timeout = \"10s\"\n",
    ))
    .run();
    assert!(summary.timed_out > 0);
    crate::support::assert_every_request_counted_once(&summary);
}

#[test]
fn a_queue_depth_alert_fires_after_its_hold_and_a_short_burst_does_not_page() {
    let run = |hold: &str| {
        queuelab::sim::Engine::new(&crate::support::config(&format!(
            "[run]\nduration = \"6m\"\nseed = 21\n[arrivals]\nprocess = \"schedule\"\nsegments = [\n\
               {{ duration = \"2m\", from = 8, to = 8 }},\n{{ duration = \"4m\", from = 11, to = 11 }},\n]\n\
             [service]\ndistribution = \"exponential\"\nmean = \"1s\"\n[pool]\nworkers = 10\n\
             [queue]\ncapacity = 500\non_full = \"reject\"\n\
             [[alerts]]\nname = \"queue_high\"\nabove = 50\nfor = \"{hold}\"\n"
        )))
        .run()
    };
    let alert = |summary: &queuelab::report::Summary| summary.alerts["queue_high"];
    let patient = alert(&run("30s"));
    let first = patient.first_fired_at.expect("it fires");
    // Overload starts at 120 s and the queue grows by about one job a second.
    assert!((150.0..260.0).contains(&first), "{first}");
    assert!(patient.firing_seconds > 60.0 && patient.firing_seconds <= 360.0 - first + 1e-9);
    let jumpy = alert(&run("0s"));
    assert!(jumpy.first_fired_at.expect("fires") < first);
    assert!(
        jumpy.fired >= patient.fired,
        "without a hold it flaps at least as often"
    );
    let never = alert(&run("5m"));
    assert_eq!((never.fired, never.first_fired_at), (0, None));
}
