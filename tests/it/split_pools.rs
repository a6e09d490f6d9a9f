//! Split pools: shards (`pool.shards` with `[keys]`), each its own queue with its own workers, and
//! classes with pools of their own (`classes[].workers`).

use crate::support::{
    assert_every_request_counted_once, assert_refused, config, interval, replicate,
};
use queuelab::sim::Engine;
use queuelab::theory::Prediction;

fn sharded(shards: usize, hot_share: f64) -> String {
    format!(
        r#"
[run]
customers = 80000
seed = 5
warmup = "20s"
[arrivals]
process = "poisson"
rate = 300
[service]
distribution = "exponential"
mean = "10ms"
[pool]
workers = 4
shards = {shards}
[keys]
count = 1000000
hot_share = {hot_share}
"#
    )
}

/// Keys spread evenly: four shards of one worker are four M/M/1 queues at the pool's load,
/// W = 1 / (μ − λ/4) — the pooling a single queue of four workers (M/M/4) would have is lost.
#[test]
fn evenly_loaded_shards_are_independent_single_server_queues() {
    let summaries = replicate(&config(&sharded(4, 0.0)), 10);
    let expected = 1.0 / (100.0 - 75.0);
    let (mean, half_width) = interval(&summaries, "latency.mean");
    assert!(
        (mean - expected).abs() < half_width.max(0.015 * expected),
        "latency {mean} ± {half_width}, M/M/1 {expected}"
    );
    let single = Engine::new(&config(&sharded(1, 0.0))).run();
    assert!(
        single.latency.mean < 0.5 * mean,
        "one queue of 4 workers: {} against {mean}",
        single.latency.mean
    );
    for shard in summaries[0].shards.values() {
        assert!((shard.utilization - 0.75).abs() < 0.03, "{shard:#?}");
        assert_eq!(shard.workers, 1.0);
    }
}

/// One hot key takes a fifth of the requests: its shard carries 40 % of the load, is saturated,
/// and sets the tail, while the other shards idle more than before.
#[test]
fn a_hot_key_overloads_its_shard_while_the_others_idle() {
    let summary = Engine::new(&config(&sharded(4, 0.2))).run();
    let mut utilizations: Vec<f64> = summary.shards.values().map(|s| s.utilization).collect();
    utilizations.sort_by(f64::total_cmp);
    assert!(utilizations[3] > 0.99, "{utilizations:?}");
    assert!(utilizations[0] < 0.65, "{utilizations:?}");
    let even = Engine::new(&config(&sharded(4, 0.0))).run();
    assert!(
        summary.latency.p99 > 10.0 * even.latency.p99,
        "{summary:#?}"
    );
}

/// Keys change nothing on one shard: the same run, draw for draw.
#[test]
fn one_shard_with_keys_is_the_plain_pool() {
    let with_keys = Engine::new(&config(&sharded(1, 0.3))).run();
    let text = sharded(1, 0.3).replace("shards = 1\n", "");
    let text = &text[..text.find("[keys]").expect("keys table")];
    let plain = Engine::new(&config(text)).run();
    assert_eq!(with_keys.fingerprint(), plain.fingerprint());
    assert!(with_keys.shards.is_empty());
}

#[test]
fn shard_mistakes_are_reported_with_their_position() {
    let base = |edit: &str| {
        format!(
            "[run]\ncustomers = 10\n[arrivals]\nprocess = \"poisson\"\nrate = 1\n\
             [service]\ndistribution = \"constant\"\nvalue = \"10ms\"\n{edit}"
        )
    };
    let keys = "[keys]\ncount = 10\n";
    let cases = [
        ("[pool]\nworkers = 4\nshards = 2\n".to_string(), "pool.shards: a sharded pool routes each request by its key: add a [keys] table"),
        (format!("[pool]\nworkers = 5\nshards = 2\n{keys}"), "pool.workers: 5 workers cannot be split evenly over pool.shards = 2"),
        (format!("[pool]\nworkers = 4\nshards = 0\n{keys}"), "pool.shards: must be between 1"),
        ("[pool]\nworkers = 4\nshards = 2\n[keys]\nhot_share = 0.1\n".to_string(), "keys.count: is required"),
        ("[pool]\nworkers = 4\nshards = 2\n[keys]\ncount = 10\nhot_share = 1.5\n".to_string(), "keys.hot_share: must be a fraction"),
        (format!("[pool]\nworkers = 4\nshards = 2\nidle_timeout = \"1s\"\n{keys}"), "pool.idle_timeout: cannot be combined with a split pool"),
        (format!("[pool]\nworkers = 4\nshards = 2\n{keys}[autoscaler]\nkind = \"queue-depth\"\nmax_workers = 8\nscale_up_queue_len = 4\n"), "autoscaler: cannot be combined with a split pool"),
    ];
    let cases: Vec<(&str, &str)> = cases.iter().map(|(a, b)| (a.as_str(), *b)).collect();
    assert_refused(&cases, base);
}

