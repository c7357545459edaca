#!/usr/bin/env bash
# Installs what the project needs and a fresh Debian machine lacks, and nothing twice:
# Debian's nats-server, haproxy, keepalived, iproute2, iptables (the last four for the data
# plane of later issues), curl (the README's walk-through) and openssl (the config renderer's
# stand-in certificate for haproxy -c; the tests' certificate authority), then the npm packages.
# --test adds what only the tests use: the real python-neutronclient for test/compat and
# Debian's chromium, which the dashboard's browser test drives through playwright-core.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v node >/dev/null || (($(node -p 'process.versions.node.split(".")[0]') < 20)); then
  echo "Node.js 20 or newer is required (found: $(node --version 2>/dev/null || echo none)); see https://nodejs.org or NodeSource's Debian packages" >&2
  exit 1
fi

# package:command; a package counts as present when dpkg has it or its command is on PATH.
wanted=(nats-server:nats-server haproxy:haproxy keepalived:keepalived iproute2:ip iptables:iptables curl:curl procps:pgrep iputils-ping:ping openssl:openssl)
[[ ${1:-} == --test ]] && wanted+=(python3-neutronclient: chromium:chromium)
missing=()
for w in "${wanted[@]}"; do
  package=${w%%:*} command=${w#*:}
  [[ -n $command ]] && PATH=$PATH:/usr/sbin:/sbin command -v "$command" >/dev/null && continue
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' && continue
  missing+=("$package")
done
if ((${#missing[@]})); then
  if [[ $(id -u) -ne 0 ]]; then
    echo "missing Debian packages: ${missing[*]} (run as root, or: sudo apt-get install ${missing[*]})" >&2
    exit 1
  fi
  echo "installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# npm ci when node_modules is missing or older than the lock file.
if [[ ! -f node_modules/.package-lock.json || package-lock.json -nt node_modules/.package-lock.json ]]; then
  echo "installing npm packages (npm ci)"
  npm ci --no-audit --no-fund --loglevel=error
fi
