#!/usr/bin/env bash
# Stops every process `make up` started (by its pid file: TERM, then KILL after 10 s).
# With --purge it also removes .lbaas/ (event log, read models, tokens, logs).
set -euo pipefail
cd "$(dirname "$0")/.."
purge=0 quiet=0
for a in "$@"; do
  case $a in --purge) purge=1 ;; --quiet) quiet=1 ;; esac
done
run=.lbaas/run
stopped=0
if [[ -d $run ]]; then
  for f in "$run"/*.pid; do
    [[ -e $f ]] || continue
    pid=$(cat "$f")
    if kill -0 "$pid" 2>/dev/null; then
      kill -TERM "$pid" 2>/dev/null || true
      for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null || true
      stopped=$((stopped + 1))
    fi
    rm -f "$f"
  done
fi
((quiet)) || echo "stopped $stopped process(es)"
if ((purge)); then
  rm -rf .lbaas
  ((quiet)) || echo "removed .lbaas/"
fi
