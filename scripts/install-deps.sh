#!/usr/bin/env bash
# Installs what the project needs and a fresh Debian machine lacks: Debian's nats-server,
# haproxy, keepalived, iproute2 and iptables, then the npm packages. Does nothing twice.
# --test adds what only the tests use: the real python-neutronclient for test/compat.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(nats-server haproxy keepalived iproute2 iptables)
[[ ${1:-} == --test ]] && packages+=(python3-neutronclient)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]})); then
  if [[ $(id -u) -ne 0 ]]; then
    echo "missing Debian packages: ${missing[*]} (run as root, or: sudo apt-get install ${missing[*]})" >&2
    exit 1
  fi
  echo "installing Debian packages: ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# npm ci when node_modules is missing or older than the lock file.
if [[ ! -f node_modules/.package-lock.json || package-lock.json -nt node_modules/.package-lock.json ]]; then
  echo "installing npm packages (npm ci)"
  npm ci --no-audit --no-fund --loglevel=error
fi
