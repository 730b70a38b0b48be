#!/usr/bin/env bash
# Message benchmark: starts a throwaway PostgreSQL and Redis (as test.sh does), runs the server in Release with
# rate limits off, fills one channel with 1,000,000 messages and measures page reads and sends.
# Usage: tools/bench-messages.sh [messages=1000000] [seconds per throughput run=10]
set -euo pipefail
cd "$(dirname "$0")/.."
messages=${1:-1000000}
seconds=${2:-10}

pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
if [ -z "$pg_bin" ] || ! command -v redis-server >/dev/null; then
  echo "PostgreSQL and Redis are needed: run ./test.sh once (it installs them) or apt-get install postgresql redis-server" >&2
  exit 1
fi
free_port() { node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"; }
tmp=$(mktemp -d /tmp/concord-bench.XXXXXX)
chmod 755 "$tmp"
pg_port=$(free_port); redis_port=$(free_port); http_port=$(free_port)
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
server_pid=""
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null || true
  as_pg "$pg_bin/pg_ctl" -D "$tmp/pg" -m immediate stop >/dev/null 2>&1 || true
  redis-cli -p "$redis_port" shutdown nosave >/dev/null 2>&1 || true
  rm -rf "$tmp"
}
trap cleanup EXIT

echo "== PostgreSQL on 127.0.0.1:$pg_port, Redis on 127.0.0.1:$redis_port"
mkdir -p "$tmp/pg"
[ "$(id -u)" = 0 ] && chown postgres "$tmp/pg"
as_pg "$pg_bin/initdb" -D "$tmp/pg" -U postgres --auth=trust -E UTF8 >/dev/null
# Durable settings (fsync on) except synchronous_commit: the numbers should resemble a real deployment.
as_pg "$pg_bin/pg_ctl" -D "$tmp/pg" -l "$tmp/pg/log" -w start \
  -o "-p $pg_port -k $tmp/pg -c listen_addresses=127.0.0.1 -c shared_buffers=256MB -c max_connections=200" >/dev/null
redis-server --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly no --daemonize yes --dir "$tmp" --logfile "$tmp/redis.log"
until redis-cli -p "$redis_port" ping >/dev/null 2>&1; do sleep 0.1; done
pg="Host=127.0.0.1;Port=$pg_port;Username=postgres;Database=postgres;Maximum Pool Size=64"

echo "== building (Release)"
dotnet build -c Release src/Concord.Server -v q -nologo >/dev/null
dotnet build -c Release tools/Concord.Bench -v q -nologo >/dev/null

echo "== starting the server on 127.0.0.1:$http_port (RateLimiting:Enabled=false)"
env ConnectionStrings__Postgres="$pg" Redis__ConnectionString="127.0.0.1:$redis_port" RateLimiting__Enabled=false \
  Auth__JwtSigningKey="bench-signing-key-bench-signing-key-0123456789" \
  Logging__LogLevel__Default=Warning "Logging__LogLevel__Concord.Requests=Warning" ASPNETCORE_ENVIRONMENT=Production \
  dotnet src/Concord.Server/bin/Release/net10.0/Concord.Server.dll --urls "http://127.0.0.1:$http_port" >"$tmp/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 300); do
  curl -sf "http://127.0.0.1:$http_port/health/ready" >/dev/null 2>&1 && break
  kill -0 "$server_pid" 2>/dev/null || { cat "$tmp/server.log"; exit 1; }
  sleep 0.2
done

echo "== machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(free -g | awk '/Mem:/{print $2}') GB RAM"
dotnet tools/Concord.Bench/bin/Release/net10.0/Concord.Bench.dll "http://127.0.0.1:$http_port" "$pg" "$messages" "$seconds"
