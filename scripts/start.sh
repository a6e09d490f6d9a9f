#!/usr/bin/env bash
# Sets up a fresh machine, installs the `queuelab` CLI into ~/.cargo/bin and runs an example.
# (The browser playground will be served from here too once it exists; see the issues.)
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export PATH="$HOME/.cargo/bin:$PATH"
printf '\033[1m==> installing the queuelab CLI\033[0m\n'
cargo install --path . --locked --quiet --force
printf '\033[1m==> example: queuelab run scenarios/mmc.toml\033[0m\n'
queuelab run scenarios/mmc.toml
cat <<'MSG'

queuelab is installed in ~/.cargo/bin. Try:
  queuelab run scenarios/shed-vs-block.toml --chart out/dashboard.svg
  queuelab sweep scenarios/mmc.toml --param pool.workers=4..12 --metric latency.p99
  queuelab check scenarios/
MSG
