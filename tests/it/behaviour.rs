//! Engine behaviour that theory tables do not cover: each policy does what its name promises.

use super::support::{config, interval, replicate};
use queuelab::sim::Engine;

fn base(extra: &str) -> String {
    format!(
        "[run]\nseed = 5\nduration = \"10m\"\nwarmup = \"30s\"\n[arrivals]\nprocess = \"poisson\"\nrate = 160\n\
         [service]\ndistribution = \"exponential\"\nmean = \"50ms\"\n[pool]\nworkers = 4\n{extra}"
    )
}

#[test]
fn block_moves_the_queue_upstream_and_latency_counts_from_the_intended_time() {
    // Evenly spaced arrivals every 0.5 s, one worker taking 1 s each, no waiting slots: the
    // producer blocks, falls ever further behind, and job n's latency grows as n/2 seconds.
    let text = "[run]\ncustomers = 100\n[arrivals]\nprocess = \"constant\"\nrate = 2\n\
                [service]\ndistribution = \"constant\"\nmean = \"1s\"\n[pool]\nworkers = 1\n\
                [queue]\ncapacity = 0\non_full = \"block\"\n";
    let summary = Engine::new(&config(text)).run();
    assert_eq!(summary.completed, 100);
    assert_eq!(summary.rejected, 0);
    assert!(
        (summary.sim_seconds - 100.5).abs() < 1e-6,
        "{}",
        summary.sim_seconds
    );
    // Job n (0-based) was meant for n/2 s and finished at n + 1 s.5: latency n/2 + 1.
    assert!(
        (summary.latency.max - 50.5).abs() < 0.3,
        "{}",
        summary.latency.max
    );
    assert!(
        (summary.latency.mean - 25.75).abs() < 0.2,
        "{}",
        summary.latency.mean
    );
}

#[test]
fn at_twice_capacity_reject_bounds_latency_and_block_does_not() {
    let reject = Engine::new(&config(&base(
        "[queue]\ncapacity = 32\non_full = \"reject\"\n",
    )))
    .run();
    let block = Engine::new(&config(&base(
        "[queue]\ncapacity = 32\non_full = \"block\"\n",
    )))
    .run();
    let timeout = Engine::new(&config(&base(
        "[queue]\ncapacity = 32\non_full = \"timeout\"\ntimeout = \"100ms\"\n",
    )))
    .run();
    assert!(
        reject.rejected_ratio > 0.4 && reject.latency.p99 < 1.0,
        "{reject:?}"
    );
    assert_eq!(block.rejected, 0);
    assert!(
        block.latency.p99 > 60.0,
        "blocked producers fall minutes behind: {}",
        block.latency.p99
    );
    assert!(
        timeout
            .rejected_by_reason
            .get("timeout")
            .copied()
            .unwrap_or(0)
            > 0
    );
    assert!(timeout.latency.p99 < reject.latency.p99 + 0.2);
    for summary in [&reject, &block, &timeout] {
        assert!(
            (summary.utilization - 1.0).abs() < 0.02,
            "saturated: {}",
            summary.utilization
        );
    }
}

#[test]
fn drop_oldest_keeps_the_freshest_jobs() {
    let drop_oldest = Engine::new(&config(&base(
        "[queue]\ncapacity = 32\non_full = \"drop-oldest\"\n",
    )))
    .run();
    let reject = Engine::new(&config(&base(
        "[queue]\ncapacity = 32\non_full = \"reject\"\n",
    )))
    .run();
    assert_eq!(drop_oldest.rejected, 0);
    assert!(drop_oldest.dropped > 10_000);
    // Survivors are the young ones: their wait is far below a FIFO that makes everybody queue.
    assert!(
        drop_oldest.wait.p50 < 0.6 * reject.wait.p50,
        "{} vs {}",
        drop_oldest.wait.p50,
        reject.wait.p50
    );
}