fn tiers(free_rate: f64, extra: &str) -> String {
    format!(
        r#"
[run]
customers = 120000
seed = 9
warmup = "30s"
[arrivals]
process = "poisson"
rate = 25
[service]
distribution = "exponential"
mean = "50ms"
[queue]
capacity = 200
on_full = "block"
[[classes]]
name = "premium"
workers = 4
[[classes]]
name = "free"
workers = 2
arrivals = {{ process = "poisson", rate = {free_rate} }}
{extra}
"#
    )
}

/// Tiers with pools of their own: however hard the free tier is overloaded, premium requests
/// meet their own M/M/4 and nothing else.
#[test]
fn a_tier_with_its_own_pool_is_isolated_from_an_overloaded_one() {
    let quiet = Prediction::mmc(4, 25.0, 20.0).expect("stable");
    for free_rate in [10.0, 200.0] {
        let summaries = replicate(&config(&tiers(free_rate, "")), 10);
        let (premium, half_width) = interval(&summaries, "classes.premium.latency.mean");
        assert!(
            (premium - quiet.latency_mean).abs() < half_width.max(0.02 * quiet.latency_mean),
            "free at {free_rate}/s: premium {premium} ± {half_width}, M/M/4 {}",
            quiet.latency_mean
        );
        let pools = &summaries[0].pools;
        assert_eq!(pools.keys().collect::<Vec<_>>(), ["free", "premium"]);
        assert!(
            (pools["premium"].utilization - 25.0 / 80.0).abs() < 0.02,
            "{pools:#?}"
        );
    }
    let overloaded = Engine::new(&config(&tiers(200.0, ""))).run();
    assert!(overloaded.pools["free"].utilization > 0.99);
    assert!(overloaded.pools["free"].max_queue_len == 200);
    assert_every_request_counted_once(&overloaded);
}

/// Classes without workers of their own share `pool.workers`; the summary names that pool `pool`.
#[test]
fn classes_without_a_pool_share_the_scenario_pool() {
    let text = tiers(
        10.0,
        "[[classes]]\nname = \"standard\"\n[pool]\nworkers = 3\n",
    );
    let summary = Engine::new(&config(&text)).run();
    assert_eq!(
        summary.pools.keys().collect::<Vec<_>>(),
        ["free", "pool", "premium"]
    );
    assert_eq!(summary.pools["pool"].workers, 3.0);
    assert_eq!(summary.pool.initial, 9);
    assert!(summary.classes["standard"].completed > 0);
    assert_every_request_counted_once(&summary);
}

