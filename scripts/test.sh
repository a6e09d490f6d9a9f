#!/usr/bin/env bash
# Runs every check and test: formatting, lints (native and wasm), unit + integration + doc tests,
# and the WebAssembly determinism tests under node. Run scripts/setup.sh once first.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
step() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }

step "cargo fmt --check"
cargo fmt --all -- --check

step "clippy (native)"
cargo clippy --all-targets --locked -- -D warnings

step "clippy (wasm32)"
cargo clippy --target wasm32-unknown-unknown --no-default-features --all-targets --locked -- -D warnings

step "unit, integration and doc tests (native)"
cargo test --locked

step "engine determinism in WebAssembly (node)"
WASM_BINDGEN_TEST_ONLY_NODE=1 cargo test --target wasm32-unknown-unknown --no-default-features --locked --test wasm

step "all tests passed"