#[test]
fn watermark_sheds_between_the_marks() {
    let text = base("[queue]\ncapacity = 32\non_full = \"watermark\"\nshed_at = 24\nresume_below = 12\nsample_interval = \"1s\"\n");
    let text = text.replace("sample_interval = \"1s\"\n", "").replace(
        "warmup = \"30s\"",
        "warmup = \"30s\"\nsample_interval = \"100ms\"",
    );
    let (summary, series) = Engine::new(&config(&text)).run_with_series();
    assert!(summary.rejected_by_reason["watermark"] > 1000);
    assert!(
        !summary.rejected_by_reason.contains_key("queue_full"),
        "the queue never fills past 24"
    );
    let peak = series
        .points()
        .iter()
        .map(|p| p.queue_len)
        .fold(0.0, f64::max);
    assert!(peak <= 24.0 && peak > 20.0, "{peak}");
    assert!(
        summary.mean_queue_len > 12.0 && summary.mean_queue_len < 24.0,
        "{}",
        summary.mean_queue_len
    );
}

#[test]
fn deadlines_count_timeouts_and_cancel_wastes_less_than_finish() {
    let finish = base(
        "[queue]\ncapacity = 100\n[deadline]\ntimeout = \"300ms\"\nstarted_work = \"finish\"\n",
    );
    let cancel = finish.replace("\"finish\"", "\"cancel\"");
    let finish = Engine::new(&config(&finish)).run();
    let cancel = Engine::new(&config(&cancel)).run();
    assert!(finish.timed_out > 1000 && cancel.timed_out > 1000);
    assert!(finish.wasted_work_seconds > cancel.wasted_work_seconds);
    assert!(
        cancel.completed > finish.completed,
        "cancelling frees workers for live jobs"
    );
    assert!(finish.latency.max <= 0.3 + 1e-9 || finish.completed > 0);
    assert!(
        cancel.latency.max <= 0.300_000_001,
        "no completed job is older than its deadline: {}",
        cancel.latency.max
    );
}

#[test]
fn priority_serves_the_important_class_first() {
    let text = base(
        "[queue]\ncapacity = 200\ndiscipline = \"priority\"\n\
         [[classes]]\nname = \"high\"\nweight = 1\npriority = 9\n[[classes]]\nname = \"low\"\nweight = 3\n",
    )
    .replace("rate = 160", "rate = 76");
    let summary = Engine::new(&config(&text)).run();
    let (high, low) = (&summary.classes["high"], &summary.classes["low"]);
    assert!(
        high.latency.p99 * 3.0 < low.latency.p99,
        "{} vs {}",
        high.latency.p99,
        low.latency.p99
    );
    let share = high.arrivals as f64 / summary.arrivals as f64;
    assert!((share - 0.25).abs() < 0.01, "{share}");
}

#[test]
fn lifo_trades_tail_latency_for_median() {
    let fifo = base("[queue]\ncapacity = 200\n").replace("rate = 160", "rate = 76");
    let lifo = fifo.replace("capacity = 200", "capacity = 200\ndiscipline = \"lifo\"");
    let fifo = Engine::new(&config(&fifo)).run();
    let lifo = Engine::new(&config(&lifo)).run();
    assert!(lifo.wait.p50 < fifo.wait.p50);
    assert!(lifo.wait.p999 > fifo.wait.p999);
    assert!(
        (lifo.wait.mean - fifo.wait.mean).abs() < 0.15 * fifo.wait.mean,
        "same mean (work-conserving)"
    );
}

#[test]
fn queue_depth_autoscaler_grows_under_a_spike_and_shrinks_after() {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/scenarios/spike-autoscale.toml"
    ))
    .unwrap();
    let (summary, series) = Engine::new(&config(&text)).run_with_series();
    let at = |t: f64| {
        series
            .points()
            .iter()
            .find(|p| p.end >= t)
            .unwrap()
            .pool_size
    };
    assert!(at(30.0) < 5.0, "quiet start: {}", at(30.0));
    assert!(at(170.0) > 30.0, "grown during the spike: {}", at(170.0));
    assert!(summary.pool.max <= 64 && summary.pool.max > 30);
    assert!(at(359.0) < at(200.0), "shrinking after the spike");
    // Shrinks are one worker per 30 s at most.
    let shrink_rate = (at(250.0) - at(359.0)) / 109.0;
    assert!(shrink_rate <= 1.0 / 30.0 * 1.5, "{shrink_rate}");
}

