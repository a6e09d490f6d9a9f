//! Admission control in the engine: token buckets (refuse or delay), bulkheads and concurrency
//! limiters (fixed, adaptive and SLO-driven), each doing what its name promises.

use super::support::{assert_refused, config};
use queuelab::sim::Engine;

fn base(extra: &str) -> String {
    format!(
        "[run]\nseed = 8\nduration = \"10m\"\nwarmup = \"30s\"\n[arrivals]\nprocess = \"poisson\"\nrate = 100\n\
         [service]\ndistribution = \"exponential\"\nmean = \"20ms\"\n[pool]\nworkers = 4\n{extra}"
    )
}

#[test]
fn a_token_bucket_caps_throughput_at_its_rate() {
    let summary = Engine::new(&config(&base("[rate_limit]\nrate = 60\nburst = 5\n"))).run();
    assert!(
        (summary.throughput - 60.0).abs() < 2.0,
        "{}",
        summary.throughput
    );
    let limited = summary.rejected_by_reason["rate_limited"] as f64 / summary.arrivals as f64;
    assert!((limited - 0.4).abs() < 0.02, "{limited}");
}

#[test]
fn a_delaying_bucket_refuses_nothing_but_adds_latency() {
    let text = base("[rate_limit]\nrate = 110\nburst = 1\non_limit = \"delay\"\n");
    let summary = Engine::new(&config(&text)).run();
    assert_eq!(summary.rejected, 0);
    let plain = Engine::new(&config(&base(""))).run();
    assert!(
        summary.latency.p99 > plain.latency.p99,
        "{} vs {}",
        summary.latency.p99,
        plain.latency.p99
    );
    assert!((summary.throughput - plain.throughput).abs() < 2.0);
}

#[test]
fn per_class_buckets_limit_each_tenant_separately() {
    let text = base(
        "[rate_limit]\nrate = 30\nburst = 5\nper_class = true\n\
         [[classes]]\nname = \"big\"\nweight = 3\n[[classes]]\nname = \"small\"\nweight = 1\n",
    );
    let summary = Engine::new(&config(&text)).run();
    let big = &summary.classes["big"];
    let small = &summary.classes["small"];
    assert!(
        big.rejected > 10_000,
        "the big tenant (75/s) is limited to 30/s"
    );
    // 25/s against 30/s with a burst of 5: only Poisson clumps are refused.
    assert!(
        small.rejected * 10 < small.arrivals,
        "the small tenant (25/s) fits: {} of {}",
        small.rejected,
        small.arrivals
    );
    assert!(
        big.rejected * 2 > big.arrivals,
        "{} of {}",
        big.rejected,
        big.arrivals
    );
}

#[test]
fn a_bulkhead_keeps_a_noisy_class_from_taking_every_slot() {
    let noisy = "[queue]\ncapacity = 200\n\
                 [[classes]]\nname = \"quiet\"\narrivals = { process = \"poisson\", rate = 40 }\n\
                 [[classes]]\nname = \"noisy\"\narrivals = { process = \"bursts\", rate = 600, on = \"2s\", off = \"8s\" }\n";
    let open = Engine::new(&config(&base(noisy))).run();
    let walled = Engine::new(&config(&base(
        &noisy.replace("name = \"noisy\"", "name = \"noisy\"\nmax_in_flight = 8"),
    )))
    .run();
    assert!(walled.rejected_by_reason["bulkhead"] > 1000);
    let (before, after) = (
        open.classes["quiet"].latency.p99,
        walled.classes["quiet"].latency.p99,
    );
    assert!(
        after * 3.0 < before,
        "the quiet tenant's p99: {before} without, {after} with the bulkhead"
    );
}

#[test]
fn a_fixed_limit_refuses_beyond_it() {
    let summary = Engine::new(&config(&base("[limiter]\nkind = \"fixed\"\nlimit = 4\n"))).run();
    assert!(summary.rejected_by_reason["limit"] > 1000);
    assert!(summary.max_in_system <= 4, "{}", summary.max_in_system);
    assert_eq!(summary.limit.min, 4);
    assert_eq!(summary.limit.max, 4);
}

#[test]
fn aimd_backs_off_when_calls_time_out_and_grows_when_they_do_not() {
    // Overload (2× capacity) with a 200 ms deadline: timeouts are drops, so the limit is pushed
    // down from its initial 20 to its minimum.
    let text = base("[limiter]\nkind = \"aimd\"\nlimit = 40\nmin_limit = 2\nmax_limit = 100\n[deadline]\ntimeout = \"200ms\"\nstarted_work = \"cancel\"\n")
        .replace("rate = 100", "rate = 400");
    let (summary, series) = Engine::new(&config(&text)).run_with_series();
    assert!(summary.limit.min < 20, "{:?}", summary.limit);
    assert!(summary.rejected_by_reason["limit"] > 1000);
    let late = series
        .points()
        .iter()
        .rev()
        .take(50)
        .map(|p| p.limit)
        .sum::<f64>()
        / 50.0;
    assert!(late < 40.0, "limit at the end: {late}");
    // Light load: every call is fast, the limit is used little and stays where it started.
    let light = base("[limiter]\nkind = \"aimd\"\n").replace("rate = 100", "rate = 20");
    let light = Engine::new(&config(&light)).run();
    assert_eq!(light.rejected, 0);
    assert_eq!(light.limit.last, 20);
}

