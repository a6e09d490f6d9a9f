//! A dependency with incidents, and the circuit breaker that fails fast while it is down.

use super::support::{assert_refused, config};
use queuelab::sim::Engine;

/// 8 workers; each job does 5 ms of its own work and a 20 ms downstream call; 150 jobs/s.
/// From 2 to 4 minutes the dependency is 20× slower and fails half the calls.
fn scenario(extra: &str) -> String {
    format!(
        "[run]\nseed = 6\nduration = \"6m\"\nsample_interval = \"5s\"\n[arrivals]\nprocess = \"poisson\"\nrate = 150\n\
         [service]\ndistribution = \"constant\"\nmean = \"5ms\"\n[pool]\nworkers = 8\n[queue]\ncapacity = 200\n\
         [downstream]\nlatency = {{ distribution = \"exponential\", mean = \"20ms\" }}\nerror_rate = 0.001\n\
         incidents = [{{ from = \"2m\", to = \"4m\", slowdown = 20, error_rate = 0.5 }}]\n{extra}"
    )
}

#[test]
fn an_incident_slows_calls_and_fails_them() {
    let (summary, series) = Engine::new(&config(&scenario(""))).run_with_series();
    assert!(
        summary.failed_by_reason["downstream_error"] > 1000,
        "{:?}",
        summary.failed_by_reason
    );
    assert!(
        summary.rejected_by_reason["queue_full"] > 1000,
        "slow calls back the queue up"
    );
    let calm = series.points().iter().find(|p| p.start >= 60.0).unwrap();
    let storm = series.points().iter().find(|p| p.start >= 180.0).unwrap();
    assert!(
        calm.failed < 2.0 && storm.failed > 5.0,
        "{} then {}",
        calm.failed,
        storm.failed
    );
    assert!(
        (summary.lost_ratio
            - (summary.rejected + summary.failed + summary.timed_out + summary.dropped) as f64
                / summary.arrivals as f64)
            .abs()
            < 1e-12
    );
}

#[test]
fn a_breaker_fails_fast_during_the_incident_and_closes_after() {
    let breaker = "[breaker]\nwindow_size = 50\nminimum_calls = 20\nfailure_rate_threshold = 30\nwait_in_open = \"10s\"\npermitted_in_half_open = 5\n";
    let (without, _) = Engine::new(&config(&scenario(""))).run_with_series();
    let (with, series) = Engine::new(&config(&scenario(breaker))).run_with_series();
    assert!(
        with.failed_by_reason["breaker_open"] > 1000,
        "{:?}",
        with.failed_by_reason
    );
    assert!(
        with.breaker_transitions >= 3,
        "{}",
        with.breaker_transitions
    );
    // Failing fast frees the workers: far fewer jobs are refused at the queue.
    let refused = |s: &queuelab::report::Summary| {
        s.rejected_by_reason.get("queue_full").copied().unwrap_or(0)
    };
    assert!(
        refused(&with) * 2 < refused(&without),
        "{} vs {}",
        refused(&with),
        refused(&without)
    );
    assert!(with.latency.p99 < without.latency.p99);
    let state_at = |t: f64| series.points().iter().find(|p| p.end >= t).unwrap().breaker;
    assert_eq!(state_at(60.0), 0.0, "closed before the incident");
    assert!(
        series
            .points()
            .iter()
            .any(|p| p.start >= 120.0 && p.end <= 240.0 && p.breaker == 2.0),
        "open during it"
    );
    assert_eq!(state_at(355.0), 0.0, "closed again after it");
}

#[test]
fn downstream_and_breaker_fields_are_validated() {
    let cases = [
        (
            "[breaker]\nminimum_calls = 0\n",
            "breaker.minimum_calls: must be between 1",
        ),
        (
            "[breaker]\nfailure_rate_threshold = 150\n",
            "breaker.failure_rate_threshold: must be a percentage in (0, 100]",
        ),
        (
            "[breaker]\nwindow = \"forever\"\n",
            "breaker.window: unknown value \"forever\"; expected one of: count, time",
        ),
    ];
    assert_refused(&cases, scenario);
    let bad_incident =
        scenario("").replace("from = \"2m\", to = \"4m\"", "from = \"4m\", to = \"2m\"");
    let error = queuelab::scenario::parse(&bad_incident, "d.toml")
        .unwrap_err()
        .to_string();
    assert!(
        error.contains("downstream.incidents[0].to: must be after from (4m)"),
        "{error}"
    );
    let lonely = "[run]\ncustomers = 10\n[arrivals]\nprocess = \"poisson\"\nrate = 1\n[service]\ndistribution = \"constant\"\nmean = \"1s\"\n[pool]\nworkers = 1\n[breaker]\n";
    let error = queuelab::scenario::parse(lonely, "d.toml")
        .unwrap_err()
        .to_string();
    assert!(
        error.contains("breaker: a circuit breaker guards a downstream call"),
        "{error}"
    );
}

