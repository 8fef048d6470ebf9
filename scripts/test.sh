#!/usr/bin/env bash
# The tests: installs, builds, and runs every test suite twice, once plain
# and once under AddressSanitizer and UndefinedBehaviorSanitizer.
# Ends with one line "tests: N passed, M failed"; exits non-zero on failure.
set -uo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-deps.sh --for-tests || exit 1

status=0
passed=0
failed=0
run_suites() { # build-dir, extra meson options...
  local dir=$1
  shift
  if [ ! -f "$dir/build.ninja" ]; then
    meson setup "$dir" "$@" >/dev/null || return 1
  fi
  ninja -C "$dir" || return 1
  meson test -C "$dir" --print-errorlogs --num-processes 2
  local rc=$?
  local log="$dir/meson-logs/testlog.json"
  if [ -f "$log" ]; then
    passed=$((passed + $(grep -c '"result": "OK"' "$log")))
    failed=$((failed + $(grep -c '"result": "\(FAIL\|TIMEOUT\|ERROR\)"' "$log")))
  fi
  return $rc
}

echo "== plain build =="
run_suites build || status=1
echo "== AddressSanitizer + UndefinedBehaviorSanitizer build =="
run_suites build-sanitize -Db_sanitize=address,undefined -Db_lundef=false -Dbuildtype=debug || status=1

echo "tests: $passed passed, $failed failed"
[ "$failed" -eq 0 ] || status=1
exit $status
