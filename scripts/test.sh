#!/usr/bin/env bash
# `npm test`: lint, typecheck, then every jest test (unit + integration against a
# real PostgreSQL and Temporal dev server that the jest global setup starts).
# Ends with the line "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."
source scripts/ensure-node.sh
# npm install, not npm ci: with omit-lockfile-registry-resolved (this workplace's npm setting) the
# lockfile lacks other platforms' optional packages, and npm ci refuses such a lockfile.
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm install --no-audit --no-fund --loglevel=error || exit 1
fi
mkdir -p .cache
passed=0
failed=0
step() {
  local name="$1"; shift
  echo "── $name"
  if "$@"; then passed=$((passed + 1)); echo "── $name: ok"; else failed=$((failed + 1)); echo "── $name: FAILED"; fi
}
step lint npx eslint . --max-warnings=0
step typecheck npx tsc -p tsconfig.json --noEmit
step typecheck:web npm run --silent typecheck:web
results=.cache/jest-results.json
rm -f "$results"
npx jest --ci --json --outputFile="$results" "$@"
jest_status=$?
if [ -f "$results" ]; then
  read -r jp jf < <(node -e 'const r=require(require("path").resolve(process.argv[1]));console.log(r.numPassedTests, r.numFailedTests + r.numRuntimeErrorTestSuites)' "$results")
fi
jp="${jp:-0}"; jf="${jf:-1}"
[ "$jest_status" -ne 0 ] && [ "$jf" -eq 0 ] && jf=1
echo
echo "checks: $passed passed, $failed failed (lint, typecheck); jest: $jp passed, $jf failed"
echo "$((jp + passed)) passed, $((jf + failed)) failed"
[ "$failed" -eq 0 ] && [ "$jf" -eq 0 ]
