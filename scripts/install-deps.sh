#!/usr/bin/env bash
# Installs what the project needs and a fresh Debian machine lacks, and nothing twice (and starts
# none of the services Debian's packages bring):
# Debian's nats-server, haproxy, keepalived, iproute2, iptables (the last four for the data
# plane of later issues), curl (the README's walk-through) and openssl (the config renderer's
# stand-in certificate for haproxy -c; the tests' certificate authority), then the npm packages.
# --keystone (`make up KEYSTONE=1`) adds Debian's Keystone, served by uwsgi with its python3
# plugin, and the OpenStack clients (openstack with its Octavia plugin, neutron).
# --test adds what only the tests use: the real python-neutronclient for test/compat, Debian's
# chromium, which the dashboard's browser test drives through playwright-core, and all of --keystone
# (the suites run a real Keystone and its clients).
# --bench adds what only benches use: Debian's postgresql, whose initdb and postgres the rebuild
# bench runs as a throw-away cluster on 127.0.0.1 (skipped, and said so, without them).
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v node >/dev/null || (($(node -p 'process.versions.node.split(".")[0]') < 20)); then
  echo "Node.js 20 or newer is required (found: $(node --version 2>/dev/null || echo none)); see https://nodejs.org or NodeSource's Debian packages" >&2
  exit 1
fi

# package:command; a package counts as present when dpkg has it or its command is on PATH.
# The OpenStack packages have no command entry: a command of that name on PATH may belong to
# another Python installation, which Keystone's tools and the tests must not pick up.
wanted=(nats-server:nats-server haproxy:haproxy keepalived:keepalived iproute2:ip iptables:iptables curl:curl procps:pgrep iputils-ping:ping openssl:openssl)
keystone=(keystone: uwsgi-core: uwsgi-plugin-python3: python3-openstackclient: python3-octaviaclient: python3-neutronclient:)
case ${1:-} in
  --keystone) wanted+=("${keystone[@]}") ;;
  --test) wanted+=("${keystone[@]}" chromium:chromium) ;;
  --bench) wanted+=(postgresql:) ;;
  '') ;;
  *) echo "usage: install-deps.sh [--keystone | --test | --bench]" >&2; exit 2 ;;
esac
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
  # Debian starts a package's service on install (its own nats-server on 4222, Keystone on 5000):
  # a policy-rc.d that answers 101 forbids that while apt runs. An administrator's own is left alone.
  if [[ ! -e /usr/sbin/policy-rc.d ]]; then
    printf '#!/bin/sh\n# lbaas install-deps.sh: no service starts while it installs packages\nexit 101\n' >/usr/sbin/policy-rc.d
    chmod 755 /usr/sbin/policy-rc.d
    trap 'rm -f /usr/sbin/policy-rc.d' EXIT
  fi
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  if [[ $(trap -p EXIT) ]]; then rm -f /usr/sbin/policy-rc.d; trap - EXIT; fi
fi

# npm ci when node_modules is missing or older than the lock file.
if [[ ! -f node_modules/.package-lock.json || package-lock.json -nt node_modules/.package-lock.json ]]; then
  echo "installing npm packages (npm ci)"
  npm ci --no-audit --no-fund --loglevel=error
fi
