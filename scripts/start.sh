#!/usr/bin/env bash
# Sets up a fresh machine (everything beyond Rust, Node and apt), installs the `queuelab` CLI into
# ~/.cargo/bin, then builds and serves the browser playground on http://127.0.0.1:8080/.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"
printf '\033[1m==> installing the queuelab CLI into ~/.cargo/bin\033[0m\n'
cargo install --path . --locked --quiet --force
cat <<'MSG'

The CLI is ready (in ~/.cargo/bin):
  queuelab run scenarios/mmc.toml
  queuelab sweep scenarios/mmc.toml --param pool.workers=4..12 --metric latency.p99
  queuelab check exercises/ scenarios/

Building the playground; it will be served at  http://127.0.0.1:8080/  (Ctrl-C stops it).
MSG
exec trunk serve --release
