#!/usr/bin/env bash
# Runs every check and test: formatting, lints (native and wasm), unit + integration + doc tests,
# WebAssembly tests under node and in headless Chromium, the release build of the playground and
# an end-to-end click-through of it. Run scripts/setup.sh once first.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"
step() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }

step "cargo fmt --check"
cargo fmt --all -- --check

step "clippy (native)"
cargo clippy --all-targets --locked -- -D warnings

step "clippy (wasm32)"
cargo clippy --target wasm32-unknown-unknown --no-default-features --features script --all-targets --locked -- -D warnings

step "unit, integration and doc tests (native)"
cargo test --locked

step "engine determinism in WebAssembly (node)"
WASM_BINDGEN_TEST_ONLY_NODE=1 cargo test --target wasm32-unknown-unknown --no-default-features --features script --locked --test wasm

step "playground components and engine in headless Chromium (wasm-bindgen-test)"
# The runner's own timeout covers the whole suite (16 tests, 15-25 s on a busy 2-core machine);
# a generous hang guard, not a speed goal.
CHROMEDRIVER=${CHROMEDRIVER:-/usr/bin/chromedriver} WASM_BINDGEN_TEST_TIMEOUT=${WASM_BINDGEN_TEST_TIMEOUT:-180} \
  cargo test --target wasm32-unknown-unknown --no-default-features --features script --locked --test browser

step "release build of the playground (trunk)"
trunk build --release

step "end-to-end click-through in Chromium (playwright-core); screenshots in test-artifacts/"
node tests/e2e/playground.mjs

step "all tests passed"