#[test]
fn vegas_and_gradient2_settle_near_the_pools_capacity() {
    for kind in ["vegas", "gradient2"] {
        let text =
            base(&format!("[limiter]\nkind = \"{kind}\"\n")).replace("rate = 100", "rate = 400");
        let summary = Engine::new(&config(&text)).run();
        // Four workers: an ideal limit is a little above 4 jobs in flight. Vegas holds close to
        // it; Gradient2 tolerates RTTs up to 1.5× its long-term average, so it settles higher.
        let ceiling = if kind == "vegas" { 60 } else { 150 };
        assert!(
            summary.limit.last >= 4 && summary.limit.last <= ceiling,
            "{kind}: {:?}",
            summary.limit
        );
        assert!(summary.rejected_by_reason["limit"] > 10_000, "{kind}");
        assert!(
            summary.latency.p99 < 2.0,
            "{kind}: p99 {}",
            summary.latency.p99
        );
        assert!(
            summary.utilization > 0.95,
            "{kind}: utilisation {}",
            summary.utilization
        );
    }
}

#[test]
fn the_slo_limiter_keeps_the_p99_of_admitted_jobs_under_its_target() {
    // 100 ms jobs on 4 workers (40/s) at 100/s: every slot is always wanted. A fixed limit of
    // 200 keeps 200 in flight, 5 s each; the SLO limiter keeps the p99 just under 1 s.
    let overloaded = |limiter: &str| {
        let text = base(limiter).replace("mean = \"20ms\"", "mean = \"100ms\"");
        Engine::new(&config(&text)).run()
    };
    let fixed = overloaded("[limiter]\nkind = \"fixed\"\nlimit = 200\n");
    assert!(fixed.latency.p99 > 4.0, "fixed: p99 {}", fixed.latency.p99);
    for target in [1.0, 2.0] {
        let slo = overloaded(&format!(
            "[limiter]\nkind = \"slo\"\ntarget = \"{target}s\"\nmax_limit = 200\n"
        ));
        // Near the target, not far under it: the limit is steered, not merely cut.
        let p99 = slo.latency.p99;
        assert!(
            p99 < target * 1.02 && p99 > target * 0.8,
            "target {target} s: p99 {p99}, limit {:?}",
            slo.limit
        );
        assert!(slo.rejected_by_reason["limit"] > 10_000);
        assert!(slo.utilization > 0.99, "{}", slo.utilization);
    }
}

#[test]
fn an_slo_below_what_one_job_takes_drives_the_limit_to_its_minimum() {
    // Exponential 100 ms jobs have a p99 of 460 ms on an idle worker: a 300 ms p99 is out of
    // reach at any limit, so every window is a miss and the limit sinks to min_limit.
    let text = base("[limiter]\nkind = \"slo\"\ntarget = \"300ms\"\nmin_limit = 2\n")
        .replace("mean = \"20ms\"", "mean = \"100ms\"");
    let summary = Engine::new(&config(&text)).run();
    assert_eq!(summary.limit.min, 2);
    assert_eq!(summary.limit.last, 2);
    assert!(summary.utilization < 0.6, "{}", summary.utilization);
}

#[test]
fn limiter_and_rate_limit_fields_are_validated() {
    let cases = [
        (
            "[limiter]\nkind = \"magic\"\n",
            "limiter.kind: unknown value \"magic\"; expected one of: fixed, aimd, vegas, gradient2, slo",
        ),
        (
            "[limiter]\nkind = \"fixed\"\n",
            "limiter.limit: is required",
        ),
        (
            "[limiter]\nkind = \"aimd\"\nbackoff = 0.2\n",
            "limiter.backoff: must be in [0.5, 1)",
        ),
        (
            "[limiter]\nkind = \"vegas\"\nbackoff = 0.9\n",
            "limiter.backoff: applies only to kind = \"aimd\"",
        ),
        (
            "[limiter]\nkind = \"gradient2\"\nmin_limit = 50\nmax_limit = 10\n",
            "limiter.max_limit: must be at least min_limit (50)",
        ),
        ("[rate_limit]\nburst = 3\n", "rate_limit.rate: is required"),
        (
            "[rate_limit]\nrate = 0\n",
            "rate_limit.rate: must be above 0",
        ),
        (
            "[rate_limit]\nrate = 5\non_limit = \"queue\"\n",
            "rate_limit.on_limit: unknown value \"queue\"; expected one of: reject, delay",
        ),
    ];
    assert_refused(&cases, base);
}