#[test]
fn retries_recover_lost_requests_when_trouble_is_brief() {
    // 1 % of calls fail at random; one retry turns nearly all of them into successes.
    let text = scenario("[retry]\nmax_attempts = 3\nbackoff = \"50ms\"\n")
        .replace("error_rate = 0.001", "error_rate = 0.01")
        .replace(
            "slowdown = 20, error_rate = 0.5 }",
            "slowdown = 1, error_rate = 0.01 }",
        );
    let plain = Engine::new(&config(
        &text.replace("[retry]\nmax_attempts = 3\nbackoff = \"50ms\"\n", ""),
    ))
    .run();
    let retried = Engine::new(&config(&text)).run();
    assert!(plain.failed_ratio > 0.005, "{}", plain.failed_ratio);
    assert!(
        retried.failed_ratio < plain.failed_ratio / 20.0,
        "{} vs {}",
        retried.failed_ratio,
        plain.failed_ratio
    );
    assert!(retried.retries > 0 && retried.retries < retried.arrivals / 10);
}

#[test]
fn retries_amplify_load_during_an_incident_and_a_budget_caps_them() {
    let storm = scenario("[retry]\nmax_attempts = 5\nbackoff = \"10ms\"\n");
    let budgeted = scenario("[retry]\nmax_attempts = 5\nbackoff = \"10ms\"\nbudget = 0.1\n");
    let (storm, series) = Engine::new(&config(&storm)).run_with_series();
    let (budgeted, _) = Engine::new(&config(&budgeted)).run_with_series();
    let offered_during = series
        .points()
        .iter()
        .find(|p| p.start >= 180.0)
        .unwrap()
        .offered;
    assert!(
        offered_during > 1.5 * 150.0,
        "retries pile on top of the 150/s: {offered_during}"
    );
    assert!(
        storm.retries > 3 * budgeted.retries,
        "{} vs {}",
        storm.retries,
        budgeted.retries
    );
    assert!(budgeted.retries as f64 <= 0.1 * budgeted.arrivals as f64 + 10.0);
}

#[test]
fn backoff_grows_exponentially_up_to_its_cap_and_jitter_stays_below_it() {
    use queuelab::scenario::{Jitter, RetryConfig};
    use queuelab::time::SimDuration;
    let mut rng = queuelab::rng::Rng::new(1);
    let retry = RetryConfig {
        max_attempts: 10,
        backoff: SimDuration::from_millis(100),
        multiplier: 2.0,
        max_backoff: SimDuration::from_millis(500),
        jitter: Jitter::None,
        budget: None,
    };
    let delays: Vec<u64> = (1..=5)
        .map(|n| retry.delay(n, &mut rng).as_nanos() / 1_000_000)
        .collect();
    assert_eq!(delays, [100, 200, 400, 500, 500]);
    let full = RetryConfig {
        jitter: Jitter::Full,
        ..retry
    };
    for n in 1..=5 {
        assert!(full.delay(n, &mut rng) <= retry.delay(n, &mut rng));
    }
}

#[test]
fn multi_signal_autoscaler_does_not_grow_into_a_failing_dependency() {
    let autoscaled = |veto: f64| {
        scenario(&format!(
            "[autoscaler]\nkind = \"multi-signal\"\nmin_workers = 8\nmax_workers = 64\nveto_error_rate = {veto}\n"
        ))
    };
    let vetoed = Engine::new(&config(&autoscaled(0.1))).run();
    let blind = Engine::new(&config(&autoscaled(1.0))).run();
    assert!(
        blind.pool.max >= 2 * vetoed.pool.max,
        "{} vs {}",
        blind.pool.max,
        vetoed.pool.max
    );
}

/// Ten workers share a dependency that takes six calls at once: the seventh busy worker's call
/// is refused at once (a 429), never more than six are under way, and a pool no larger than the
/// limit is never refused.
fn limited(workers: usize) -> String {
    format!(
        "[run]\nseed = 4\nduration = \"2m\"\n[arrivals]\nprocess = \"poisson\"\nrate = 70\n\
         [service]\ndistribution = \"constant\"\nmean = \"1ms\"\n[pool]\nworkers = {workers}\n\
         [queue]\ncapacity = 500\n\
         [downstream]\nlatency = {{ distribution = \"exponential\", mean = \"100ms\" }}\nmax_in_flight = 6\n"
    )
}

#[test]
fn a_dependency_refuses_calls_beyond_its_concurrency_limit() {
    let config = config(&limited(10));
    let mut engine = Engine::new(&config);
    let mut most = 0;
    while engine.step() {
        most = most.max(engine.snapshot().calls_in_flight);
    }
    assert_eq!(most, 6, "the limit is reached and never passed");
    let summary = engine.summary();
    let refused = summary.failed_by_reason["downstream_limit"];
    assert!(
        refused as f64 > 0.05 * summary.arrivals as f64,
        "{refused} of {}",
        summary.arrivals
    );
    assert_eq!(summary.failed, refused, "nothing else fails");
    // At most six calls of 100 ms at a time: at most 60 answered a second of the 70 offered.
    assert!(summary.throughput < 60.0, "{}", summary.throughput);

    let within = Engine::new(&super::support::config(&limited(6))).run();
    assert_eq!(within.failed, 0, "{:?}", within.failed_by_reason);
    assert!(within.completed > refused, "six workers keep every call");
}

#[test]
fn a_concurrency_limit_must_be_a_positive_count() {
    assert_refused(
        &[
            ("max_in_flight = 0", "downstream.max_in_flight"),
            ("max_in_flight = \"six\"", "max_in_flight"),
        ],
        |bad| limited(10).replace("max_in_flight = 6", bad),
    );
}
