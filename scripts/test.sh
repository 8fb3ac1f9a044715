#!/usr/bin/env bash
# Runs everything CI runs and ends with exactly one summary line: "N passed, N failed".
#
#   gate  NAME CMD...        a check with no test count (format, typecheck, lint): a failure counts as 1 failed
#   suite NAME JSON CMD...   a test suite that writes a JSON report; passed/failed are read from JSON
#                            (vitest, Playwright, or a plain {"passed": N, "failed": N} object)
#
# To add a suite, append one line at the bottom, e.g.
#   suite conformance test-results/conformance.json npm run -s conformance
set -uo pipefail

cd "$(dirname "$0")/.."

PASSED=0
FAILED=0
FAILED_STEPS=()

log() { printf '\n\033[1m== %s\033[0m\n' "$*" >&2; }

# --- prerequisites -------------------------------------------------------------------------------------------
if [ ! -x /usr/bin/chromium ] && [ -z "${CHROMIUM_PATH:-}" ]; then
  log "installing Debian's chromium (Playwright's browser downloads are not reachable)"
  SUDO=""
  if [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1; then SUDO="sudo"; fi
  $SUDO apt-get update && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y chromium \
    || echo "warning: could not install chromium; e2e tests will fail" >&2
fi

if ! command -v tshark >/dev/null 2>&1; then
  log "installing Debian's tshark (test/pcapng.test.ts dissects the pcapng export with it)"
  SUDO=""
  if [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1; then SUDO="sudo"; fi
  $SUDO apt-get update && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y tshark \
    || echo "warning: could not install tshark; the pcapng test will be skipped" >&2
fi

if ! dpkg -s fonts-wqy-microhei >/dev/null 2>&1; then
  log "installing a CJK font (the zh-CN screenshots need Chinese glyphs)"
  SUDO=""
  if [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1; then SUDO="sudo"; fi
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y fonts-wqy-microhei \
    || echo "warning: could not install fonts-wqy-microhei; Chinese text renders as boxes in screenshots" >&2
fi

if [ ! -d node_modules ]; then
  log "npm ci"
  npm ci || { echo "npm ci failed" >&2; echo "0 passed, 1 failed"; exit 1; }
fi

mkdir -p test-results

# --- helpers -------------------------------------------------------------------------------------------------
gate() {
  local name=$1
  shift
  log "$name"
  local start=$SECONDS
  if ! "$@"; then
    FAILED=$((FAILED + 1))
    FAILED_STEPS+=("$name")
  fi
  took "$name" "$start"
}

# Each step's wall time on stderr: the suite must stay under 20 minutes on 2 cores.
took() { printf '%s took %d s\n' "$1" $((SECONDS - $2)) >&2; }

# Prints "passed failed" read from a JSON report, or nothing when it cannot be read.
count_json() {
  node -e '
    const fs = require("fs");
    let r;
    try { r = JSON.parse(fs.readFileSync(process.argv[1], "utf8")); } catch { process.exit(0); }
    let passed = 0, failed = 0;
    if (typeof r.numPassedTests === "number") {            // vitest / jest
      passed = r.numPassedTests;
      failed = r.numFailedTests + (r.numFailedTestSuites && !r.numFailedTests ? 1 : 0);
    } else if (r.stats && typeof r.stats.expected === "number") {  // Playwright
      passed = r.stats.expected + (r.stats.flaky || 0);
      failed = r.stats.unexpected + ((r.errors || []).length && !r.stats.unexpected ? 1 : 0);
    } else if (typeof r.passed === "number") {              // generic {passed, failed}
      passed = r.passed;
      failed = r.failed || 0;
    } else {
      process.exit(0);
    }
    console.log(passed + " " + failed);
  ' "$1"
}

suite() {
  local name=$1 json=$2
  shift 2
  log "$name"
  rm -f "$json"
  local rc=0 start=$SECONDS
  "$@" || rc=$?
  took "$name" "$start"
  local counts p=0 f=0
  counts=$(count_json "$json")
  if [ -n "$counts" ]; then read -r p f <<<"$counts"; fi
  # A non-zero exit with no failed test recorded (crash, no report, web server down) still counts as a failure.
  if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
  PASSED=$((PASSED + p))
  FAILED=$((FAILED + f))
  if [ "$f" -ne 0 ]; then FAILED_STEPS+=("$name"); fi
}

# --- steps (append new suites here) --------------------------------------------------------------------------
gate format:check npm run -s format:check
gate typecheck npm run -s typecheck
gate lint npm run -s lint
suite unit test-results/unit.json npm run -s unit -- --reporter=default --reporter=json --outputFile=test-results/unit.json
suite e2e test-results/e2e.json npm run -s e2e
suite conformance test-results/conformance.json npm run -s conformance -- --jobs 3
# A fixed set of random worlds (README, "Random worlds"); a long campaign is run by hand.
suite conformance-random test-results/conformance-random.json npm run -s conformance -- --seeds 2,4 --jobs 2 --minimize 0

# --- summary (must stay the last line of output) -------------------------------------------------------------
if [ "${#FAILED_STEPS[@]}" -gt 0 ]; then
  echo "" >&2
  echo "failing steps: ${FAILED_STEPS[*]}" >&2
fi
echo "$PASSED passed, $FAILED failed"
[ "$FAILED" -eq 0 ]
