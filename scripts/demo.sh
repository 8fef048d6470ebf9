#!/usr/bin/env bash
# The demo: installs, builds, indexes the sample corpus and answers a query.
# Usage: bash scripts/demo.sh ["QUERY"]
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-deps.sh
[ -f build/build.ninja ] || meson setup build >/dev/null
ninja -C build >/dev/null

export WTOSEARCH_DB="$PWD/build/demo-index"
rm -rf "$WTOSEARCH_DB" # the demo's own index, made anew each time
./build/cli/wtosearch index corpus/sample
query="${1:-cyber readiness}"
echo
echo "\$ wtosearch search \"$query\""
./build/cli/wtosearch search --color always "$query"
