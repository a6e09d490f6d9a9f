//! The autoscalers in the engine: each reacts to its own signal and respects its limits.

use super::support::{assert_refused, config};
use queuelab::sim::Engine;

/// 25 minutes of Poisson load at 200/s for 10 ms jobs (2 workers' worth) with a 10-minute step
/// to 600/s (6 workers' worth) from 5 to 15 minutes.
fn stepped(autoscaler: &str) -> String {
    format!(
        "[run]\nseed = 4\nduration = \"25m\"\nsample_interval = \"5s\"\n\
         [arrivals]\nprocess = \"schedule\"\nsegments = [{{ duration = \"5m\", rate = 200 }}, {{ duration = \"10m\", rate = 600 }}, {{ duration = \"10m\", rate = 200 }}]\n\
         [service]\ndistribution = \"exponential\"\nmean = \"10ms\"\n[pool]\nworkers = 4\n[queue]\ncapacity = 500\n\
         [autoscaler]\n{autoscaler}\n"
    )
}

fn pool_at(series: &queuelab::report::Series, t: f64) -> f64 {
    series
        .points()
        .iter()
        .find(|p| p.end >= t)
        .map_or(0.0, |p| p.pool_size)
}

#[test]
fn wait_time_autoscaler_grows_when_the_tail_wait_grows() {
    let text = stepped("kind = \"wait-time\"\nmin_workers = 2\nmax_workers = 40\nscale_up_wait_p99 = \"50ms\"\nscale_down_wait_mean = \"1ms\"");
    let (summary, series) = Engine::new(&config(&text)).run_with_series();
    assert!(
        pool_at(&series, 290.0) <= 5.0,
        "{}",
        pool_at(&series, 290.0)
    );
    assert!(
        pool_at(&series, 800.0) >= 7.0,
        "grown for the step: {}",
        pool_at(&series, 800.0)
    );
    assert!(summary.pool.resizes > 2);
}

#[test]
fn aimd_steps_grow_one_at_a_time() {
    let text = stepped("kind = \"queue-depth\"\nstep = \"aimd\"\nmin_workers = 2\nmax_workers = 40\nscale_up_cooldown = \"1s\"");
    let (_, series) = Engine::new(&config(&text)).run_with_series();
    let sizes: Vec<f64> = series.points().iter().map(|p| p.pool_size).collect();
    let biggest_jump = sizes.windows(2).map(|w| w[1] - w[0]).fold(0.0, f64::max);
    assert!(
        biggest_jump <= 5.0 * 1.01,
        "at most one worker per second across a 5 s sample: {biggest_jump}"
    );
}

#[test]
fn pid_holds_utilisation_near_its_target() {
    let text = stepped("kind = \"pid\"\nmin_workers = 2\nmax_workers = 40\ninterval = \"1s\"\ntarget_utilization = 0.7");
    let (_, series) = Engine::new(&config(&text)).run_with_series();
    let busy_phase: Vec<f64> = series
        .points()
        .iter()
        .filter(|p| p.start >= 480.0 && p.end <= 880.0)
        .map(|p| p.in_flight / p.pool_size)
        .collect();
    let mean = busy_phase.iter().sum::<f64>() / busy_phase.len() as f64;
    assert!(
        (mean - 0.7).abs() < 0.12,
        "utilisation during the step: {mean}"
    );
    let k = pool_at(&series, 800.0);
    assert!(
        (7.0..=12.0).contains(&k),
        "6 workers' worth at 0.7 needs about 8.6: {k}"
    );
}

#[test]
fn hpa_scales_toward_the_target_and_waits_before_scaling_down() {
    let text =
        stepped("kind = \"hpa\"\nmin_workers = 1\nmax_workers = 40\ntarget_utilization = 0.5");
    let (_, series) = Engine::new(&config(&text)).run_with_series();
    let k = pool_at(&series, 850.0);
    assert!(
        (10.0..=16.0).contains(&k),
        "6 workers' worth at 0.5 needs about 12: {k}"
    );
    // Load drops at 900 s; the 300 s stabilisation window holds the size until ~1200 s.
    assert!(
        pool_at(&series, 1100.0) >= k - 1.0,
        "{} then {}",
        k,
        pool_at(&series, 1100.0)
    );
    assert!(
        pool_at(&series, 1300.0) < k - 2.0,
        "scaled down after the window: {}",
        pool_at(&series, 1300.0)
    );
}

