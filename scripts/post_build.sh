#!/usr/bin/env bash
# Trunk's post_build hook (Trunk.toml), on every `trunk build` and `trunk serve` rebuild. Two steps
# in one hook because Trunk runs a stage's hooks at the same time, and their order matters:
#   1. `queuelab prerender` writes the first paint into the staged site: the catalog into
#      index.html, every exercise and the sandbox under first-paint/ (src/prerender: static HTML
#      from the same catalog the app compiles in, shown before the WebAssembly has loaded);
#   2. scripts/csp.py then pins the page's inline scripts (Trunk's loader and the first paint's
#      router) by their hashes in the Content-Security-Policy.
# The generator is the native `queuelab` binary (dev profile: it shares target/debug with the
# tests and rebuilds incrementally).
set -euo pipefail
cd "$(dirname "$0")/.."
: "${TRUNK_STAGING_DIR:?run me as a Trunk post_build hook}"
cargo run --quiet --locked --bin queuelab -- prerender "$TRUNK_STAGING_DIR"
python3 scripts/csp.py