#[test]
fn class_pool_mistakes_are_reported_with_their_position() {
    let base = |edit: &str| {
        format!(
            "[run]\ncustomers = 10\n[arrivals]\nprocess = \"poisson\"\nrate = 1\n\
             [service]\ndistribution = \"constant\"\nvalue = \"10ms\"\n{edit}"
        )
    };
    let cases = [
        ("[pool]\nworkers = 2\n[[classes]]\nname = \"a\"\nworkers = 1\n", "pool.workers: every class has a pool of its own"),
        ("[[classes]]\nname = \"a\"\nworkers = 0\n", "classes[0].workers: must be between 1"),
        ("[[classes]]\nname = \"a\"\nworkers = 1\n[[classes]]\nname = \"b\"\n", "pool: is required"),
        ("[pool]\nworkers = 2\nshards = 2\n[keys]\ncount = 5\n[[classes]]\nname = \"a\"\nworkers = 1\n[[classes]]\nname = \"b\"\n", "pool.shards: cannot be combined with classes that have pools of their own"),
        ("[pool]\nscale_down = \"preempt\"\n[[classes]]\nname = \"a\"\nworkers = 1\n[[classes]]\nname = \"b\"\nworkers = 1\n", "pool.scale_down: cannot be combined with a split pool"),
        ("[[classes]]\nname = \"a\"\nworkers = 3\n[[classes]]\nname = \"b\"\nworkers = 3\n[autoscaler]\nkind = \"queue-depth\"\nmax_workers = 8\nscale_up_queue_len = 2\nbudget = 5\n", "autoscaler.budget: 5 is less than the 6 workers the pools start with"),
        ("[pool]\nworkers = 3\n[autoscaler]\nkind = \"queue-depth\"\nmax_workers = 8\nscale_up_queue_len = 2\nbudget = 5\n", "autoscaler.budget: shares workers between classes' pools"),
        ("[[classes]]\nname = \"a\"\nworkers = 12\n[[classes]]\nname = \"b\"\nworkers = 2\n[autoscaler]\nkind = \"queue-depth\"\nmax_workers = 8\nscale_up_queue_len = 2\n", "classes[0].workers: the starting size 12 must lie within the autoscaler's [2, 8]"),
    ];
    assert_refused(&cases, base);
    let one_class =
        queuelab::scenario::parse(&base("[[classes]]\nname = \"a\"\nworkers = 3\n"), "x.toml")
            .expect("one class with its own pool is a plain pool");
    assert_eq!(one_class.workers, 3);
}

fn budgeted(budget: usize, reclaim: bool) -> String {
    format!(
        r#"
[run]
duration = "20m"
seed = 4
warmup = "1m"
[arrivals]
process = "poisson"
rate = 0
[service]
distribution = "exponential"
mean = "100ms"
[queue]
capacity = 2000
on_full = "reject"
[autoscaler]
kind = "queue-depth"
interval = "5s"
min_workers = 1
max_workers = 40
scale_up_queue_len = 5
scale_up_step = 2
scale_up_cooldown = "5s"
scale_down_utilization = 0.5
scale_down_cooldown = "30s"
budget = {budget}
reclaim = {reclaim}
[[classes]]
name = "checkout"
priority = 2
workers = 2
arrivals = {{ process = "schedule", segments = [{{ duration = "5m", rate = 20 }}, {{ duration = "10m", rate = 150 }}, {{ duration = "5m", rate = 20 }}] }}
[[classes]]
name = "reports"
priority = 1
workers = 2
arrivals = {{ process = "poisson", rate = 120 }}
"#
    )
}

/// Seed book 003, task 17: two pools, each with its own autoscaler, share a budget granted
/// first come, first served (the seed's `Budget.Request`): the total never exceeds it, and the
/// pool that grew first keeps its workers while busy, so a later surge elsewhere starves.
/// `reclaim` lets the higher-priority pool take workers back.
#[test]
fn pools_sharing_a_budget_never_exceed_it_and_reclaim_serves_the_urgent_one() {
    let run = |budget: usize, reclaim: bool| {
        Engine::new(&config(&budgeted(budget, reclaim))).run_with_series()
    };
    let (first_come, series) = run(24, false);
    let (reclaimed, reclaimed_series) = run(24, true);
    for (summary, series) in [(&first_come, &series), (&reclaimed, &reclaimed_series)] {
        assert!(summary.pool.max <= 24, "{:#?}", summary.pool);
        assert!(series.points().iter().all(|p| p.pool_size <= 24.0 + 1e-9));
        assert_every_request_counted_once(summary);
    }
    let checkout_lost = |s: &queuelab::report::Summary| {
        let class = &s.classes["checkout"];
        class.rejected as f64 / class.arrivals as f64
    };
    assert!(
        checkout_lost(&first_come) > 0.5,
        "reports holds the budget: {first_come:#?}"
    );
    assert!(
        checkout_lost(&reclaimed) < 0.05,
        "checkout takes it back: {reclaimed:#?}"
    );
    assert!(
        reclaimed.classes["reports"].rejected > first_come.classes["reports"].rejected,
        "at the price of reports"
    );
    let (unlimited, _) = run(80, false);
    assert!(unlimited.pool.max > 24, "{:#?}", unlimited.pool);
    assert_eq!(checkout_lost(&unlimited), 0.0);
}

