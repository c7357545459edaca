# Sourced by up.sh and down.sh: the processes `make up` starts, and how to stop them.
# Every process `make up` starts carries LBAAS_STACK=<this checkout>/.lbaas in its environment.
# That marker, not a name or a pid alone, decides what is ours: a pid file may outlive its
# process and the pid be reused, and a crashed run may leave processes without pid files.

STATE_DIR="$(pwd)/.lbaas"
RUN_DIR="$STATE_DIR/run"
LOG_DIR="$STATE_DIR/logs"
MARKER="LBAAS_STACK=$STATE_DIR"

# owned PID: true when PID is alive and was started by `make up` from this checkout.
owned() {
  grep -qzxF "$MARKER" "/proc/$1/environ" 2>/dev/null
}

# Every live process of this checkout's stack, with or without a pid file.
owned_pids() {
  grep -lzxF "$MARKER" /proc/[0-9]*/environ 2>/dev/null | cut -d/ -f3 | grep -vxF "$$"
  return 0
}

# The pid in a pid file, if that process is alive and ours.
running_pid() {
  local file=$RUN_DIR/$1.pid pid
  [[ -f $file ]] || return 1
  pid=$(<"$file")
  [[ $pid =~ ^[0-9]+$ ]] && owned "$pid" && echo "$pid"
}

# A zombie has exited: only its parent's wait is missing.
alive() {
  local stat
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
  stat=${stat##*) }
  [[ ${stat%% *} != Z ]]
}

# stop_pids PID...: SIGTERM, then SIGKILL for whatever is still alive after 10 s.
stop_pids() {
  (($#)) || return 0
  local pid left
  kill -TERM "$@" 2>/dev/null || true
  for _ in $(seq 100); do
    left=0
    for pid in "$@"; do alive "$pid" && left=1; done
    ((left)) || return 0
    sleep 0.1
  done
  kill -KILL "$@" 2>/dev/null || true
  for _ in $(seq 20); do
    left=0
    for pid in "$@"; do alive "$pid" && left=1; done
    ((left)) || return 0
    sleep 0.1
  done
}

# Stops the whole stack: the services (Keystone's uwsgi among them) first, so they leave NATS
# cleanly, then nats-server.
# Prints how many processes it stopped.
stop_stack() {
  local pid services=() nats=()
  for pid in $(owned_pids); do
    if [[ $(cat "/proc/$pid/comm" 2>/dev/null) == nats-server ]]; then nats+=("$pid"); else services+=("$pid"); fi
  done
  stop_pids "${services[@]}"
  stop_pids "${nats[@]}"
  # The fabric's namespaces (lb-*) go with the processes; the agents make them again at the next start.
  if [[ $(id -u) == 0 && -f apps/cli/dist/main.js ]]; then node apps/cli/dist/main.js dev fabric down >&2 || true; fi
  rm -rf "$RUN_DIR" "$STATE_DIR/nats.url" "$STATE_DIR/keystone.url"
  echo $((${#services[@]} + ${#nats[@]}))
}
