//! Random scenarios mixing the split pools and pipelines with every older policy: whatever the
//! mix, each request is counted once, no part of a pool is over 100 %, buffers and queues are
//! never exceeded, a budget is never passed, and a run is the same whole, twice, or in slices.

use crate::support::assert_every_request_counted_once;
use proptest::prelude::*;
use queuelab::sim::Engine;
use queuelab::time::{SimDuration, SimTime};

/// How the first pool is split.
#[derive(Debug, Clone)]
enum Split {
    /// One pool of this many workers.
    None(usize),
    /// Shards, workers per shard, hot share (in tenths).
    Shards(usize, usize, u8),
    /// Two classes with pools of their own (workers), and maybe a shared pool for a third.
    Classes(usize, usize, Option<usize>),
}

#[derive(Debug, Clone)]
struct Mix {
    seed: u64,
    /// Stop after this many customers (the run drains), or at 4 s.
    customers: bool,
    /// A warm-up of 1 s (the outcome identity is then not checked).
    warmup: bool,
    split: Split,
    /// (workers, buffer, mean ms) per later stage.
    stages: Vec<(usize, usize, u64)>,
    closed: bool,
    /// Open arrivals per second (closed-loop clients: a tenth of it).
    rate: u32,
    /// Index into the queue variants.
    queue: usize,
    discipline: usize,
    /// Index into the autoscaler kinds (0 = none), with budget slack and reclaim.
    autoscaler: usize,
    budget: Option<usize>,
    reclaim: bool,
    scale_down: usize,
    start_up: bool,
    idle_timeout: bool,
    /// Indexes into [`OPTIONAL`].
    features: Vec<usize>,
}

const QUEUES: &[&str] = &[
    "",
    "[queue]\ncapacity = 4\non_full = \"reject\"\n",
    "[queue]\ncapacity = 3\non_full = \"block\"\n",
    "[queue]\ncapacity = 2\non_full = \"timeout\"\ntimeout = \"30ms\"\n",
    "[queue]\ncapacity = 4\non_full = \"drop-oldest\"\n",
    "[queue]\ncapacity = 6\non_full = \"watermark\"\nshed_at = 5\nresume_below = 2\n",
    "[queue]\ncapacity = 0\non_full = \"reject\"\n",
    "[queue]\ncapacity = 1\non_full = \"block\"\n",
];

const DISCIPLINES: &[&str] = &["fifo", "lifo", "priority", "fair"];

const AUTOSCALERS: &[&str] = &[
    "",
    "kind = \"queue-depth\"\nscale_up_queue_len = 2\nscale_up_cooldown = \"200ms\"\nscale_down_cooldown = \"400ms\"\nscale_down_utilization = 0.5\n",
    "kind = \"queue-depth\"\nstep = \"aimd\"\nscale_up_queue_len = 1\nscale_up_cooldown = \"100ms\"\nscale_down_cooldown = \"300ms\"\nscale_down_utilization = 0.6\n",
    "kind = \"wait-time\"\nscale_up_wait_p99 = \"20ms\"\nscale_down_wait_mean = \"5ms\"\nwindow = 20\nscale_up_cooldown = \"200ms\"\nscale_down_cooldown = \"400ms\"\n",
    "kind = \"pid\"\ntarget_utilization = 0.6\n",
    "kind = \"hpa\"\ntarget_utilization = 0.5\nscale_down_stabilization = \"1s\"\ninterval = \"300ms\"\n",
    "kind = \"multi-signal\"\nscale_up_cooldown = \"200ms\"\nscale_down_cooldown = \"200ms\"\n",
    "kind = \"queue-depth\"\nscale_up_queue_len = 3\nprewarm = [{ at = \"1s\", min_workers = 3 }, { at = \"2s\", min_workers = 1 }]\n",
];

const SCALE_DOWN: &[&str] = &["drain", "lazy", "preempt"];