/// Two overloaded pools each ask for two more workers; the budget has room for the
/// higher-priority pool's two. `reclaim` takes workers back only for growth the budget cannot
/// grant, so here it changes nothing: the lower pool keeps its workers.
#[test]
fn reclaim_takes_nothing_back_when_the_budget_has_room_for_the_urgent_pool() {
    let text = |reclaim: bool| {
        format!(
            r#"
[run]
duration = "3s"
seed = 1
[arrivals]
process = "poisson"
rate = 0
[service]
distribution = "constant"
value = "100ms"
[autoscaler]
kind = "queue-depth"
interval = "1s"
min_workers = 1
max_workers = 10
scale_up_queue_len = 1
scale_up_step = 2
budget = 6
reclaim = {reclaim}
[[classes]]
name = "hi"
priority = 2
workers = 2
arrivals = {{ process = "poisson", rate = 100 }}
[[classes]]
name = "lo"
priority = 1
workers = 2
arrivals = {{ process = "poisson", rate = 100 }}
"#
        )
    };
    let after_first_tick = |reclaim: bool| {
        let mut engine = Engine::new(&config(&text(reclaim)));
        engine.run_until(queuelab::time::SimTime::from_nanos(1_500_000_000));
        engine.snapshot()
    };
    let (first_come, reclaimed) = (after_first_tick(false), after_first_tick(true));
    assert_eq!(first_come.target_size, 6, "{first_come:?}");
    assert_eq!(reclaimed.target_size, 6, "{reclaimed:?}");
    assert_eq!(reclaimed.pool_size, 6, "{reclaimed:?}");
}

/// The summary's `pools` names the shared pool `pool`: a class with a pool of its own by that
/// name would hide one of the two, so it is refused.
#[test]
fn a_class_pool_may_not_take_the_shared_pool_s_name() {
    let base = |edit: &str| {
        format!(
            "[run]\ncustomers = 10\n[arrivals]\nprocess = \"poisson\"\nrate = 1\n\
             [service]\ndistribution = \"constant\"\nvalue = \"10ms\"\n[pool]\nworkers = 2\n{edit}"
        )
    };
    let case = "[[classes]]\nname = \"rest\"\n[[classes]]\nname = \"pool\"\nworkers = 1\n";
    assert_refused(
        &[(case, "classes[1].name: \"pool\" names the shared pool")],
        base,
    );
}

/// A pool that shrank lazily still has its workers; when its queue grows again it may take them
/// back into its target at once: they already hold their places in the budget, so growing into
/// them costs the other pools nothing (instead of retiring them and asking for new ones later).
#[test]
fn a_pool_may_grow_back_into_its_own_workers_still_in_the_budget() {
    let text = r#"
[run]
duration = "4s"
seed = 2
[arrivals]
process = "poisson"
rate = 0
[pool]
scale_down = "lazy"
[autoscaler]
kind = "queue-depth"
interval = "1s"
min_workers = 1
max_workers = 10
scale_up_queue_len = 1
scale_up_step = 1
scale_up_cooldown = "1ms"
scale_down_utilization = 0.5
scale_down_cooldown = "1ms"
budget = 4
[[classes]]
name = "hi"
priority = 2
workers = 2
service = { distribution = "constant", value = "1500ms" }
arrivals = { process = "schedule", segments = [{ duration = "1200ms", rate = 0 }, { duration = "10s", rate = 20 }] }
[[classes]]
name = "lo"
priority = 1
workers = 2
service = { distribution = "constant", value = "100ms" }
arrivals = { process = "poisson", rate = 100 }
"#;
    let mut engine = Engine::new(&config(text));
    // At 1 s the idle `hi` pool shrinks to one worker (lazily: both stay); from 1.2 s both take
    // its burst, and at 2 s its queue asks for the second one back.
    engine.run_until(queuelab::time::SimTime::from_nanos(2_500_000_000));
    let snapshot = engine.snapshot();
    assert_eq!(snapshot.target_size, 4, "{snapshot:?}");
    // Its workers finish their first jobs at 2.7 s and keep serving its queue.
    engine.run_until(queuelab::time::SimTime::from_nanos(2_900_000_000));
    let snapshot = engine.snapshot();
    assert_eq!((snapshot.pool_size, snapshot.busy), (4, 4), "{snapshot:?}");
}
