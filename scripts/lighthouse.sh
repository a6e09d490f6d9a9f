#!/usr/bin/env bash
# Measures the playground's first load with Lighthouse 13 (mobile and desktop presets) on the
# catalog, an exercise page and the sandbox: the release build (dist/, from `trunk build
# --release`) served gzip-compressed, as a static host would. Prints a table; the JSON reports
# go to test-artifacts/lighthouse/. Not part of scripts/test.sh: it takes minutes and installs
# Lighthouse from npm the first time (into .tools/lighthouse, skipped when already there).
# LIGHTHOUSE_RUNS=N runs each page N times (default 2) and reports each figure's range.
#
#   ./scripts/lighthouse.sh            # build if dist/ is missing, then measure
#   ./scripts/lighthouse.sh --build    # rebuild the release first
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"
LIGHTHOUSE_VERSION=13.5.0
TOOLS=.tools/lighthouse
say() { printf '\033[1m==> %s\033[0m\n' "$*"; }

if [ "$(node -e "try{console.log(require('./$TOOLS/node_modules/lighthouse/package.json').version)}catch{}")" != "$LIGHTHOUSE_VERSION" ]; then
  say "installing lighthouse $LIGHTHOUSE_VERSION into $TOOLS (~1 min, once)"
  mkdir -p "$TOOLS"
  npm install --prefix "$TOOLS" --no-audit --no-fund --no-save "lighthouse@$LIGHTHOUSE_VERSION" >/dev/null
fi
if ! command -v chromium >/dev/null; then
  say "chromium is missing: run scripts/setup.sh first"
  exit 1
fi
if [ "${1:-}" = "--build" ] || [ ! -f dist/index.html ]; then
  say "release build (trunk build --release)"
  trunk build --release
fi
say "measuring (3 pages × mobile and desktop × ${LIGHTHOUSE_RUNS:-2} runs)"
CHROME_PATH=$(command -v chromium) LIGHTHOUSE_BIN="$TOOLS/node_modules/.bin/lighthouse" node scripts/lighthouse.mjs
