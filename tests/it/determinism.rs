//! Same seed → identical results; different seed → different; slicing a run changes nothing.

use super::support::config;
use queuelab::sim::Engine;
use queuelab::time::SimDuration;

const GOLDEN: &str = include_str!("../golden/determinism.toml");
const GOLDEN_FINGERPRINT: &str = include_str!("../golden/determinism.fingerprint");

#[test]
fn same_seed_gives_identical_summaries_and_series() {
    let config = config(GOLDEN);
    let (a, series_a) = Engine::new(&config).run_with_series();
    let (b, series_b) = Engine::new(&config).run_with_series();
    assert_eq!(a, b);
    assert_eq!(series_a, series_b);
    assert!(
        a.completed > 100_000,
        "the golden scenario should do real work: {}",
        a.completed
    );
    assert!(
        a.timed_out > 0 && a.rejected > 0 && a.pool.resizes > 0,
        "{a:?}"
    );
}

#[test]
fn different_seeds_give_different_summaries() {
    let mut config = config(GOLDEN);
    let a = Engine::new(&config).run();
    config.seed += 1;
    let b = Engine::new(&config).run();
    assert_ne!(a.fingerprint(), b.fingerprint());
    assert_ne!(a.latency, b.latency);
}

#[test]
fn running_in_slices_equals_running_at_once() {
    let config = config(GOLDEN);
    let whole = Engine::new(&config).run();
    let mut sliced = Engine::new(&config);
    let mut frames = 0;
    while !sliced.is_finished() {
        sliced.run_for(SimDuration::from_millis(16_700));
        frames += 1;
    }
    assert!(frames > 50);
    assert_eq!(sliced.summary(), whole);
}

#[test]
fn golden_fingerprint_matches_native_run() {
    let summary = Engine::new(&config(GOLDEN)).run();
    let fingerprint = format!("{:016x}", summary.fingerprint());
    if std::env::var_os("QUEUELAB_BLESS").is_some() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/golden/determinism.fingerprint"
        );
        std::fs::write(path, format!("{fingerprint}\n")).unwrap();
        return;
    }
    assert_eq!(
        fingerprint,
        GOLDEN_FINGERPRINT.trim(),
        "the engine's output changed; if intended, rerun with QUEUELAB_BLESS=1 and commit tests/golden/determinism.fingerprint (the wasm test checks the same value)"
    );
}

#[test]
fn changing_workers_keeps_the_same_arrivals_and_job_sizes() {
    // Common random numbers: K changes nothing about which jobs arrive, so A/B comparisons are fair.
    let text = "[run]\nseed = 3\ncustomers = 20000\n[arrivals]\nprocess = \"poisson\"\nrate = 3\n\
                [service]\ndistribution = \"exponential\"\nmean = \"1s\"\n[pool]\nworkers = 4\n";
    let mut config = config(text);
    let four = Engine::new(&config).run();
    config.workers = 8;
    let eight = Engine::new(&config).run();
    assert_eq!(four.service.mean, eight.service.mean);
    assert_eq!(four.service.max, eight.service.max);
    assert!(four.wait.mean > eight.wait.mean);
}
