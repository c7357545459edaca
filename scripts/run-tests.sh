#!/usr/bin/env bash
# Every test: the house checks (lint with module boundaries, the specs' type check, the format
# check, the 400-line bound, the dependency graph in docs), unit and integration specs in
# parallel, then the black-box end-to-end specs one at a time (they start whole stacks). Always
# ends with one line: `N passed, M failed`.
set -uo pipefail
cd "$(dirname "$0")/.."
out=.test-results
rm -rf "$out" && mkdir -p "$out"
status=0
node scripts/house-checks.js "$out/house.json" || status=1
npx jest --selectProjects unit int --maxWorkers=2 --json --outputFile="$out/unit-int.json" || status=1
npx jest --selectProjects e2e --runInBand --json --outputFile="$out/e2e.json" || status=1
node scripts/test-summary.js "$out"/*.json || status=1
exit $status