#[test]
fn closed_loop_matches_mean_value_analysis() {
    // N clients, exponential think Z = 1 s, one exponential server S = 0.2 s: exact MVA.
    let (n, z, s) = (10, 1.0, 0.2);
    let mut queue = 0.0;
    let (mut x, mut r) = (0.0, 0.0);
    for clients in 1..=n {
        r = s * (1.0 + queue);
        x = clients as f64 / (z + r);
        queue = x * r;
    }
    let text = format!(
        "[run]\nseed = 2\ncustomers = 200000\nwarmup = \"500s\"\n[arrivals]\nprocess = \"closed\"\nclients = {n}\n\
         think = {{ distribution = \"exponential\", mean = \"{z}s\" }}\n\
         [service]\ndistribution = \"exponential\"\nmean = \"{s}s\"\n[pool]\nworkers = 1\n"
    );
    let runs = replicate(&config(&text), 12);
    let (throughput, half) = interval(&runs, "throughput");
    assert!(
        (throughput - x).abs() <= half,
        "X: {throughput} ± {half} vs MVA {x}"
    );
    let (latency, half) = interval(&runs, "latency.mean");
    assert!(
        (latency - r).abs() <= half,
        "R: {latency} ± {half} vs MVA {r}"
    );
    assert!(half < 0.05 * r);
}

#[test]
fn schedule_arrivals_follow_the_ramp() {
    let text = "[run]\nduration = \"180s\"\nsample_interval = \"10s\"\n[arrivals]\nprocess = \"schedule\"\n\
                segments = [{ duration = \"60s\", from = 100, to = 2000 }, { duration = \"60s\", rate = 2000 }, { duration = \"60s\", from = 2000, to = 100 }]\n\
                [service]\ndistribution = \"constant\"\nmean = \"1ms\"\n[pool]\nworkers = 8\n";
    let (summary, series) = Engine::new(&config(text)).run_with_series();
    let expected = 63_000.0 * 2.0 + 120_000.0;
    assert!(
        (summary.arrivals as f64 - expected).abs() < 4.0 * expected.sqrt(),
        "{}",
        summary.arrivals
    );
    let middle = series.points().iter().find(|p| p.start >= 80.0).unwrap();
    assert!(
        (middle.offered - 2000.0).abs() < 100.0,
        "{}",
        middle.offered
    );
}

#[test]
fn fair_queuing_shields_a_quiet_tenant_from_a_noisy_one() {
    let tenants = |discipline: &str| {
        format!(
            "[run]\nseed = 9\nduration = \"10m\"\nwarmup = \"30s\"\n[service]\ndistribution = \"exponential\"\nmean = \"20ms\"\n\
             [pool]\nworkers = 8\n[queue]\ncapacity = 2000\ndiscipline = \"{discipline}\"\n\
             [[classes]]\nname = \"quiet\"\narrivals = {{ process = \"poisson\", rate = 50 }}\n\
             [[classes]]\nname = \"noisy\"\narrivals = {{ process = \"bursts\", rate = 1200, on = \"2s\", off = \"8s\" }}\n"
        )
    };
    let fifo = Engine::new(&config(&tenants("fifo"))).run();
    let fair = Engine::new(&config(&tenants("fair"))).run();
    let (before, after) = (
        fifo.classes["quiet"].latency.p99,
        fair.classes["quiet"].latency.p99,
    );
    assert!(
        after * 5.0 < before,
        "quiet p99: {before} in one FIFO, {after} with fair queuing"
    );
    assert!(
        fair.classes["noisy"].completed > fifo.classes["noisy"].completed * 9 / 10,
        "the noisy tenant still gets its share"
    );
}