/// Optional tables that act on the first pool or in front of it.
const OPTIONAL: &[&str] = &[
    "[deadline]\ntimeout = \"120ms\"\nstarted_work = \"cancel\"\n",
    "[deadline]\ntimeout = \"90ms\"\nstarted_work = \"finish\"\n",
    "[retry]\nmax_attempts = 3\nbackoff = \"10ms\"\njitter = \"full\"\n",
    "[retry]\nmax_attempts = 4\nbackoff = \"5ms\"\nbudget = 0.2\n",
    "[hedge]\ndelay = \"40ms\"\n",
    "[limiter]\nkind = \"aimd\"\nlimit = 6\nmin_limit = 2\nmax_limit = 20\n",
    "[limiter]\nkind = \"vegas\"\nlimit = 6\nmax_limit = 30\n",
    "[limiter]\nkind = \"gradient2\"\nlimit = 8\nmin_limit = 2\nmax_limit = 40\n",
    "[rate_limit]\nrate = 70\nburst = 4\non_limit = \"delay\"\n",
    "[rate_limit]\nrate = 50\nburst = 3\non_limit = \"delay\"\nper_class = true\n",
    "[rate_limit]\nrate = 60\nburst = 5\n",
    "[downstream]\nlatency = { distribution = \"exponential\", mean = \"4ms\" }\nerror_rate = 0.15\n[breaker]\nwindow_size = 10\nminimum_calls = 5\nwait_in_open = \"150ms\"\n",
    "[downstream]\nlatency = { distribution = \"exponential\", mean = \"8ms\" }\nerror_rate = 0.05\nmax_in_flight = 2\n[breaker]\nwindow_size = 10\nminimum_calls = 5\nwait_in_open = \"100ms\"\n",
    "[downstream]\nlatency = { distribution = \"exponential\", mean = \"5ms\" }\nmax_in_flight = 1\n",
    "[chaos]\npanic_rate = 0.08\nrestart = \"15ms\"\nslow_rate = 0.05\n",
    "[chaos]\npanic_rate = 0.05\n",
    "[shutdown]\nat = \"3s\"\ndrain_timeout = \"200ms\"\n",
    "[shutdown]\nat = \"2500ms\"\ndrain_timeout = \"5s\"\n",
];

fn mix() -> impl Strategy<Value = Mix> {
    let split = prop_oneof![
        (1usize..5).prop_map(Split::None),
        (2usize..4, 1usize..3, 0u8..6).prop_map(|(s, k, h)| Split::Shards(s, k, h)),
        (1usize..4, 1usize..4, proptest::option::of(1usize..3))
            .prop_map(|(a, b, shared)| Split::Classes(a, b, shared)),
    ];
    (
        (
            0u64..10_000,
            any::<bool>(),
            proptest::bool::weighted(0.3),
            split,
            proptest::collection::vec((1usize..4, 0usize..5, 5u64..35), 0..4),
            proptest::bool::weighted(0.25),
            prop::sample::select(vec![40u32, 110, 300]),
            0..QUEUES.len(),
            0..DISCIPLINES.len(),
        ),
        (
            0..AUTOSCALERS.len(),
            proptest::option::of(0usize..6),
            any::<bool>(),
            0..SCALE_DOWN.len(),
            proptest::bool::weighted(0.3),
            proptest::bool::weighted(0.2),
            proptest::collection::vec(0..OPTIONAL.len(), 0..5),
        ),
    )
        .prop_map(
            |(
                (seed, customers, warmup, split, stages, closed, rate, queue, discipline),
                (autoscaler, budget, reclaim, scale_down, start_up, idle_timeout, features),
            )| Mix {
                seed,
                customers,
                warmup,
                split,
                stages,
                closed,
                rate,
                queue,
                discipline,
                autoscaler,
                budget,
                reclaim,
                scale_down,
                start_up,
                idle_timeout,
                features,
            },
        )
}

