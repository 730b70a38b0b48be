#!/usr/bin/env bash
# Runs every test. Installs PostgreSQL, Redis, coturn and the packages tests/services/*.sh name from apt when
# missing (needs root),
# starts throwaway instances on free loopback ports in a temporary folder, runs the whole suite
# (PostgreSQL + Redis and SQLite + in-process variants, the official socket.io-client interop tests),
# and stops everything even when tests fail.
# Extra arguments go to `dotnet test` (e.g. --filter); TEST_TARGET picks one project instead of the solution.
set -euo pipefail
cd "$(dirname "$0")"
root=$(pwd)

# Extra services (RabbitMQ, Prometheus, browsers …) live in tests/services/*.sh, one file each: a file adds its
# Debian packages to apt_packages (with the command that proves each is installed in apt_probe) and may define
# start_<name>/stop_<name>, called after the core services start and at cleanup. See tests/services/README.md.
apt_packages=(postgresql redis-server redis-tools coturn)
apt_probe=(/usr/lib/postgresql redis-server redis-cli turnserver)
start_hooks=(); stop_hooks=()
for f in tests/services/*.sh; do [ -f "$f" ] && . "$f"; done

missing=()
for i in "${!apt_packages[@]}"; do
  probe=${apt_probe[$i]}
  if [[ $probe == /* ]]; then [ -e "$probe" ] || missing+=("${apt_packages[$i]}")
  else command -v "$probe" >/dev/null || missing+=("${apt_packages[$i]}"); fi
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "== installing ${missing[*]} from apt"
  if [ "$(id -u)" != 0 ]; then echo "need root to apt-get install ${missing[*]}" >&2; exit 1; fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  # The packages start system-wide services; the tests use their own instances only.
  for svc in postgresql redis-server coturn nginx haproxy rabbitmq-server prometheus; do
    service "$svc" stop >/dev/null 2>&1 || true
  done
fi
pg_bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)

free_port() { node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"; }

tmp=$(mktemp -d /tmp/concord-test.XXXXXX)
chmod 755 "$tmp"
pg_port=$(free_port); replica_port=$(free_port); redis_port=$(free_port); turn_port=$(free_port)
turn_secret=$(head -c 24 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

cleanup() {
  for hook in "${stop_hooks[@]}"; do "$hook" >/dev/null 2>&1 || true; done
  as_pg "$pg_bin/pg_ctl" -D "$tmp/pg-replica" -m immediate stop >/dev/null 2>&1 || true
  as_pg "$pg_bin/pg_ctl" -D "$tmp/pg" -m immediate stop >/dev/null 2>&1 || true
  redis-cli -p "$redis_port" shutdown nosave >/dev/null 2>&1 || true
  [ -f "$tmp/turn.pid" ] && kill "$(cat "$tmp/turn.pid")" >/dev/null 2>&1 || true
  rm -rf "$tmp"
}
trap cleanup EXIT

echo "== starting PostgreSQL on 127.0.0.1:$pg_port and Redis on 127.0.0.1:$redis_port"
mkdir -p "$tmp/pg"
[ "$(id -u)" = 0 ] && chown postgres "$tmp/pg"
as_pg "$pg_bin/initdb" -D "$tmp/pg" -U postgres --auth=trust -E UTF8 >/dev/null
as_pg "$pg_bin/pg_ctl" -D "$tmp/pg" -l "$tmp/pg/log" -w start \
  -o "-p $pg_port -k $tmp/pg -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=500 -c synchronous_standby_names='*'" >/dev/null
# A streaming replica for the read-replica tests. Sessions default to synchronous_commit=off, so nothing waits
# for it unless a test asks (SET synchronous_commit = remote_apply).
echo "== starting a PostgreSQL streaming replica on 127.0.0.1:$replica_port"
mkdir -p "$tmp/pg-replica"; chmod 700 "$tmp/pg-replica"
[ "$(id -u)" = 0 ] && chown postgres "$tmp/pg-replica"
as_pg "$pg_bin/pg_basebackup" -h 127.0.0.1 -p "$pg_port" -U postgres -D "$tmp/pg-replica" -R -X stream -c fast >/dev/null
as_pg "$pg_bin/pg_ctl" -D "$tmp/pg-replica" -l "$tmp/pg-replica/log" -w start \
  -o "-p $replica_port -k $tmp/pg-replica -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=500 -c hot_standby=on" >/dev/null
redis-server --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly no --daemonize yes --dir "$tmp" --logfile "$tmp/redis.log"
until redis-cli -p "$redis_port" ping >/dev/null 2>&1; do :; done

echo "== starting coturn on 127.0.0.1:$turn_port (use-auth-secret)"
turnserver -n --listening-ip=127.0.0.1 --relay-ip=127.0.0.1 --listening-port="$turn_port" \
  --min-port=$((turn_port % 20000 + 40000)) --max-port=$((turn_port % 20000 + 40100)) \
  --use-auth-secret --static-auth-secret="$turn_secret" --realm=concord.test \
  --no-tls --no-dtls --no-cli --allow-loopback-peers --simple-log --log-file="$tmp/turn.log" >/dev/null 2>&1 &
echo $! > "$tmp/turn.pid"
for _ in $(seq 100); do (exec 3<>"/dev/tcp/127.0.0.1/$turn_port") 2>/dev/null && break; sleep 0.1; done

export CONCORD_TEST_POSTGRES="Host=127.0.0.1;Port=$pg_port;Username=postgres;Database=postgres;Pooling=true;Maximum Pool Size=50"
export CONCORD_TEST_POSTGRES_REPLICA="Host=127.0.0.1;Port=$replica_port;Username=postgres;Database=postgres;Pooling=true;Maximum Pool Size=20"
# Generous timeouts: two cores shared by the server, PostgreSQL, Redis, Node and the test runner.
export CONCORD_TEST_REDIS="127.0.0.1:$redis_port,connectTimeout=15000,syncTimeout=15000,asyncTimeout=15000"
export CONCORD_TEST_TURN="127.0.0.1:$turn_port" CONCORD_TEST_TURN_SECRET="$turn_secret"

for hook in "${start_hooks[@]}"; do "$hook"; done

if [ -f tests/interop/package.json ]; then
  echo "== npm ci (tests/interop)"
  (cd tests/interop && npm ci --no-audit --no-fund --loglevel=error)
fi

echo "== dotnet test"
status=0
dotnet test "${TEST_TARGET:-Concord.slnx}" --logger "trx;LogFilePrefix=results" --results-directory "$tmp/results" \
  --logger "console;verbosity=normal" "$@" || status=$?

# One closing line for any reader: totals over every test project.
passed=0; failed=0; skipped=0
for f in "$tmp"/results/*.trx; do
  [ -f "$f" ] || continue
  line=$(grep -o '<Counters [^>]*>' "$f" | head -n 1)
  p=$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$line"); fl=$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$line")
  ne=$(sed -n 's/.* notExecuted="\([0-9]*\)".*/\1/p' <<<"$line")
  passed=$((passed + ${p:-0})); failed=$((failed + ${fl:-0})); skipped=$((skipped + ${ne:-0}))
done
# Failures again at the very end, so a log cut to its tail still names them and says why.
if [ "$failed" -gt 0 ]; then
  echo "== failed tests"
  awk '
    /<UnitTestResult / { name = ""; if ($0 ~ /outcome="Failed"/) { match($0, /testName="[^"]*"/); name = substr($0, RSTART + 10, RLENGTH - 11); print "-- " name } }
    name != "" && /<Message>/ { inmsg = 1; n = 0 }
    name != "" && /<StackTrace>/ { instack = 1; n = 0 }
    inmsg || instack { if (n++ < (inmsg ? 30 : 12)) print "   " $0 }
    /<\/Message>/ { inmsg = 0 } /<\/StackTrace>/ { instack = 0 }
    /<\/UnitTestResult>/ { name = "" }
  ' "$tmp"/results/*.trx | sed -e 's/&quot;/"/g' -e 's/&lt;/</g' -e 's/&gt;/>/g' -e "s/&apos;/'/g" -e 's/&amp;/\&/g' | cut -c1-400
fi
echo "$passed passed, $failed failed, $skipped skipped"
exit $status