#[test]
fn autoscaler_fields_of_another_kind_are_refused() {
    let cases = [
        ("kind = \"hpa\"\nkp = 3", "autoscaler.kp: applies only to kind = \"pid\""),
        ("kind = \"pid\"\nscale_up_step = 3", "autoscaler.scale_up_step: applies only to kind = \"queue-depth\", \"wait-time\" or \"multi-signal\""),
        ("kind = \"wait-time\"\nscale_up_queue_fill = 0.5", "autoscaler.scale_up_queue_fill: applies only to kind = \"queue-depth\""),
        ("kind = \"queue-depth\"\nstep = \"sideways\"", "autoscaler.step: unknown value \"sideways\"; expected one of: fixed, aimd"),
        ("kind = \"pid\"\ntarget_utilization = 1.5", "autoscaler.target_utilization: must be in (0, 1]"),
        ("kind = \"magic\"", "autoscaler.kind: unknown value \"magic\"; expected one of: queue-depth, wait-time, pid, hpa, multi-signal"),
    ];
    assert_refused(&cases, stepped);
}

#[test]
fn scale_down_semantics_drain_lazy_and_preempt() {
    // Eight workers busy with 10 s jobs and four idle; shrink to 2 at t = 1 s.
    let text = |mode: &str| {
        format!(
            "[run]\ncustomers = 8\n[arrivals]\nprocess = \"constant\"\nrate = 100\n\
             [service]\ndistribution = \"constant\"\nmean = \"10s\"\n[pool]\nworkers = 12\nscale_down = \"{mode}\"\n"
        )
    };
    let shrink = |mode: &str| {
        let mut engine = Engine::new(&config(&text(mode)));
        engine.run_until(queuelab::time::SimTime::ZERO + queuelab::time::SimDuration::from_secs(1));
        engine.resize(2);
        (engine.snapshot(), engine)
    };
    let (drain, _) = shrink("drain");
    assert_eq!(
        (drain.pool_size, drain.busy, drain.idle),
        (8, 8, 0),
        "idle retire at once, busy finish first"
    );
    let (lazy, _) = shrink("lazy");
    assert_eq!(
        (lazy.pool_size, lazy.busy, lazy.idle),
        (12, 8, 4),
        "nothing happens until a job ends"
    );
    let (preempt, engine) = shrink("preempt");
    assert_eq!(
        (preempt.pool_size, preempt.busy, preempt.queued),
        (2, 2, 6),
        "six jobs go back to the queue"
    );
    let summary = engine.run();
    assert_eq!(summary.completed, 8, "preempted jobs are re-run, not lost");
    assert!(
        summary.wasted_work_seconds > 5.0,
        "{}",
        summary.wasted_work_seconds
    );
}

#[test]
fn prewarm_floor_raises_the_pool_before_the_load_and_releases_it_after() {
    let text = stepped(
        "kind = \"queue-depth\"\nmin_workers = 2\nmax_workers = 40\nscale_down_cooldown = \"5s\"\n\
         scale_down_utilization = 0.3\nprewarm = [{ at = \"4m\", min_workers = 10 }, { at = \"16m\", min_workers = 2 }]",
    );
    let (_, series) = Engine::new(&config(&text)).run_with_series();
    assert!(
        pool_at(&series, 230.0) <= 5.0,
        "before the floor: {}",
        pool_at(&series, 230.0)
    );
    assert!(
        pool_at(&series, 250.0) >= 10.0,
        "pre-warmed a minute before the step: {}",
        pool_at(&series, 250.0)
    );
    assert!(
        pool_at(&series, 1450.0) < 8.0,
        "released after: {}",
        pool_at(&series, 1450.0)
    );
    let refused = queuelab::scenario::parse(&stepped("kind = \"pid\"\nprewarm = [{ at = \"2m\", min_workers = 5 }, { at = \"1m\", min_workers = 3 }]"), "p.toml")
        .unwrap_err()
        .to_string();
    assert!(
        refused
            .contains("autoscaler.prewarm[1].at: prewarm steps must be in increasing time order"),
        "{refused}"
    );
}

#[test]
fn the_series_shows_the_autoscalers_decision_beside_the_pool() {
    let text = stepped(
        "kind = \"queue-depth\"\nmin_workers = 2\nmax_workers = 40\nscale_up_cooldown = \"1s\"",
    );
    let (_, series) = Engine::new(&config(&text)).run_with_series();
    let points = series.points();
    assert_eq!(
        points[0].desired_workers, 4.0,
        "the starting size until the first decision"
    );
    assert!(points.iter().all(|p| p.desired_workers >= 2.0));
    let during_step = points.iter().filter(|p| p.end > 300.0 && p.end < 900.0);
    assert!(
        during_step.map(|p| p.desired_workers).fold(0.0, f64::max) >= 7.0,
        "it asked for more workers during the step"
    );
    let pool = queuelab::chart::ChartKind::Pool;
    let labels: Vec<String> = pool.curves(&series).into_iter().map(|c| c.label).collect();
    assert_eq!(labels, ["pool size K", "asked for by the autoscaler"]);

    // Without an autoscaler there is no decision, and no line for it.
    let fixed = text.split("[autoscaler]").next().unwrap();
    let (_, series) = Engine::new(&config(fixed)).run_with_series();
    assert!(series.points().iter().all(|p| p.desired_workers == 0.0));
    assert_eq!(pool.curves(&series).len(), 1);
}
