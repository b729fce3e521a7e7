#!/usr/bin/env bash
# `npm start`: installs what is missing, then runs everything (scripts/start.ts).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/ensure-node.sh
# npm install, not npm ci: with omit-lockfile-registry-resolved (this workplace's npm setting) the
# lockfile lacks other platforms' optional packages, and npm ci refuses such a lockfile.
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "[start] installing dependencies (npm install)" >&2
  npm install --no-audit --no-fund --loglevel=error
fi
exec node --import tsx scripts/start.ts "$@"
