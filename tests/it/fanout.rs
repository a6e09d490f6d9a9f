//! Fan-out (`[fanout]`): a job's wait for N parallel calls is the k-th fastest of N leaf draws,
//! in the simulator and on real threads; the lesson of the tail at scale holds in the numbers.

use super::support::{assert_every_request_counted_once, assert_refused, config};
use queuelab::fanout::{predicted_wait, share_waiting_longer};
use queuelab::report::metric::Metric;
use queuelab::sim::Engine;

/// A search front end: 16 workers, 2 ms of its own work, 100 leaves that take 10 ms but 200 ms
/// one time in a hundred.
fn scenario(calls: usize, wait_for: usize, extra: &str) -> String {
    format!(
        "[run]\nseed = 4\ncustomers = 20000\n[arrivals]\nprocess = \"poisson\"\nrate = 50\n\
         [service]\ndistribution = \"constant\"\nmean = \"2ms\"\n[pool]\nworkers = 16\n\
         [fanout]\ncalls = {calls}\nwait_for = {wait_for}\nlatency = {{ distribution = \"mixture\", components = [\
         {{ weight = 0.99, distribution = \"constant\", mean = \"10ms\" }},\
         {{ weight = 0.01, distribution = \"constant\", mean = \"200ms\" }}] }}\n{extra}"
    )
}

#[test]
fn the_rare_slow_leaf_becomes_the_median_request() {
    let one = Engine::new(&config(&scenario(1, 1, ""))).run();
    let hundred_config = config(&scenario(100, 100, ""));
    let hundred = Engine::new(&hundred_config).run();
    assert_every_request_counted_once(&hundred);
    // One call: the slow leaf is a p99.x event; the median request takes 12 ms.
    assert!(
        (one.latency.p50 - 0.012).abs() < 0.001,
        "{}",
        one.latency.p50
    );
    // A hundred: 63 % of requests wait for a slow leaf, so the median is 200 ms + 2 ms.
    assert!(
        (hundred.latency.p50 - 0.202).abs() < 0.002,
        "{}",
        hundred.latency.p50
    );
    let fanout = hundred.fanout.as_ref().expect("a fan-out summary");
    assert_eq!((fanout.calls, fanout.wait_for), (100, 100));
    assert_eq!(fanout.calls_made, 100 * hundred.arrivals);
    let slow_share = Metric::parse("fanout.wait.mean")
        .unwrap()
        .read(&hundred)
        .unwrap();
    let predicted_share =
        share_waiting_longer(hundred_config.fanout.as_ref().unwrap(), 0.1).unwrap();
    // The mean wait is 10 ms + 190 ms × the share of requests that hit a slow leaf.
    let measured_share = (slow_share - 0.010) / 0.190;
    assert!(
        (measured_share - predicted_share).abs() < 0.02,
        "measured {measured_share:.3}, theory {predicted_share:.3}"
    );
    let predicted_median = predicted_wait(hundred_config.fanout.as_ref().unwrap(), 0.5).unwrap();
    assert!((fanout.wait.p50 - predicted_median).abs() < 0.002);
}

#[test]
fn answering_with_95_of_100_hides_the_slow_leaves() {
    let all = Engine::new(&config(&scenario(100, 100, ""))).run();
    let most = Engine::new(&config(&scenario(100, 95, ""))).run();
    // Five slow leaves of a hundred at once: (1 − F) for k = 95 is about 0.0006.
    assert!(most.latency.p99 < 0.015, "{}", most.latency.p99);
    assert!(all.latency.p99 > 0.2);
    // The leaves do the same work either way: the calls are sent, the late ones cancelled.
    assert_eq!(
        all.fanout.as_ref().unwrap().calls_made,
        most.fanout.as_ref().unwrap().calls_made
    );
    // Its workers are held far less: ρ falls with the wait.
    assert!(most.utilization < all.utilization / 5.0);
}

