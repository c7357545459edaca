#!/usr/bin/env bash
# Starts the whole system on this machine: nats-server with JetStream (store under .lbaas/),
# then every service, each in the background with a pid file and a log under .lbaas/.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
state=.lbaas
run=$state/run
logs=$state/logs
mkdir -p "$run" "$logs" "$state/nats"
chmod 700 "$state"

alive() { [[ -f $1 ]] && kill -0 "$(cat "$1")" 2>/dev/null; }

# Already up? Then say so. A partial set (a crashed run) is swept and started afresh.
expected=(nats projections api scheduler config-renderer audit dashboard node-agent-1 node-agent-2 node-agent-3)
up=0
for s in "${expected[@]}"; do alive "$run/$s.pid" && up=$((up + 1)); done
if ((up == ${#expected[@]})); then
  echo "already running (make down to stop)"
else
  ((up > 0)) && echo "sweeping a partial run ($up of ${#expected[@]} processes alive)"
  scripts/down.sh --quiet

  node scripts/dev-tokens.js "$state/dev-tokens.json"

  port=4222
  if (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null; then
    port=$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
    echo "port 4222 is taken: nats-server listens on $port"
  fi
  cat > "$state/nats.conf" <<CONF
server_name: lb-nats
listen: 127.0.0.1:$port
http: 127.0.0.1:$((port + 4000))
jetstream { store_dir: "$root/$state/nats" }
CONF
  echo "nats://127.0.0.1:$port" > "$state/nats.url"
  nohup nats-server -c "$state/nats.conf" >"$logs/nats.log" 2>&1 &
  echo $! >"$run/nats.pid"
  for _ in $(seq 100); do (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null && break; sleep 0.1; done

  export LBAAS_NATS_URL="nats://127.0.0.1:$port"
  export LBAAS_TOKENS_FILE="$root/$state/dev-tokens.json"
  export LBAAS_DB_PATH="$root/$state/read-models.sqlite"
  start() { # name app [args...]
    local name=$1 app=$2; shift 2
    nohup node --title="lb-$name" "apps/$app/dist/main.js" "$@" >"$logs/$name.log" 2>&1 &
    echo $! >"$run/$name.pid"
  }
  start projections projections
  start api api
  start scheduler scheduler
  start config-renderer config-renderer
  start audit audit
  LBAAS_HEALTH_PORT=9702 start dashboard dashboard
  for n in 1 2 3; do LBAAS_HEALTH_PORT=$((9710 + n)) start "node-agent-$n" node-agent "compute-node-$n"; done

  ready=0
  for _ in $(seq 300); do
    if curl -fsS -o /dev/null http://127.0.0.1:9696/readyz 2>/dev/null; then ready=1; break; fi
    sleep 0.2
  done
  if ((ready == 0)); then
    echo "the api did not become ready; last lines of its log and the projections':" >&2
    tail -n 20 "$logs/api.log" "$logs/projections.log" >&2
    exit 1
  fi
fi

echo
echo "API:        http://127.0.0.1:9696   (Neutron LBaaS v1; OpenAPI at http://127.0.0.1:9696/docs)"
echo "Dashboard:  http://127.0.0.1:9697/"
echo "NATS:       $(cat "$state/nats.url")"
echo "Logs:       $state/logs/   CLI: bin/lbaas status"
echo "Dev tokens ($state/dev-tokens.json):"
node -e '
const t = require(process.argv[1]);
for (const [name, e] of Object.entries(t)) console.log(`  ${name.padEnd(6)} X-Auth-Token: ${e.token}  tenant_id: ${e.tenant_id}  roles: ${e.roles.join(",")}`);
' "$root/$state/dev-tokens.json"
