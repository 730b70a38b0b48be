#!/usr/bin/env bash
# Sends through the gateway on the embedded SQLite (the default `dotnet run` setup): runs the server in Release on a
# fresh SQLite file (rate limits off, bcrypt work factor 4 so that setting up hundreds of users is quick), then
# tools/sqlite-sends/bench.mjs with the official socket.io-client: a fixed offered rate (ack and delivery latency),
# then a closed loop (sustained sends/s).
# Usage: tools/bench-sqlite-sends.sh [receivers=200] [senders=20] [rate=100] [seconds=10] [window=4]
# SERVER_DIR=/another/checkout runs that checkout's server instead (before/after comparisons with the same client).
set -euo pipefail
cd "$(dirname "$0")/.."
server_dir=${SERVER_DIR:-.}
free_port() { node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"; }
tmp=$(mktemp -d /tmp/concord-bench-sqlite.XXXXXX)
http_port=$(free_port)
server_pid=""
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT

[ -d tests/interop/node_modules ] || (cd tests/interop && npm ci --no-audit --no-fund --loglevel=error)
echo "== building (Release)"
dotnet build -c Release "$server_dir/src/Concord.Server" -v q -nologo >/dev/null

echo "== starting the server of $server_dir ($(git -C "$server_dir" log -1 --format=%h)) on 127.0.0.1:$http_port (SQLite $tmp/bench.db)"
env ConnectionStrings__Sqlite="Data Source=$tmp/bench.db" RateLimiting__Enabled=false Auth__BcryptWorkFactor=4 \
  Realtime__EventsPerWindow=1000000 Auth__JwtSigningKey="bench-signing-key-bench-signing-key-0123456789" \
  Logging__LogLevel__Default=Warning "Logging__LogLevel__Concord.Requests=Warning" ASPNETCORE_ENVIRONMENT=Production \
  dotnet "$server_dir/src/Concord.Server/bin/Release/net10.0/Concord.Server.dll" --urls "http://127.0.0.1:$http_port" >"$tmp/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 300); do
  curl -sf "http://127.0.0.1:$http_port/health/ready" >/dev/null 2>&1 && break
  kill -0 "$server_pid" 2>/dev/null || { cat "$tmp/server.log"; exit 1; }
  sleep 0.2
done

echo "== machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), load average $(cut -d' ' -f1-3 /proc/loadavg)"
node tools/sqlite-sends/bench.mjs "http://127.0.0.1:$http_port" "$@"
echo "== load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
grep -c -i "database is locked" "$tmp/server.log" | sed 's/^/server log lines with "database is locked": /' || true
