#!/usr/bin/env bash
# Fleet benchmark: REST sends and their fan-out to sockets, through HAProxy (deploy/haproxy/haproxy.cfg, unchanged)
# in front of 1 node (all roles) or 3 nodes (api, gateway, all), with the read cache on and off, in alternating
# rounds. Starts its own PostgreSQL (durable settings) and Redis; Release build; rate limits off.
# Usage: tools/bench-fleet.sh [rounds=2] [seconds per run=10] [listeners=50] [senders=16]
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-2}; seconds=${2:-10}; listeners=${3:-50}; senders=${4:-16}

pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
for tool in redis-server haproxy node; do command -v $tool >/dev/null || { echo "$tool is needed: run ./test.sh once (it installs it)" >&2; exit 1; }; done
[ -n "$pg_bin" ] || { echo "PostgreSQL is needed: run ./test.sh once" >&2; exit 1; }
[ -d tests/interop/node_modules/socket.io-client ] || (cd tests/interop && npm ci --no-audit --no-fund --loglevel=error)
free_port() { node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"; }
tmp=$(mktemp -d /tmp/concord-fleet-bench.XXXXXX); chmod 755 "$tmp"
pg_port=$(free_port); redis_port=$(free_port)
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
pids=()
stop_fleet() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done; pids=(); }
cleanup() {
  stop_fleet
  as_pg "$pg_bin/pg_ctl" -D "$tmp/pg" -m immediate stop >/dev/null 2>&1 || true
  redis-cli -p "$redis_port" shutdown nosave >/dev/null 2>&1 || true
  rm -rf "$tmp"
}
trap cleanup EXIT

mkdir -p "$tmp/pg"; [ "$(id -u)" = 0 ] && chown postgres "$tmp/pg"
as_pg "$pg_bin/initdb" -D "$tmp/pg" -U postgres --auth=trust -E UTF8 >/dev/null
as_pg "$pg_bin/pg_ctl" -D "$tmp/pg" -l "$tmp/pg/log" -w start \
  -o "-p $pg_port -k $tmp/pg -c listen_addresses=127.0.0.1 -c shared_buffers=256MB -c max_connections=300" >/dev/null
redis-server --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly no --daemonize yes --dir "$tmp" --logfile "$tmp/redis.log"
until redis-cli -p "$redis_port" ping >/dev/null 2>&1; do sleep 0.1; done

echo "== building (Release)"
dotnet build -c Release src/Concord.Server -v q -nologo >/dev/null
dll=src/Concord.Server/bin/Release/net10.0/Concord.Server.dll

node_start() { # name roles port cache workerId
  env ConnectionStrings__Postgres="Host=127.0.0.1;Port=$pg_port;Username=postgres;Database=concord_bench;Maximum Pool Size=60" \
    Redis__ConnectionString="127.0.0.1:$redis_port" RateLimiting__Enabled=false Cache__Enabled="$4" \
    Auth__JwtSigningKey="bench-signing-key-bench-signing-key-0123456789" Auth__BcryptWorkFactor=4 \
    Concord__Roles="$2" Concord__NodeName="$1" Snowflake__WorkerId="$5" Proxy__KnownProxies__0=127.0.0.1 \
    Logging__LogLevel__Default=Warning "Logging__LogLevel__Concord.Requests=Warning" Urls="http://127.0.0.1:$3" \
    dotnet "$dll" >"$tmp/$1.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 1 600); do curl -sf "http://127.0.0.1:$3/health/ready" >/dev/null 2>&1 && return; sleep 0.1; done
  cat "$tmp/$1.log"; exit 1
}

run() { # nodes(1|3) cache(true|false)
  local p1 p2 p3 lb
  p1=$(free_port); p2=$(free_port); p3=$(free_port); lb=$(free_port)
  node_start all-1 "" "$p1" "$2" 1
  if [ "$1" = 3 ]; then
    node_start api-1 api "$p2" "$2" 2; node_start gateway-1 gateway "$p3" "$2" 3
    api2=$p2; gw2=$p3
  else api2=$p1; gw2=$p1; fi
  CONCORD_LB_BIND="127.0.0.1:$lb" CONCORD_API_1="127.0.0.1:$p1" CONCORD_API_2="127.0.0.1:$api2" \
    CONCORD_GATEWAY_1="127.0.0.1:$p1" CONCORD_GATEWAY_2="127.0.0.1:$gw2" haproxy -db -f deploy/haproxy/haproxy.cfg >"$tmp/haproxy.log" 2>&1 &
  pids+=($!)
  until curl -sf "http://127.0.0.1:$lb/health/ready" >/dev/null 2>&1; do sleep 0.1; done
  local load; load=$(cut -d' ' -f1 /proc/loadavg)
  local out; out=$(BENCH_URL="http://127.0.0.1:$lb" LISTENERS=$listeners SENDERS=$senders SECONDS=$seconds node tools/fleet-bench/load.mjs)
  echo "| $1 | $2 | $load | $out |"
  stop_fleet
}

echo "== machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); $listeners listeners, $senders senders, ${seconds}s per run"
echo "| nodes | cache | load avg | result |"
echo "|---|---|---|---|"
for r in $(seq 1 "$rounds"); do
  if [ $((r % 2)) = 1 ]; then order="1:true 3:true 1:false 3:false"; else order="3:false 1:false 3:true 1:true"; fi
  for cfg in $order; do run "${cfg%%:*}" "${cfg##*:}"; done
done
