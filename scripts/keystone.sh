#!/usr/bin/env bash
# Debian's Keystone on 127.0.0.1, one state directory per instance: the only home of each step,
# used by `make up KEYSTONE=1` (scripts/up.sh) and by libs/testing's startKeystone.
#
#   keystone.sh configure DIR [TOKEN_EXPIRATION_S]
#       writes DIR/keystone.conf: SQLite DIR/keystone.db, fernet tokens (keys in DIR), a cheap
#       bcrypt (test and development users are created in milliseconds), no cache (a revoked
#       token stops validating at once), Keystone's log in DIR/keystone.log
#   keystone.sh init DIR URL
#       configure when DIR has no keystone.conf, then db_sync (the database in WAL mode), fernet
#       and credential keys, and bootstrap: user admin in project admin with role admin, region
#       RegionOne, the identity endpoints at URL/v3; admin's password in DIR/passwords.json (0600);
#       DIR/initialised when all of it succeeded
#   keystone.sh serve DIR PORT [NAME]
#       replaces itself with uwsgi serving Keystone on 127.0.0.1:PORT, its processes named NAME
#       (lb-keystone) in ps, its log (one line per request) in DIR/uwsgi.log
#
# scripts/keystone-seed.js then creates the projects, users, roles and catalog entries.
# Keystone's tools run on Debian's /usr/bin/python3 through their entry points: the python3
# first on PATH may be another interpreter that cannot see Debian's packages.
set -euo pipefail

usage() {
  echo "usage: keystone.sh configure DIR [TOKEN_EXPIRATION_S] | init DIR URL | serve DIR PORT [NAME]" >&2
  exit 2
}

configure() {
  local dir=$1 expiration=${2:-3600}
  [[ $expiration =~ ^[0-9]+$ ]] || { echo "keystone.sh: token expiration is whole seconds, not '$expiration'" >&2; exit 2; }
  mkdir -p "$dir"
  chmod 700 "$dir"
  cat >"$dir/keystone.conf" <<CONF
[DEFAULT]
log_dir = $dir
log_file = keystone.log
use_stderr = false

[database]
connection = sqlite:///$dir/keystone.db

[token]
provider = fernet
expiration = $expiration

[fernet_tokens]
key_repository = $dir/fernet-keys

[fernet_receipts]
key_repository = $dir/fernet-keys

[credential]
key_repository = $dir/credential-keys

[identity]
# bcrypt's cheapest cost: these users guard a development or test Keystone, and each password
# check is paid on every token issued.
password_hash_algorithm = bcrypt
password_hash_rounds = 4

[cache]
# Off, so that a revoked token or a deleted user is refused at the next validation.
enabled = false
CONF
}

# manage ARGS...: keystone-manage with DIR's configuration; its output (and the eventlet noise
# Debian's build prints at exit) goes to DIR/keystone-manage.log, shown only when it fails.
manage() {
  local log=$DIR/keystone-manage.log
  echo "+ keystone-manage $1" >>"$log"
  /usr/bin/keystone-manage --config-file "$DIR/keystone.conf" "$@" >>"$log" 2>&1 && return 0
  echo "keystone-manage $1 failed; the last lines of $log:" >&2
  tail -n 20 "$log" >&2
  exit 1
}

init() {
  local url=${2%/}
  DIR=$1
  [[ -f $DIR/keystone.conf ]] || configure "$DIR"
  manage db_sync
  # Threaded or not, SQLite's default rollback journal had workers fail with "database is
  # locked"; WAL lets readers run beside the one writer. The mode stays with the file.
  /usr/bin/python3 -c 'import sqlite3, sys; sqlite3.connect(sys.argv[1]).execute("PRAGMA journal_mode=WAL")' "$DIR/keystone.db"
  manage fernet_setup --keystone-user "$(id -un)" --keystone-group "$(id -gn)"
  manage credential_setup --keystone-user "$(id -un)" --keystone-group "$(id -gn)"
  local password
  password=$(openssl rand -hex 24)
  (umask 077 && printf '{"admin": "%s"}\n' "$password" >"$DIR/passwords.json")
  OS_BOOTSTRAP_PASSWORD=$password manage bootstrap \
    --bootstrap-username admin --bootstrap-project-name admin --bootstrap-role-name admin \
    --bootstrap-service-name keystone --bootstrap-region-id RegionOne \
    --bootstrap-public-url "$url/v3" --bootstrap-internal-url "$url/v3" --bootstrap-admin-url "$url/v3"
  # Every step above can run again on a half-initialised DIR; this file says none has to.
  touch "$DIR/initialised"
}

serve() {
  local dir=$1 port=$2 name=${3:-lb-keystone}
  [[ -f $dir/keystone.conf ]] || { echo "keystone.sh: $dir has no keystone.conf (run init first)" >&2; exit 1; }
  # The embedded interpreter is Debian's python3; another one's settings must not leak into it.
  unset PYTHONHOME PYTHONPATH
  # --processes 3 --threads 1: single-threaded workers, as SQLite wants them.
  # Connection: close: python-requests clients saw resets on reused connections otherwise.
  # --die-on-term: SIGTERM stops uwsgi 2.0 (without it, it reloads).
  # The name is argv[0] (exec -a), not uwsgi's --procname*: uwsgi writes those titles over the
  # process's environment block, and with it /proc/PID/environ, where the stack's marker is read.
  OS_KEYSTONE_CONFIG_FILES=$dir/keystone.conf exec -a "$name" /usr/bin/uwsgi --plugin python3 \
    --master --die-on-term --processes 3 --threads 1 \
    --http-socket "127.0.0.1:$port" --wsgi-file /usr/bin/keystone-wsgi-public \
    --add-header "Connection: close" --buffer-size 65535 \
    --logto "$dir/uwsgi.log"
}

case ${1:-} in
  configure) (($# == 2 || $# == 3)) || usage; configure "$2" "${3:-}" ;;
  init) (($# == 3)) || usage; init "$2" "$3" ;;
  serve) (($# == 3 || $# == 4)) || usage; serve "$2" "$3" "${4:-}" ;;
  *) usage ;;
esac
