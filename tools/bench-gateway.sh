#!/usr/bin/env bash
# Concord.Server's gateway as users drive it (tools/Concord.SocketIO.Load "gateway"): accounts through the API, sockets
# connected with access tokens (auth: {token}), servers and a channel joined with acked events, acked send-message
# events with a fresh payload each, persisted and fanned out as new-message. The server runs in Release with its
# shipped runtime settings (src/Concord.Server/runtime.props) on a fresh database; rate limits off (the benchmark
# measures the send path, not the limiter), bcrypt work factor 4 so that thousands of accounts are quick to make.
# Usage: tools/bench-gateway.sh sqlite|postgres [idle=10000] [sends/s=100] [seconds=10] [receivers=200] [senders=20] [window=4]
#   sqlite:   the embedded default (a fresh file), no Redis.
#   postgres: a throwaway PostgreSQL (durable settings, as tools/bench-messages.sh) and Redis (sessions, adapter, cache).
# BENCH_DOTNET_ENV="NAME=value …" passes runtime settings to the server (e.g. DOTNET_gcServer=1 to compare);
# BENCH_OUT=<dir> keeps the JSON result and the server log; SERVER_DIR=/another/checkout runs that checkout's server.
# LOAD_SOURCE_ADDRESSES=n spreads the client's connections over 127.0.0.1 … 127.0.0.n (beyond ~28,000 connections one
# source address runs out of ephemeral ports); the descriptor limit (ulimit -Hn) must allow the count on both sides.
set -euo pipefail
cd "$(dirname "$0")/.."
db=${1:?usage: tools/bench-gateway.sh sqlite|postgres [idle] [sends/s] [seconds] [receivers] [senders] [window]}
shift
server_dir=${SERVER_DIR:-.}
ulimit -n "$(ulimit -Hn)"
free_port() { node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"; }
tmp=$(mktemp -d /tmp/concord-bench-gateway.XXXXXX)
chmod 755 "$tmp"
http_port=$(free_port)
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
server_pid="" pg_port="" redis_port=""
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  [ -z "$pg_port" ] || as_pg "$pg_bin/pg_ctl" -D "$tmp/pg" -m immediate stop >/dev/null 2>&1 || true
  [ -z "$redis_port" ] || redis-cli -p "$redis_port" shutdown nosave >/dev/null 2>&1 || true
  if [ -n "${BENCH_OUT:-}" ]; then mkdir -p "$BENCH_OUT"; cp "$tmp"/*.json "$tmp/server.log" "$BENCH_OUT/" 2>/dev/null || true; fi
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

settings=(RateLimiting__Enabled=false Auth__BcryptWorkFactor=4 Realtime__EventsPerWindow=1000000
  Auth__JwtSigningKey="bench-signing-key-bench-signing-key-0123456789"
  Logging__LogLevel__Default=Warning "Logging__LogLevel__Concord.Requests=Warning" ASPNETCORE_ENVIRONMENT=Production)
case "$db" in
  sqlite) settings+=(ConnectionStrings__Sqlite="Data Source=$tmp/bench.db") ;;
  postgres)
    [ -n "$pg_bin" ] && command -v redis-server >/dev/null || { echo "PostgreSQL and Redis are needed (./test.sh installs them)" >&2; exit 1; }
    pg_port=$(free_port); redis_port=$(free_port)
    mkdir -p "$tmp/pg"; [ "$(id -u)" = 0 ] && chown postgres "$tmp/pg"
    as_pg "$pg_bin/initdb" -D "$tmp/pg" -U postgres --auth=trust -E UTF8 >/dev/null
    as_pg "$pg_bin/pg_ctl" -D "$tmp/pg" -l "$tmp/pg/log" -w start \
      -o "-p $pg_port -k $tmp/pg -c listen_addresses=127.0.0.1 -c shared_buffers=256MB -c max_connections=200" >/dev/null
    redis-server --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly no --daemonize yes --dir "$tmp" --logfile "$tmp/redis.log"
    until redis-cli -p "$redis_port" ping >/dev/null 2>&1; do sleep 0.1; done
    settings+=(ConnectionStrings__Postgres="Host=127.0.0.1;Port=$pg_port;Username=postgres;Database=postgres;Maximum Pool Size=64"
      Redis__ConnectionString="127.0.0.1:$redis_port") ;;
  *) echo "database must be sqlite or postgres" >&2; exit 2 ;;
esac

echo "== building (Release)"
dotnet build -c Release "$server_dir/src/Concord.Server" -v q -nologo -p:BuildWebClient=false >/dev/null
dotnet build -c Release tools/Concord.SocketIO.Load -v q -nologo >/dev/null

# shellcheck disable=SC2086 # BENCH_DOTNET_ENV is a list of NAME=value words
env "${settings[@]}" ${BENCH_DOTNET_ENV:-} dotnet "$server_dir/src/Concord.Server/bin/Release/net10.0/Concord.Server.dll" \
  --urls "http://127.0.0.1:$http_port" >"$tmp/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 300); do
  curl -sf "http://127.0.0.1:$http_port/health/ready" >/dev/null 2>&1 && break
  kill -0 "$server_pid" 2>/dev/null || { cat "$tmp/server.log"; exit 1; }
  sleep 0.2
done
name="Concord.Server ($db$([ -z "${BENCH_DOTNET_ENV:-}" ] || echo ", $BENCH_DOTNET_ENV"))"
echo "== $name ($(git -C "$server_dir" log -1 --format=%h)) on 127.0.0.1:$http_port (pid $server_pid); $(nproc) cores; load average $(cut -d' ' -f1-3 /proc/loadavg)"
timeout 900 dotnet tools/Concord.SocketIO.Load/bin/Release/net10.0/Concord.SocketIO.Load.dll gateway "$name" "http://127.0.0.1:$http_port" "$server_pid" "$tmp/gateway-$db.json" "$@" \
  | while IFS= read -r line; do echo "$(date +%T) $line"; done
echo "== load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
grep -c -i "database is locked" "$tmp/server.log" | sed 's/^/server log lines with "database is locked": /' || true
echo
dotnet tools/Concord.SocketIO.Load/bin/Release/net10.0/Concord.SocketIO.Load.dll table "$tmp/gateway-$db.json"
