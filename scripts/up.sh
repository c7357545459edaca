#!/usr/bin/env bash
# Starts the whole system on this machine from the build: nats-server with JetStream (store in
# .lbaas/nats), then projections, api and the services still to come, each in the background
# with a pid file in .lbaas/run/ and a log in .lbaas/logs/. Run by `make up` after the build.
# CLUSTER=3 (`make up CLUSTER=3`): the event log on three nats-servers lb-nats-1..3 forming one
# JetStream cluster (stores in .lbaas/nats-1..3), every stream and bucket with three replicas.
# KEYSTONE=1 (`make up KEYSTONE=1`): Debian's Keystone too (scripts/keystone.sh, state in
# .lbaas/keystone), seeded by scripts/keystone-seed.js with the api (network at 9696, load-balancer at
# LBAAS_OCTAVIA_PORT, default 9876) in its catalog; the api and the
# dashboard then take its tokens beside the dev tokens, and .lbaas/clouds.yaml serves the clients.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/owned-processes.sh

# name  app  health port  [arguments]
SERVICES=(
  "projections projections 9697"
  "api api 9696"
  "scheduler scheduler 9700"
  "config-renderer config-renderer 9701"
  "audit audit 9698"
  "dashboard dashboard 9702"
  "compute-node-1 node-agent 9711 compute-node-1"
  "compute-node-2 node-agent 9712 compute-node-2"
  "compute-node-3 node-agent 9713 compute-node-3"
)
API_URL=http://127.0.0.1:9696
OCTAVIA_URL=http://127.0.0.1:${LBAAS_OCTAVIA_PORT:-9876}
DASHBOARD_URL=http://127.0.0.1:9702/

CLUSTER=${CLUSTER:-}
if [[ -z $CLUSTER || $CLUSTER == 1 ]]; then
  NATS_NODES=(nats)
  export LBAAS_STREAM_REPLICAS=1
else
  # Fewer than three nodes cannot lose one and keep a quorum; JetStream allows at most five replicas.
  [[ $CLUSTER =~ ^[0-9]+$ ]] && ((CLUSTER >= 3 && CLUSTER <= 5)) || { echo "make up: CLUSTER is the number of NATS nodes, 3 to 5, not '$CLUSTER'" >&2; exit 1; }
  mapfile -t NATS_NODES < <(seq -f 'nats-%g' "$CLUSTER")
  export LBAAS_STREAM_REPLICAS=3
fi

KEYSTONE=${KEYSTONE:-}
[[ -z $KEYSTONE || $KEYSTONE == 0 || $KEYSTONE == 1 ]] || { echo "make up: KEYSTONE is 1 (with Keystone) or 0, not '$KEYSTONE'" >&2; exit 1; }
KEYSTONE_DIR=$STATE_DIR/keystone
# Written once Keystone is up for this stack: the services started with it validate tokens there.
KEYSTONE_URL_FILE=$STATE_DIR/keystone.url

listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
answers() { node -e 'fetch(process.argv[1], { signal: AbortSignal.timeout(1000) }).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))' "$1"; }

# wait_for NAME SECONDS CHECK...: runs CHECK until it succeeds, for at most SECONDS; gives up at
# once when the process of pid file NAME has exited.
wait_for() {
  local name=$1 deadline=$((SECONDS + $2)); shift 2
  while ((SECONDS < deadline)); do
    # alive, not owned: right after the fork the child may not have exec'd with its marker yet.
    alive "$(<"$RUN_DIR/$name.pid")" || { echo "$name exited" >&2; return 1; }
    "$@" && return 0
    sleep 0.2
  done
  echo "$name: no answer within $2 s" >&2
  return 1
}

fail() {
  echo "make up failed: $1" >&2
  [[ -n ${2:-} && -f $LOG_DIR/$2.log ]] && { echo "--- last lines of $LOG_DIR/$2.log" >&2; tail -n 30 "$LOG_DIR/$2.log" >&2; }
  echo "stopping what was started; logs stay in $LOG_DIR/" >&2
  stop_stack >/dev/null
  exit 1
}