/// The scenario text of a mix, with whatever the mix asks for that validation would refuse
/// left out (hedging with stages, resizing a sharded pool, and so on).
fn scenario(mix: &Mix) -> (String, Option<usize>) {
    let arrivals = if mix.closed {
        format!(
            "[arrivals]\nprocess = \"closed\"\nclients = {}\nthink = {{ distribution = \"exponential\", mean = \"40ms\" }}\n",
            mix.rate / 10
        )
    } else {
        format!("[arrivals]\nprocess = \"poisson\"\nrate = {}\n", mix.rate)
    };
    let stop = if mix.customers {
        "customers = 400"
    } else {
        "duration = \"4s\""
    };
    let stop = if mix.warmup {
        format!("{stop}\nwarmup = \"1s\"")
    } else {
        stop.to_string()
    };
    let mut text = format!(
        "[run]\n{stop}\nseed = {}\n{arrivals}[service]\ndistribution = \"lognormal\"\nmean = \"18ms\"\nscv = 1.5\n",
        mix.seed
    );
    let staged = !mix.stages.is_empty();
    let (sharded, class_pools) = (
        matches!(mix.split, Split::Shards(..)),
        matches!(mix.split, Split::Classes(..)),
    );
    let split = sharded || class_pools;
    let mut pool = String::from("[pool]\n");
    let mut classes = String::new();
    let mut pools = 1;
    let mut starting = 0;
    match mix.split {
        Split::None(workers) => {
            pool += &format!("workers = {workers}\n");
            starting = workers;
            classes += "[[classes]]\nname = \"hi\"\npriority = 2\nweight = 1\n[[classes]]\nname = \"lo\"\npriority = 1\nweight = 2\n";
        }
        Split::Shards(shards, per_shard, hot) => {
            pool += &format!("workers = {}\nshards = {shards}\n", shards * per_shard);
            classes += "[[classes]]\nname = \"hi\"\npriority = 2\nweight = 1\n[[classes]]\nname = \"lo\"\npriority = 1\nweight = 2\n";
            classes += &format!("[keys]\ncount = 40\nhot_share = 0.{hot}\n");
        }
        Split::Classes(a, b, shared) => {
            classes += &format!(
                "[[classes]]\nname = \"hi\"\npriority = 2\nweight = 1\nworkers = {a}\n[[classes]]\nname = \"lo\"\npriority = 1\nweight = 2\nworkers = {b}\n"
            );
            pools = 2;
            starting = a + b;
            if let Some(shared) = shared {
                pool += &format!("workers = {shared}\n");
                classes +=
                    "[[classes]]\nname = \"mid\"\npriority = 1\nweight = 1\nmax_in_flight = 6\n";
                pools = 3;
                starting += shared;
            }
        }
    }
    let autoscaled = mix.autoscaler > 0 && !sharded;
    let scale_down = match SCALE_DOWN[mix.scale_down] {
        "preempt" if staged || split => "drain",
        other => other,
    };
    pool += &format!("scale_down = \"{scale_down}\"\n");
    if mix.start_up {
        pool += "start_up = \"30ms\"\n";
    }
    if mix.idle_timeout && !split {
        pool += "idle_timeout = \"150ms\"\nmin_workers = 1\n";
    }
    if pool.trim() != "[pool]" {
        text += &pool;
    }
    text += &classes;
    let mut queue = QUEUES[mix.queue].to_string();
    let discipline = DISCIPLINES[mix.discipline];
    if queue.is_empty() {
        queue = "[queue]\n".to_string();
    }
    queue += &format!("discipline = \"{discipline}\"\n");
    text += &queue;
    let mut budget = None;
    if autoscaled {
        let max = 6.max(starting);
        text += &format!(
            "[autoscaler]\n{}min_workers = 1\nmax_workers = {max}\n",
            AUTOSCALERS[mix.autoscaler]
        );
        if !AUTOSCALERS[mix.autoscaler].contains("interval") {
            text += "interval = \"200ms\"\n";
        }
        if let (Some(slack), true) = (mix.budget, pools > 1) {
            let total = starting + slack;
            text += &format!("budget = {total}\nreclaim = {}\n", mix.reclaim);
            budget = Some(total);
        }
    }
    let mut used = std::collections::BTreeSet::new();
    for &feature in &mix.features {
        let table = OPTIONAL[feature];
        if staged && table.starts_with("[hedge]") {
            continue;
        }
        let header = table.lines().next().unwrap_or_default();
        if used.insert(header) {
            text += table;
        }
    }
    for (i, &(workers, buffer, mean_ms)) in mix.stages.iter().enumerate() {
        text += &format!(
            "[[stages]]\nname = \"s{i}\"\nworkers = {workers}\nbuffer = {buffer}\nservice = {{ distribution = \"exponential\", mean = \"{mean_ms}ms\" }}\n"
        );
    }
    (text, budget)
}

/// Steps through a run checking what must hold after every event.
fn step_checked(text: &str, budget: Option<usize>, capacity: Option<usize>) {
    let config = queuelab::scenario::parse(text, "mix.toml").expect("valid");
    let lanes = config.lanes().workers.len();
    let mut engine = Engine::new(&config);
    while engine.step() {
        let snapshot = engine.snapshot();
        assert!(snapshot.busy <= snapshot.pool_size, "{snapshot:?}\n{text}");
        let call_limit = config.downstream.as_ref().and_then(|d| d.max_in_flight);
        assert!(
            snapshot.calls_in_flight <= call_limit.unwrap_or(usize::MAX)
                && snapshot.calls_in_flight <= snapshot.busy,
            "{snapshot:?}\n{text}"
        );
        if let Some(budget) = budget {
            assert!(
                snapshot.pool_size <= budget && snapshot.target_size <= budget,
                "{snapshot:?} over the budget {budget}\n{text}"
            );
        }
        if let Some(capacity) = capacity {
            assert!(snapshot.queued <= capacity * lanes, "{snapshot:?}\n{text}");
        }
    }
}