#[test]
fn the_same_seed_gives_the_same_waits_and_other_draws_stay_put() {
    let text = scenario(20, 18, "");
    let first = Engine::new(&config(&text)).run();
    let again = Engine::new(&config(&text)).run();
    assert_eq!(
        serde_json::to_string(&first).unwrap(),
        serde_json::to_string(&again).unwrap()
    );
    // The fan-out draws from streams of its own: the arrivals and service draws of the same
    // scenario without it are the very same.
    let without = Engine::new(&config(&text.replace(
        "[fanout]\ncalls = 20\nwait_for = 18",
        "[fanout]\ncalls = 1\nwait_for = 1",
    )))
    .run();
    assert_eq!(first.arrivals, without.arrivals);
    assert_eq!(first.offered_rate, without.offered_rate);
}

#[test]
fn fanout_metrics_exist_only_with_a_fanout() {
    let plain = config(
        "[run]\ncustomers = 10\n[arrivals]\nprocess = \"poisson\"\nrate = 1\n\
         [service]\ndistribution = \"constant\"\nmean = \"1s\"\n[pool]\nworkers = 1\n",
    );
    let metric = Metric::parse("fanout.wait.p99").unwrap();
    let error = metric.check(&plain).unwrap_err().to_string();
    assert!(error.contains("[fanout]"), "{error}");
    assert!(metric.check(&config(&scenario(3, 2, ""))).is_ok());
    let typo = Metric::parse("fanout.cals").unwrap_err().to_string();
    assert!(typo.contains("\"calls\""), "{typo}");
}

#[test]
fn bad_fanouts_are_refused_where_they_are() {
    let build = |fanout: &str| {
        format!(
            "[run]\ncustomers = 10\n[arrivals]\nprocess = \"poisson\"\nrate = 1\n\
             [service]\ndistribution = \"constant\"\nmean = \"1s\"\n[pool]\nworkers = 1\n{fanout}"
        )
    };
    let latency = "latency = { distribution = \"constant\", mean = \"1ms\" }";
    assert_refused(
        &[
            (&format!("[fanout]\n{latency}"), "fanout.calls: is required"),
            (
                &format!("[fanout]\ncalls = 0\n{latency}"),
                "fanout.calls: must be between 1 and 1000, got 0",
            ),
            (
                &format!("[fanout]\ncalls = 5000\n{latency}"),
                "must be between 1 and 1000, got 5000",
            ),
            (
                &format!("[fanout]\ncalls = 10\nwait_for = 11\n{latency}"),
                "fanout.wait_for: must be between 1 and 10, got 11",
            ),
            ("[fanout]\ncalls = 10", "fanout.latency: is required"),
            (
                &format!("[fanout]\ncalls = 10\nwait = 3\n{latency}"),
                "unknown field `wait`",
            ),
        ],
        build,
    );
    // Each call is a draw: the run's work budget counts them.
    let heavy = build(&format!("[fanout]\ncalls = 1000\n{latency}"))
        .replace("customers = 10", "customers = 1000000");
    let error = queuelab::scenario::parse(&heavy, "case.toml")
        .unwrap_err()
        .to_string();
    assert!(error.contains("1000 of them fan-out calls"), "{error}");
}

#[test]
fn real_threads_wait_for_their_calls_as_the_simulation_does() {
    let _one = super::threads::ONE_AT_A_TIME.lock();
    let text = scenario(100, 100, "").replace("customers = 20000", "customers = 200");
    let config = config(&text);
    let sim = Engine::new(&config).run();
    let options = queuelab::threads::ThreadOptions {
        time_scale: 0.5,
        ..Default::default()
    };
    let real = queuelab::threads::run(&config, &options).unwrap().summary;
    assert_every_request_counted_once(&real);
    let (sim_fanout, real_fanout) = (sim.fanout.clone().unwrap(), real.fanout.clone().unwrap());
    // The very same draws: the same calls, the same waits in scenario time.
    assert_eq!(sim_fanout.calls_made, real_fanout.calls_made);
    assert_eq!(sim_fanout.wait.p50, real_fanout.wait.p50);
    assert_eq!(sim_fanout.wait.mean, real_fanout.wait.mean);
    if super::threads::sent_too_late(&real, "fan-out latencies") {
        return;
    }
    let off = (real.latency.p50 - sim.latency.p50).abs() / sim.latency.p50;
    assert!(
        off < 0.1,
        "median latency: real {:.1} ms, simulated {:.1} ms",
        real.latency.p50 * 1e3,
        sim.latency.p50 * 1e3
    );
}
