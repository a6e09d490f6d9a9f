//! Pipelines (`[[stages]]`): queueing theory for a tandem, backpressure through bounded buffers,
//! accounting, and common random numbers across stages.

use crate::support::{assert_every_request_counted_once, config, interval, replicate};
use queuelab::sim::Engine;
use queuelab::theory::Prediction;

fn tandem(front_workers: usize, buffer: usize, extra: &str) -> String {
    format!(
        r#"
[run]
customers = 60000
seed = 11
warmup = "100s"
[arrivals]
process = "poisson"
rate = 5
[service]
distribution = "exponential"
mean = "300ms"
[pool]
workers = {front_workers}
{extra}
[[stages]]
name = "second"
workers = 1
buffer = {buffer}
service = {{ distribution = "exponential", mean = "100ms" }}
"#
    )
}

/// Burke's theorem: an M/M/c stage sends a Poisson stream on, so with unbounded buffers the
/// tandem's mean latency is the sum of each stage's M/M/c sojourn (a Jackson network).
#[test]
fn tandem_with_unbounded_buffers_matches_jackson() {
    let summaries = replicate(&config(&tandem(2, 10_000_000, "")), 10);
    let first = Prediction::mmc(2, 5.0, 1.0 / 0.3).expect("stable");
    let second = Prediction::mmc(1, 5.0, 10.0).expect("stable");
    let expected = first.latency_mean + second.latency_mean;
    let (mean, half_width) = interval(&summaries, "latency.mean");
    assert!(
        (mean - expected).abs() < half_width.max(0.01 * expected),
        "latency {mean} ± {half_width}, Jackson {expected}"
    );
    let (pool, _) = interval(&summaries, "stages.pool.latency.mean");
    let (later, _) = interval(&summaries, "stages.second.latency.mean");
    assert!((pool - first.latency_mean).abs() < 0.03 * first.latency_mean);
    assert!((later - second.latency_mean).abs() < 0.03 * second.latency_mean);
    let (utilization, _) = interval(&summaries, "stages.second.utilization");
    assert!(
        (utilization - 0.5).abs() < 0.01,
        "second stage ρ = {utilization}"
    );
    for summary in &summaries {
        assert!(summary.littles_law_residual.abs() < 0.01, "{summary:#?}");
    }
}

/// A slow last stage behind a small buffer: its workers set the pace, the first pool's workers
/// spend their time blocked, and the backlog shows up at the front queue, where the overflow
/// policy refuses it — memory stays bounded everywhere.
#[test]
fn a_bottleneck_behind_a_bounded_buffer_pushes_back_to_the_front_queue() {
    let text = tandem(
        4,
        4,
        "[queue]\ncapacity = 20\non_full = \"reject\"\n[[stages]]\nname = \"slow\"\nworkers = 1\nbuffer = 4\nservice = { distribution = \"exponential\", mean = \"400ms\" }",
    );
    // `slow` comes before `second` in the file, so the pipeline is pool → slow → second.
    let summary = Engine::new(&config(&text)).run();
    let slow = &summary.stages["slow"];
    let pool = &summary.stages["pool"];
    assert_eq!(slow.position, 2);
    assert!(slow.utilization > 0.97, "{slow:#?}");
    assert!(pool.blocked_ratio > 0.3, "{pool:#?}");
    assert!(slow.max_queue_len <= 4);
    assert!(summary.max_queue_len <= 20);
    assert!(
        (summary.throughput - 2.5).abs() < 0.15,
        "throughput {} is the slow stage's 1 / 400 ms",
        summary.throughput
    );
    assert!(summary.rejected_ratio > 0.4, "{summary:#?}");
    assert_eq!(summary.stages["second"].blocked_ratio, 0.0);
    assert!(
        (pool.utilization + pool.blocked_ratio - summary.utilization).abs() < 1e-9,
        "a pool worker is busy when working or holding: {summary:#?}"
    );
}

/// The same bottleneck with an unbuffered hand-off and blocking senders: nothing is refused,
/// and the whole backlog waits at the front.
#[test]
fn unbuffered_hand_off_blocks_every_stage_in_turn() {
    let text = tandem(2, 0, "[queue]\ncapacity = 10\non_full = \"block\"")
        .replace("mean = \"100ms\"", "mean = \"250ms\"");
    let summary = Engine::new(&config(&text)).run();
    assert_eq!(summary.rejected, 0);
    assert_eq!(summary.stages["second"].max_queue_len, 0);
    assert!(summary.stages["pool"].blocked_ratio > 0.05, "{summary:#?}");
    assert_every_request_counted_once(&summary);
}

/// Each item's work at a later stage is drawn from its request's number: resizing the first pool
/// changes when items reach the stage, never how much work they bring.
#[test]
fn later_stage_work_does_not_depend_on_the_pool_in_front() {
    let run = |workers: usize| {
        let text = tandem(workers, 1000, "").replace("workers = 1\n", "workers = 1000\n");
        Engine::new(&config(&text)).run()
    };
    let (small, large) = (run(2), run(6));
    let (a, b) = (
        &small.stages["second"].latency,
        &large.stages["second"].latency,
    );
    assert_ne!(small.latency.mean, large.latency.mean);
    assert!((a.mean - b.mean).abs() < 1e-12, "{a:?} vs {b:?}");
    assert_eq!(a.max, b.max);
}

