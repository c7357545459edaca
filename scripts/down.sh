#!/usr/bin/env bash
# Stops every process `make up` started from this checkout (SIGTERM, SIGKILL after 10 s), with
# or without its pid file, and removes the runtime files (.lbaas/run/, .lbaas/nats.url, .lbaas/keystone.url).
# Keeps the data: the event log (.lbaas/nats/), read models, dev tokens, keys, Keystone's state and logs, so the next
# `make up` resumes where this one stopped (make stop). `--purge` (make down) removes .lbaas/ entirely.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/owned-processes.sh

stopped=$(stop_stack)
echo "stopped $stopped process(es)"
if [[ ${1:-} == --purge ]]; then
  rm -rf "$STATE_DIR"
  echo "removed .lbaas/ (event log, read models, dev tokens, deployment and certificate keys, Keystone's state, logs)"
fi
