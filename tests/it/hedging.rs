//! Hedged requests: a second copy after a delay cuts the tail a slow replica causes, costs extra
//! load (more the earlier it is sent), and every request is still counted exactly once.

use crate::support::{assert_every_request_counted_once, config};
use queuelab::report::Summary;
use queuelab::sim::Engine;

/// 1 % of requests take a second; the rest about 10 ms. `hedge` is appended as is.
fn slow_replica(hedge: &str, extra: &str) -> Summary {
    Engine::new(&config(&format!(
        "[run]\ncustomers = 100000\nseed = 21\n[arrivals]\nprocess = \"poisson\"\nrate = 200\n\
         [service]\ndistribution = \"mixture\"\ncomponents = [\n\
           {{ weight = 0.99, distribution = \"exponential\", mean = \"10ms\" }},\n\
           {{ weight = 0.01, distribution = \"constant\", value = \"1s\" }},\n]\n\
         [pool]\nworkers = 8\n{hedge}\n{extra}"
    )))
    .run()
}

#[test]
fn a_hedge_between_the_typical_and_the_slow_answer_cuts_the_tail() {
    let plain = slow_replica("", "");
    let hedged = slow_replica("[hedge]\ndelay = \"50ms\"", "");
    assert_eq!(plain.hedges, 0);
    assert!(plain.latency.p999 > 0.9, "{:?}", plain.latency);
    assert!(
        hedged.latency.p999 < 0.2,
        "the slow 1 % are answered by their hedge: {:?}",
        hedged.latency
    );
    assert_eq!(hedged.completed, hedged.arrivals);
    // Only the requests still out after 50 ms are hedged: the slow 1 % and a sliver of the tail.
    let hedged_share = hedged.hedges as f64 / hedged.arrivals as f64;
    assert!((0.01..0.05).contains(&hedged_share), "{hedged_share}");
    assert!(hedged.hedge_wins > 0 && hedged.hedge_wins <= hedged.hedges);
    // The losers were cancelled: the slow replica's work is cut short, not finished.
    assert!(hedged.utilization < plain.utilization);
    assert!(hedged.wasted_work_seconds > 0.0);
}

#[test]
fn a_hedge_sent_too_early_duplicates_the_load() {
    let early = slow_replica("[hedge]\ndelay = \"1ms\"", "");
    let hedged_share = early.hedges as f64 / early.arrivals as f64;
    assert!(hedged_share > 0.8, "{hedged_share}");
    let timely = slow_replica("[hedge]\ndelay = \"50ms\"", "");
    assert!(early.latency.mean > 0.0 && timely.hedges * 10 < early.hedges);
}

#[test]
fn hedging_under_overload_still_counts_every_request_once() {
    // Twice the capacity, a small queue that refuses, deadlines, a failing dependency with
    // retries: hedges get refused, time out, fail and win in every combination.
    assert_every_request_counted_once(&slow_replica("[hedge]\ndelay = \"20ms\"", ""));
    let stressed = Engine::new(&config(
        "[run]\ncustomers = 50000\nseed = 5\n[arrivals]\nprocess = \"poisson\"\nrate = 1600\n\
         [service]\ndistribution = \"exponential\"\nmean = \"10ms\"\n[pool]\nworkers = 8\n\
         [queue]\ncapacity = 20\non_full = \"reject\"\n[deadline]\ntimeout = \"60ms\"\n\
         [downstream]\nlatency = { distribution = \"exponential\", mean = \"2ms\" }\nerror_rate = 0.05\n\
         [retry]\nmax_attempts = 2\nbackoff = \"5ms\"\n[hedge]\ndelay = \"15ms\"\n",
    ))
    .run();
    assert_every_request_counted_once(&stressed);
    assert!(stressed.hedges > 1000 && stressed.rejected > 0 && stressed.timed_out > 0);
    assert!(stressed.failed > 0 && stressed.hedge_wins > 0);
}

/// Regressions found in review: copies still out at the end count once, a preempted job whose
/// client had given up is not served again, a cancelled loser gives its half-open breaker
/// permit back and tells an adaptive limiter nothing, and copies meet the same chaos.
#[test]
fn hedged_pairs_preemption_breakers_limiters_and_chaos_keep_their_books() {
    let run = |text: &str| Engine::new(&config(text)).run();
    let ends_with_both_copies_out = run(
        "[run]\nduration = \"10s\"\nseed = 1\n[arrivals]\nprocess = \"constant\"\nrate = 2\n\
         [service]\ndistribution = \"constant\"\nmean = \"1s\"\n[pool]\nworkers = 1\n\
         [hedge]\ndelay = \"100ms\"\n",
    );
    assert!(ends_with_both_copies_out.hedges > 10);
    assert_every_request_counted_once(&ends_with_both_copies_out);

    let preempted = run(
        "[run]\ncustomers = 200\nseed = 1\n[arrivals]\nprocess = \"poisson\"\nrate = 2\n\
         [service]\ndistribution = \"constant\"\nmean = \"2s\"\n\
         [pool]\nworkers = 4\nscale_down = \"preempt\"\n\
         [deadline]\ntimeout = \"500ms\"\nstarted_work = \"finish\"\n\
         [autoscaler]\nkind = \"queue-depth\"\ninterval = \"1s\"\nmin_workers = 1\nmax_workers = 4\n\
         scale_up_queue_len = 1\nscale_up_cooldown = \"1s\"\nscale_down_utilization = 0.99\n\
         scale_down_cooldown = \"1s\"\n",
    );
    assert_every_request_counted_once(&preempted);

    let breaker = |delay: &str| {
        run(&format!(
            "[run]\nduration = \"60s\"\nseed = 1\n[arrivals]\nprocess = \"poisson\"\nrate = 1\n\
             [service]\ndistribution = \"constant\"\nmean = \"10ms\"\n[pool]\nworkers = 8\n\
             [downstream]\nlatency = {{ distribution = \"exponential\", mean = \"200ms\" }}\n\
             incidents = [{{ from = \"0s\", to = \"5s\", error_rate = 1.0 }}]\n\
             [breaker]\nwindow_size = 10\nminimum_calls = 5\nwait_in_open = \"1s\"\n\
             permitted_in_half_open = 2\n[hedge]\ndelay = \"{delay}\"\n"
        ))
    };
    let (hedged, unhedged) = (breaker("20ms"), breaker("100s"));
    assert!(
        hedged.completed + 5 >= unhedged.completed,
        "a cancelled loser must not keep the breaker half-open: {} vs {}",
        hedged.completed,
        unhedged.completed
    );

    let chaos = run(
        "[run]\ncustomers = 300\nseed = 2\n[arrivals]\nprocess = \"poisson\"\nrate = 1\n\
         [service]\ndistribution = \"constant\"\nmean = \"1s\"\n[pool]\nworkers = 4\n\
         [chaos]\npanic_rate = 1.0\n[hedge]\ndelay = \"100ms\"\n",
    );
    assert_eq!(chaos.completed, 0, "a hedge copy panics like any job");
    assert_every_request_counted_once(&chaos);
}