/// Deadlines, retries, a graceful shutdown and chaos at the front, with items in every stage:
/// each request still ends exactly one way.
#[test]
fn every_request_is_counted_once_in_a_pipeline() {
    for seed in 1..=12 {
        let text = format!(
            r#"
[run]
duration = "60s"
seed = {seed}
[arrivals]
process = "poisson"
rate = 40
[service]
distribution = "exponential"
mean = "40ms"
[pool]
workers = 2
[queue]
capacity = 30
on_full = "timeout"
timeout = "50ms"
[deadline]
timeout = "{deadline}ms"
started_work = "cancel"
[retry]
max_attempts = 3
backoff = "20ms"
[chaos]
panic_rate = 0.05
[shutdown]
at = "40s"
drain_timeout = "{drain}s"
[[stages]]
name = "two"
workers = 2
buffer = {buffer}
service = {{ distribution = "lognormal", mean = "45ms", scv = 2 }}
[[stages]]
name = "three"
workers = 1
buffer = 3
service = {{ distribution = "exponential", mean = "20ms" }}
"#,
            deadline = 150 + seed * 40,
            drain = seed % 3,
            buffer = seed % 4,
        );
        let summary = Engine::new(&config(&text)).run();
        assert_every_request_counted_once(&summary);
        assert!(
            summary.completed > 0 && summary.timed_out > 0,
            "{summary:#?}"
        );
    }
}

#[test]
fn pipelines_are_deterministic() {
    let text = tandem(3, 2, "");
    let a = Engine::new(&config(&text)).run();
    let b = Engine::new(&config(&text)).run();
    assert_eq!(a.fingerprint(), b.fingerprint());
}

#[test]
fn stage_mistakes_are_reported_with_their_position() {
    let base = |edit: &str| {
        format!(
            "[run]\ncustomers = 10\n[arrivals]\nprocess = \"poisson\"\nrate = 1\n\
             [service]\ndistribution = \"constant\"\nvalue = \"10ms\"\n[pool]\nworkers = 1\n{edit}"
        )
    };
    let stage = "service = { distribution = \"constant\", value = \"1ms\" }";
    let cases = [
        (
            format!("[[stages]]\nworkers = 1\n{stage}"),
            "stages[0].name: is required",
        ),
        (
            format!("[[stages]]\nname = \"pool\"\nworkers = 1\n{stage}"),
            "names the first stage",
        ),
        (
            format!("[[stages]]\nname = \"a\"\nworkers = 1\n{stage}\n[[stages]]\nname = \"a\"\nworkers = 1\n{stage}"),
            "stages[1].name: \"a\" is used by an earlier stage",
        ),
        (
            format!("[[stages]]\nname = \"a\"\n{stage}"),
            "stages[0].workers: is required",
        ),
        (
            format!("[[stages]]\nname = \"a\"\nworkers = 0\n{stage}"),
            "stages[0].workers: must be between 1",
        ),
        (
            format!("[[stages]]\nname = \"a\"\nworkers = 1\nbuffer = -1\n{stage}"),
            "stages[0].buffer: must be between 0",
        ),
        (
            "[[stages]]\nname = \"a\"\nworkers = 1".to_string(),
            "stages[0].service: is required",
        ),
        (
            format!("[[stages]]\nname = \"a\"\nworkers = 1\nbufer = 2\n{stage}"),
            "unknown field `bufer`",
        ),
        (
            format!("[hedge]\ndelay = \"5ms\"\n[[stages]]\nname = \"a\"\nworkers = 1\n{stage}"),
            "hedge: hedged requests cannot be combined with [[stages]]",
        ),
    ];
    let cases: Vec<(&str, &str)> = cases.iter().map(|(a, b)| (a.as_str(), *b)).collect();
    crate::support::assert_refused(&cases, base);
    let preempt = base(&format!("[[stages]]\nname = \"a\"\nworkers = 1\n{stage}")).replace(
        "workers = 1\n[[",
        "workers = 1\nscale_down = \"preempt\"\n[[",
    );
    let error = queuelab::scenario::parse(&preempt, "case.toml").expect_err("preempt");
    assert!(error.to_string().contains("pool.scale_down"), "{error}");
}

