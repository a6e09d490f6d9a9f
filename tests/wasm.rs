//! The engine in WebAssembly must produce bit-identical results to the native build.
//!
//! Run with `cargo test --target wasm32-unknown-unknown --no-default-features --test wasm`
//! (under node via wasm-bindgen-test-runner). The native side of the same check is
//! `tests/it/determinism.rs`; both compare against `tests/golden/determinism.fingerprint`.
#![cfg(target_arch = "wasm32")]

use queuelab::sim::Engine;
use wasm_bindgen_test::wasm_bindgen_test;

const GOLDEN: &str = include_str!("golden/determinism.toml");
const GOLDEN_FINGERPRINT: &str = include_str!("golden/determinism.fingerprint");

#[wasm_bindgen_test]
fn wasm_run_matches_the_native_fingerprint() {
    let config =
        queuelab::scenario::parse(GOLDEN, "determinism.toml").expect("golden scenario parses");
    let summary = Engine::new(&config).run();
    assert_eq!(
        format!("{:016x}", summary.fingerprint()),
        GOLDEN_FINGERPRINT.trim()
    );
}

/// Policy scripts with transcendental maths give the native run in wasm too.
#[wasm_bindgen_test]
fn policy_scripts_in_wasm_match_the_native_fingerprint() {
    let text = include_str!("golden/script.toml");
    let config = queuelab::scenario::parse(text, "script.toml").expect("the script golden parses");
    let summary = Engine::new(&config).run();
    assert!(summary.script_error.is_none());
    assert_eq!(
        format!("{:016x}", summary.fingerprint()),
        include_str!("golden/script.fingerprint").trim()
    );
}

/// Admission, retry, breaker and full-queue scripts give the native run in wasm too.
#[wasm_bindgen_test]
fn hook_scripts_in_wasm_match_the_native_fingerprint() {
    let text = include_str!("golden/hooks.toml");
    let config = queuelab::scenario::parse(text, "hooks.toml").expect("the hooks golden parses");
    let summary = Engine::new(&config).run();
    assert!(summary.script_error.is_none());
    assert_eq!(
        format!("{:016x}", summary.fingerprint()),
        include_str!("golden/hooks.fingerprint").trim()
    );
}

#[wasm_bindgen_test]
fn bad_scenarios_are_errors_in_wasm_too() {
    let error = queuelab::scenario::parse("[pool]\nworkers = 0\n", "x.toml")
        .unwrap_err()
        .to_string();
    assert!(error.contains("x.toml:2:11: pool.workers"), "{error}");
}

/// `keys.count` goes up to 2⁴⁰: in WebAssembly (32-bit `usize`) it must not be cut to 32 bits,
/// or the browser would route requests to other shards than the native build.
#[wasm_bindgen_test]
fn key_counts_beyond_32_bits_are_kept_in_wasm() {
    let text = "[run]\ncustomers = 10\n[arrivals]\nprocess = \"poisson\"\nrate = 1\n\
                [service]\ndistribution = \"constant\"\nvalue = \"1ms\"\n\
                [pool]\nworkers = 2\nshards = 2\n[keys]\ncount = 4294967297\n";
    let config = queuelab::scenario::parse(text, "keys.toml").expect("a valid sharded scenario");
    assert_eq!(config.keys.map(|keys| keys.count), Some(4_294_967_297));
}