fn check(mix: &Mix) {
    let (text, budget) = scenario(mix);
    let config =
        queuelab::scenario::parse(&text, "mix.toml").unwrap_or_else(|e| panic!("{e}\n{text}"));
    let summary = Engine::new(&config).run();
    assert!(!summary.truncated, "{text}");
    if config.warmup.is_zero() {
        assert_every_request_counted_once(&summary);
    }
    for (name, part) in summary
        .stages
        .iter()
        .chain(&summary.shards)
        .chain(&summary.pools)
    {
        assert!(
            part.utilization + part.blocked_ratio <= 1.0 + 1e-9,
            "{name}: {part:#?}\n{text}"
        );
        assert!(part.utilization >= 0.0 && part.blocked_ratio >= 0.0);
    }
    for (i, stage) in config.stages.iter().enumerate() {
        let measured = &summary.stages[&format!("s{i}")];
        assert!(
            measured.max_queue_len <= stage.buffer as u64,
            "s{i}: {measured:#?}\n{text}"
        );
    }
    // Preempted jobs go back to the front of a full queue (re-run, not lost).
    let capacity = config
        .queue
        .capacity
        .filter(|_| config.scale_down != queuelab::scenario::ScaleDown::Preempt);
    if let Some(capacity) = capacity {
        for (name, part) in summary.shards.iter().chain(&summary.pools) {
            assert!(
                part.max_queue_len <= capacity as u64,
                "{name}: {part:#?}\n{text}"
            );
        }
        if summary.shards.is_empty() && summary.pools.is_empty() {
            assert!(summary.max_queue_len <= capacity as u64, "{text}");
        }
    }
    if let Some(budget) = budget {
        assert!(
            summary.pool.max <= budget as u64,
            "{:#?}\n{text}",
            summary.pool
        );
    }
    assert!(summary.utilization <= 1.0 + 1e-9, "{text}");
    // The parts of a split pool add up to the pool; so does a pipeline's first stage.
    let close = |a: f64, b: f64| (a - b).abs() <= 1e-6 * a.abs().max(b.abs()).max(1.0);
    let busy = summary.utilization * summary.pool.mean;
    for parts in [&summary.shards, &summary.pools] {
        if parts.is_empty() {
            continue;
        }
        let workers: f64 = parts.values().map(|p| p.workers).sum();
        let queued: f64 = parts.values().map(|p| p.mean_queue_len).sum();
        let occupied: f64 = parts
            .values()
            .map(|p| (p.utilization + p.blocked_ratio) * p.workers)
            .sum();
        assert!(
            close(workers, summary.pool.mean),
            "workers {workers}: {summary:#?}\n{text}"
        );
        assert!(
            close(queued, summary.mean_queue_len),
            "queue {queued}: {summary:#?}\n{text}"
        );
        assert!(
            close(occupied, busy),
            "busy {occupied} vs {busy}: {summary:#?}\n{text}"
        );
    }
    if let Some(pool) = summary.stages.get("pool") {
        assert!(
            close(pool.workers, summary.pool.mean),
            "{summary:#?}\n{text}"
        );
        assert!(
            close(pool.mean_queue_len, summary.mean_queue_len),
            "{summary:#?}\n{text}"
        );
        let occupied = (pool.utilization + pool.blocked_ratio) * pool.workers;
        assert!(close(occupied, busy), "{summary:#?}\n{text}");
    }

    let again = Engine::new(&config).run();
    assert_eq!(summary.fingerprint(), again.fingerprint(), "{text}");

    let mut sliced = Engine::new(&config);
    let mut t = SimTime::ZERO;
    while !sliced.is_finished() {
        t += SimDuration::from_millis(137);
        sliced.run_until(t);
        assert!(t < SimTime::ZERO + SimDuration::from_secs(100), "{text}");
    }
    assert_eq!(
        summary.fingerprint(),
        sliced.summary().fingerprint(),
        "run_until in slices\n{text}"
    );
    step_checked(&text, budget, capacity);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn random_mixes_of_split_pools_pipelines_and_policies_hold_together(mix in mix()) {
        check(&mix);
    }
}