/// Optional features that act at the first pool, as TOML tables.
const FRONT_FEATURES: &[&str] = &[
    "[queue]\ncapacity = 6\non_full = \"reject\"\n",
    "[queue]\ncapacity = 6\non_full = \"block\"\n",
    "[queue]\ncapacity = 6\non_full = \"timeout\"\ntimeout = \"30ms\"\n",
    "[queue]\ncapacity = 6\non_full = \"drop-oldest\"\n",
    "[deadline]\ntimeout = \"250ms\"\nstarted_work = \"cancel\"\n",
    "[deadline]\ntimeout = \"150ms\"\n",
    "[retry]\nmax_attempts = 3\nbackoff = \"10ms\"\njitter = \"full\"\n",
    "[chaos]\npanic_rate = 0.1\nrestart = \"5ms\"\n",
    "[shutdown]\nat = \"6s\"\ndrain_timeout = \"300ms\"\n",
    "[autoscaler]\nkind = \"queue-depth\"\nmin_workers = 1\nmax_workers = 6\ninterval = \"200ms\"\nscale_up_queue_len = 3\n",
    "[limiter]\nkind = \"aimd\"\nlimit = 4\n",
    "[downstream]\nlatency = { distribution = \"exponential\", mean = \"5ms\" }\nerror_rate = 0.1\n[breaker]\nwindow_size = 10\nminimum_calls = 5\nwait_in_open = \"200ms\"\n",
    "[rate_limit]\nrate = 60\nburst = 5\non_limit = \"delay\"\n",
];

fn random_pipeline(
    seed: u64,
    features: &[usize],
    stages: &[(usize, usize, u64)],
    closed: bool,
    sharded: bool,
) -> String {
    let arrivals = if closed {
        "[arrivals]\nprocess = \"closed\"\nclients = 12\nthink = { distribution = \"exponential\", mean = \"50ms\" }\n"
    } else {
        "[arrivals]\nprocess = \"poisson\"\nrate = 90\n"
    };
    let mut text = format!(
        "[run]\nduration = \"8s\"\nseed = {seed}\n{arrivals}[service]\ndistribution = \"exponential\"\nmean = \"20ms\"\n[pool]\nworkers = 2\n"
    );
    if sharded {
        text.push_str("shards = 2\n[keys]\ncount = 50\nhot_share = 0.3\n");
    }
    let mut used = std::collections::BTreeSet::new();
    for &feature in features {
        let table = FRONT_FEATURES[feature % FRONT_FEATURES.len()];
        if sharded && table.starts_with("[autoscaler]") {
            continue;
        }
        let header = table.lines().next().unwrap_or_default();
        if used.insert(header) {
            text.push_str(table);
        }
    }
    for (i, &(workers, buffer, mean_ms)) in stages.iter().enumerate() {
        text.push_str(&format!(
            "[[stages]]\nname = \"s{i}\"\nworkers = {workers}\nbuffer = {buffer}\nservice = {{ distribution = \"lognormal\", mean = \"{mean_ms}ms\", scv = 1.5 }}\n"
        ));
    }
    text
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig { cases: 300, failure_persistence: None, ..Default::default() })]

    /// Random pipelines mixing the first pool's policies: every request ends exactly one way,
    /// stage counts add up, and nothing runs away.
    #[test]
    fn random_pipelines_count_every_request_once(
        seed in 0u64..1000,
        features in proptest::collection::vec(0usize..FRONT_FEATURES.len(), 0..5),
        stages in proptest::collection::vec((1usize..4, 0usize..4, 5u64..40), 1..4),
        closed in proptest::bool::weighted(0.25),
        sharded in proptest::bool::weighted(0.3),
    ) {
        let text = random_pipeline(seed, &features, &stages, closed, sharded);
        let config = queuelab::scenario::parse(&text, "random.toml")
            .unwrap_or_else(|e| panic!("{e}\n{text}"));
        let summary = Engine::new(&config).run();
        proptest::prop_assert!(!summary.truncated, "{text}");
        assert_every_request_counted_once(&summary);
        let last = format!("s{}", stages.len() - 1);
        proptest::prop_assert!(summary.stages[&last].completed >= summary.completed, "{text}\n{summary:#?}");
        for (i, &(_, buffer, _)) in stages.iter().enumerate() {
            let stage = &summary.stages[&format!("s{i}")];
            proptest::prop_assert!(stage.max_queue_len <= buffer as u64);
            proptest::prop_assert!(stage.utilization + stage.blocked_ratio <= 1.0 + 1e-9);
        }
    }
}

/// A request whose client gives up while its item is in a later stage is retried: the new
/// attempt's time in the first pool counts from the request's arrival, like every other item's,
/// not from when the abandoned attempt reached the later stage.
#[test]
fn a_retried_attempt_s_time_in_the_pool_counts_from_the_request_s_arrival() {
    let text = r#"
[run]
customers = 1
[arrivals]
process = "poisson"
rate = 1
[service]
distribution = "constant"
value = "10ms"
[pool]
workers = 1
[deadline]
timeout = "50ms"
[retry]
max_attempts = 2
backoff = "1ms"
jitter = "none"
[[stages]]
name = "slow"
workers = 1
buffer = 1
service = { distribution = "constant", value = "100ms" }
"#;
    let summary = Engine::new(&config(text)).run();
    assert_eq!((summary.timed_out, summary.retries), (1, 1), "{summary:#?}");
    let pool = &summary.stages["pool"];
    assert_eq!(pool.completed, 2);
    // The first attempt leaves the pool 10 ms after arrival, gives up at 50 ms, is retried at
    // 51 ms and leaves the pool again at 61 ms, for the slow stage's buffer.
    assert!((pool.latency.max - 0.061).abs() < 1e-3, "{pool:#?}");
}