print_summary() {
  echo
  echo "API:        $API_URL   (Neutron LBaaS v1; OpenAPI document at $API_URL/docs)"
  echo "Octavia:    $OCTAVIA_URL   (Octavia v2 API, same process; OpenAPI document at $OCTAVIA_URL/docs/openapi.json)"
  echo "Dashboard:  $DASHBOARD_URL   (sign in with a dev token below, or open $DASHBOARD_URL?token=<token>)"
  echo "NATS:       $(cat "$STATE_DIR/nats.url")"
  if ((${#NATS_NODES[@]} > 1)); then
    echo "            JetStream cluster of ${#NATS_NODES[@]} nodes (lb-nats-1..${#NATS_NODES[@]}, stores in .lbaas/nats-N/); streams and buckets with $LBAAS_STREAM_REPLICAS replicas"
  fi
  echo "Logs:       .lbaas/logs/   pids: .lbaas/run/   CLI: bin/lbaas status"
  if [[ $(id -u) == 0 ]]; then
    echo "Fabric:     lb-fabric; backends lb-be-1..3 at 198.18.2.11-13:80; send traffic with: ip netns exec lb-client curl http://<VIP address>/"
  else
    echo "Data plane: process driver (not root); backends at 127.18.2.11-13:20080 serve members 198.18.2.11-13:80; a VIP 198.18.a.b:80 answers at http://127.18.a.b:20080/, one on 443 with a certificate at https://127.18.a.b:20443/"
  fi
  if [[ -f $KEYSTONE_URL_FILE ]]; then
    echo "Keystone:   $(<"$KEYSTONE_URL_FILE")/v3   (state and logs in .lbaas/keystone/); the api and dashboard take its tokens and the dev tokens below (LBAAS_AUTH=keystone+tokens)"
    echo "            users admin, demo, demo-reader, other and Octavia's personas lb-member, lb-observer, lb-global-observer, lb-admin, other-lb-member with passwords in .lbaas/keystone/passwords.json; one cloud each in .lbaas/clouds.yaml:"
    echo "              OS_CLIENT_CONFIG_FILE=.lbaas/clouds.yaml openstack --os-cloud lbaas-demo network list"
    echo "              OS_CLIENT_CONFIG_FILE=.lbaas/clouds.yaml neutron --os-cloud lbaas-demo lb-pool-list"
    echo "            (clouds lbaas-admin, lbaas-demo, lbaas-demo-reader, lbaas-other, lbaas-lb-member, lbaas-lb-observer, lbaas-lb-global-observer, lbaas-lb-admin, lbaas-other-lb-member; the service user lbaas validates tokens)"
  fi
  echo "Dev tokens (.lbaas/dev-tokens.json), send as X-Auth-Token:"
  node -e '
    const tokens = require(process.argv[1]);
    for (const [name, t] of Object.entries(tokens))
      console.log(`  ${name.padEnd(6)} ${t.token}  tenant_id ${t.tenant_id}  roles ${t.roles.join(",")}`);
  ' "$STATE_DIR/dev-tokens.json"
}

# start_nats NAME: the nats-server of .lbaas/NAME.conf, logging to .lbaas/logs/NAME.log.
start_nats() {
  LBAAS_STACK=$STATE_DIR nohup nats-server -c "$STATE_DIR/$1.conf" >"$LOG_DIR/$1.log" 2>&1 &
  echo $! >"$RUN_DIR/$1.pid"
}
metadata_leader_elected() {
  local node
  for node in "${NATS_NODES[@]}"; do grep -qs 'metadata leader' "$LOG_DIR/$node.log" && return 0; done
  return 1
}
client_port() { sed -n 's/^listen: 127\.0\.0\.1:\([0-9]*\)$/\1/p' "$STATE_DIR/$1.conf"; }

# Everything already up: say so and change nothing.
alive_count=0
nats_alive=0
for node in "${NATS_NODES[@]}"; do
  running_pid "$node" >/dev/null && nats_alive=$((nats_alive + 1))
done
for entry in "${SERVICES[@]}"; do
  running_pid "${entry%% *}" >/dev/null && alive_count=$((alive_count + 1))
done
# With Keystone: asked for, or the running stack's services were started with it.
with_keystone=0
[[ $KEYSTONE == 1 ]] && with_keystone=1
((nats_alive > 0)) && [[ -f $KEYSTONE_URL_FILE ]] && with_keystone=1
keystone_alive=0
running_pid keystone >/dev/null && keystone_alive=1
if ((alive_count == ${#SERVICES[@]} && nats_alive == ${#NATS_NODES[@]} && keystone_alive >= with_keystone)) && [[ -f $STATE_DIR/nats.url ]]; then
  echo "already running ($((alive_count + nats_alive + keystone_alive)) processes; 'make down' stops them)"
  print_summary
  exit 0
fi

# NATS up with some services gone (one crashed, or `lbaas dev kill-node` took a node): start only
# those, so the rest, and the event log, keep running; in a cluster, nodes that went away rejoin
# it with their stores. Anything else partial starts from scratch.
partial=0
if ((nats_alive > 0)) && [[ -f $STATE_DIR/nats.url && -f $STATE_DIR/dev-tokens.json ]]; then
  partial=1
  if ((with_keystone)) && [[ ! -f $KEYSTONE_URL_FILE ]] && { running_pid api >/dev/null || running_pid dashboard >/dev/null; }; then
    echo "make up: the stack runs without Keystone; 'make stop', then 'make up KEYSTONE=1'" >&2
    exit 1
  fi
  if ((${#NATS_NODES[@]} == 1)); then
    echo "nats-server and $alive_count of ${#SERVICES[@]} services run: starting the others"
  else
    echo "$nats_alive of ${#NATS_NODES[@]} nats-servers and $alive_count of ${#SERVICES[@]} services run: starting the others"
    for node in "${NATS_NODES[@]}"; do
      running_pid "$node" >/dev/null && continue
      [[ -e $LOG_DIR/$node.log ]] && mv -f "$LOG_DIR/$node.log" "$LOG_DIR/$node.log.1"
      start_nats "$node"
      wait_for "$node" 20 listening "$(client_port "$node")" || fail "$node did not start" "$node"
    done
  fi
fi

if ((partial == 0)); then
  # A crashed or partial run: stop whatever of it is left, pid file or not.
  leftovers=$(stop_stack)
  ((leftovers == 0)) || echo "stopped $leftovers process(es) left over from an earlier run"

  for entry in "${SERVICES[@]}"; do
    read -r name _ port _ <<<"$entry"
    listening "$port" && fail "127.0.0.1:$port (for $name) is taken by another process: $(ss -Hltnp "sport = :$port" 2>/dev/null | awk '{print $NF}')"
  done

  mkdir -p "$RUN_DIR" "$LOG_DIR"
  chmod 700 "$STATE_DIR"
  node scripts/dev-tokens.js "$STATE_DIR/dev-tokens.json"
  # Each run starts fresh logs; the previous run's stay beside them as *.log.1.
  for log in "$LOG_DIR"/*.log; do [[ -e $log ]] && mv -f "$log" "$log.1"; done

  if ((${#NATS_NODES[@]} == 1)); then
    mkdir -p "$STATE_DIR/nats"
    nats_port=4222
    if listening "$nats_port"; then
      nats_port=$(node -e 'const s = require("net").createServer().listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); })')
      echo "127.0.0.1:4222 is taken: nats-server listens on $nats_port"
    fi
    cat >"$STATE_DIR/nats.conf" <<CONF
server_name: lb-nats
listen: 127.0.0.1:$nats_port
jetstream { store_dir: "$STATE_DIR/nats" }
CONF
    start_nats nats
    wait_for nats 20 listening "$nats_port" || fail "nats-server did not start" nats
    echo "nats://127.0.0.1:$nats_port" >"$STATE_DIR/nats.url"
  else
    # A client and a route port per node, all free and all different: the listeners are held
    # open together until every port is known.
    read -r -a ports <<<"$(node -e '
      const n = Number(process.argv[1]);
      const servers = Array.from({ length: n }, () => require("net").createServer());
      let bound = 0;
      for (const s of servers) s.listen(0, "127.0.0.1", () => {
        if (++bound < n) return;
        console.log(servers.map((t) => t.address().port).join(" "));
        for (const t of servers) t.close();
      });
    ' $((2 * ${#NATS_NODES[@]})))"
    nodes=${#NATS_NODES[@]}
    route_urls=()
    for ((i = 0; i < nodes; i++)); do route_urls+=("nats-route://127.0.0.1:${ports[nodes + i]}"); done
    routes=$(IFS=,; echo "${route_urls[*]}")
    urls=()
    for ((i = 0; i < nodes; i++)); do
      node_name=${NATS_NODES[i]}
      mkdir -p "$STATE_DIR/$node_name"
      cat >"$STATE_DIR/$node_name.conf" <<CONF
server_name: lb-$node_name
listen: 127.0.0.1:${ports[i]}
jetstream { store_dir: "$STATE_DIR/$node_name" }
cluster {
  name: lb-nats
  listen: 127.0.0.1:${ports[nodes + i]}
  routes: [${routes}]
}
CONF
      start_nats "$node_name"
      urls+=("nats://127.0.0.1:${ports[i]}")
    done
    for node_name in "${NATS_NODES[@]}"; do
      wait_for "$node_name" 20 listening "$(client_port "$node_name")" || fail "$node_name did not start" "$node_name"
    done
    # Streams with three replicas can be created only once the nodes have elected a metadata leader.
    wait_for "${NATS_NODES[0]}" 30 metadata_leader_elected || fail "the NATS nodes did not form a JetStream cluster" "${NATS_NODES[0]}"
    (IFS=,; echo "${urls[*]}") >"$STATE_DIR/nats.url"
  fi
fi

# Keystone (state in .lbaas/keystone, initialised once and reused), seeded with the api in its
# catalog, then its clouds.yaml where the README says. A stack that already used it keeps its port.
start_keystone() {
  running_pid keystone >/dev/null && return 0
  local port=5000 url
  if [[ -f $KEYSTONE_URL_FILE ]]; then
    url=$(<"$KEYSTONE_URL_FILE")
    port=${url##*:}
    listening "$port" && fail "127.0.0.1:$port (Keystone, as the running services know it) is taken by another process"
  elif listening "$port"; then
    port=$(node -e 'const s = require("net").createServer().listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); })')
    echo "127.0.0.1:5000 is taken: Keystone listens on $port"
  fi
  url=http://127.0.0.1:$port
  if [[ ! -f $KEYSTONE_DIR/initialised ]]; then
    echo "initialising Keystone in .lbaas/keystone/ (database, keys, bootstrap)"
    scripts/keystone.sh init "$KEYSTONE_DIR" "$url" || fail "could not initialise Keystone"
  fi
  [[ -e $LOG_DIR/keystone.log ]] && mv -f "$LOG_DIR/keystone.log" "$LOG_DIR/keystone.log.1"
  LBAAS_STACK=$STATE_DIR nohup scripts/keystone.sh serve "$KEYSTONE_DIR" "$port" lb-keystone >"$LOG_DIR/keystone.log" 2>&1 &
  echo $! >"$RUN_DIR/keystone.pid"
  if ! wait_for keystone 60 answers "$url/v3"; then
    echo "--- last lines of .lbaas/keystone/uwsgi.log" >&2
    tail -n 30 "$KEYSTONE_DIR/uwsgi.log" >&2 2>/dev/null || true
    fail "Keystone did not start" keystone
  fi
  node scripts/keystone-seed.js "$KEYSTONE_DIR" "$url" --api-url "$API_URL" --octavia-url "$OCTAVIA_URL" >/dev/null || fail "could not seed Keystone" keystone
  install -m 600 "$KEYSTONE_DIR/clouds.yaml" "$STATE_DIR/clouds.yaml"
  echo "$url" >"$KEYSTONE_URL_FILE"
}
keystone_env=()
if ((with_keystone)); then
  start_keystone
  keystone_url=$(<"$KEYSTONE_URL_FILE")
  keystone_env=(LBAAS_AUTH=keystone+tokens "LBAAS_KEYSTONE_URL=$keystone_url" "LBAAS_KEYSTONE_PUBLIC_URL=$keystone_url"
    LBAAS_KEYSTONE_SERVICE_USER=lbaas LBAAS_KEYSTONE_SERVICE_PROJECT=service LBAAS_KEYSTONE_SERVICE_DOMAIN=Default
    "LBAAS_KEYSTONE_PASSWORD_FILE=$KEYSTONE_DIR/service-password")
fi

LBAAS_NATS_URL=$(<"$STATE_DIR/nats.url")
export LBAAS_NATS_URL
export LBAAS_TOKENS_FILE="$STATE_DIR/dev-tokens.json"
export LBAAS_DB_PATH="$STATE_DIR/read-models.sqlite"
export LBAAS_AUDIT_DB="$STATE_DIR/audit.sqlite"
# The deployment key (the config renderer derives stats passwords from it): made once, mode 0600.
export LBAAS_SECRET_KEY_FILE="$STATE_DIR/secret.key"
# The certificate key: the api seals tenants' private keys with it (and makes it, mode 0600), the
# agents open them to write each placement's <run dir>/tls/*.pem. Only those services get it.
CERTIFICATE_KEY_FILE="$STATE_DIR/certificate.key"
export LBAAS_RUN_DIR="$STATE_DIR/run/placements"

# The local fabric (root): lb-fabric with its bridge, backends lb-be-1..3 answering HTTP with their
# name on port 80, and lb-client to send traffic from. Without root the agents run the fake driver.
if [[ $(id -u) == 0 ]]; then
  node apps/cli/dist/main.js dev fabric up || fail "could not build the fabric" nats
  for n in 1 2 3; do
    running_pid "be-$n" >/dev/null && continue
    LBAAS_STACK=$STATE_DIR nohup ip netns exec "lb-be-$n" node --title="lb-be-$n" -e \
      "require('http').createServer((q, r) => r.end('lb-be-$n\\n')).listen(80, '198.18.2.1$n')" >"$LOG_DIR/be-$n.log" 2>&1 &
    echo $! >"$RUN_DIR/be-$n.pid"
  done
  export LBAAS_NODE_DRIVER=netns
else
  # Without root: the process driver, HAProxy on 127/8 (198.18.a.b:80 is served at 127.18.a.b:20080),
  # and the backends where it sends their traffic.
  export LBAAS_NODE_DRIVER=process LBAAS_PROCESS_PORT_OFFSET=20000
  for n in 1 2 3; do
    running_pid "be-$n" >/dev/null && continue
    LBAAS_STACK=$STATE_DIR nohup node --title="lb-be-$n" -e \
      "require('http').createServer((q, r) => r.end('lb-be-$n\\n')).listen(20080, '127.18.2.1$n')" >"$LOG_DIR/be-$n.log" 2>&1 &
    echo $! >"$RUN_DIR/be-$n.pid"
  done
fi
for entry in "${SERVICES[@]}"; do
  read -r name app port args <<<"$entry"
  running_pid "$name" >/dev/null && continue
  [[ -e $LOG_DIR/$name.log ]] && mv -f "$LOG_DIR/$name.log" "$LOG_DIR/$name.log.1"
  only_for=()
  case $app in api | node-agent) only_for=("LBAAS_CERTIFICATE_KEY_FILE=$CERTIFICATE_KEY_FILE") ;; esac
  case $app in api | dashboard) only_for+=("${keystone_env[@]}") ;; esac
  # shellcheck disable=SC2086 # args is a word list by design
  LBAAS_STACK=$STATE_DIR LBAAS_HEALTH_PORT=$port nohup env "${only_for[@]}" node --title="lb-$name" "apps/$app/dist/main.js" $args >"$LOG_DIR/$name.log" 2>&1 &
  echo $! >"$RUN_DIR/$name.pid"
  case $name in
    # The api needs the projections to answer reads, and is ready once it can reach them.
    projections) wait_for "$name" 60 answers "http://127.0.0.1:$port/healthz" || fail "projections did not start" "$name" ;;
    api) wait_for "$name" 60 answers "$API_URL/readyz" || fail "the api did not become ready" "$name" ;;
    *) wait_for "$name" 30 answers "http://127.0.0.1:$port/healthz" || fail "$name did not start" "$name" ;;
  esac
done

if ((partial)); then
  echo "started the services that were not running"
elif ((${#NATS_NODES[@]} == 1)); then
  echo "started nats-server$( ((with_keystone)) && echo ", Keystone") and ${#SERVICES[@]} services"
else
  echo "started ${#NATS_NODES[@]} nats-servers$( ((with_keystone)) && echo ", Keystone") and ${#SERVICES[@]} services"
fi
print_summary
