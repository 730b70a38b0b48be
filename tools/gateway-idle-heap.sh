#!/usr/bin/env bash
# Where an idle authenticated connection to Concord.Server's gateway keeps its memory: the server in Release with its
# shipped runtime settings on a fresh SQLite file; N registered users (tools/Concord.SocketIO.Load "gateway-hold") connect
# with access tokens and join their server; heap dumps before and after (dotnet-dump) go through
# tools/Concord.HeapAttribution: live bytes per connection by type and owner. A few minutes (N accounts are made
# through the API first); the dumps are deleted.
# Usage: tools/gateway-idle-heap.sh [connections=3000] [types per group=15]
# BENCH_DOTNET_ENV="NAME=value …" passes runtime settings to the server; KEEP_DUMPS=<dir> keeps the two dumps.
set -euo pipefail
cd "$(dirname "$0")/.."
count=${1:-3000}
top=${2:-15}
ulimit -n "$(ulimit -Hn)"
tmp=$(mktemp -d /tmp/concord-gateway-heap.XXXXXX)
server_pid="" holder_pid=""
cleanup() {
  exec 3>&- 2>/dev/null || true
  [ -z "$holder_pid" ] || kill "$holder_pid" 2>/dev/null || true
  [ -z "$server_pid" ] || kill "$server_pid" 2>/dev/null || true
  wait 2>/dev/null || true
  if [ -n "${KEEP_DUMPS:-}" ]; then mkdir -p "$KEEP_DUMPS"; mv "$tmp"/*.dmp "$KEEP_DUMPS/" 2>/dev/null || true; fi
  rm -rf "$tmp"
}
trap cleanup EXIT

dotnet tool restore >/dev/null
dotnet build -c Release src/Concord.Server -v q -nologo -p:BuildWebClient=false >/dev/null
for project in Concord.SocketIO.Load Concord.HeapAttribution; do dotnet build -c Release "tools/$project" -v q -nologo >/dev/null; done
load=tools/Concord.SocketIO.Load/bin/Release/net10.0/Concord.SocketIO.Load.dll
port=$(node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")
url="http://127.0.0.1:$port"
# shellcheck disable=SC2086 # BENCH_DOTNET_ENV is a list of NAME=value words
env ConnectionStrings__Sqlite="Data Source=$tmp/bench.db" RateLimiting__Enabled=false Auth__BcryptWorkFactor=4 \
  Auth__JwtSigningKey="bench-signing-key-bench-signing-key-0123456789" Logging__LogLevel__Default=Warning \
  "Logging__LogLevel__Concord.Requests=Warning" ASPNETCORE_ENVIRONMENT=Production ${BENCH_DOTNET_ENV:-} \
  dotnet src/Concord.Server/bin/Release/net10.0/Concord.Server.dll --urls "$url" >"$tmp/server.log" 2>&1 &
server_pid=$!
until curl -sf "$url/health/ready" >/dev/null 2>&1; do kill -0 "$server_pid"; sleep 0.2; done

rss() { awk '/VmRSS/{print $2 * 1024}' "/proc/$server_pid/status"; }
mkfifo "$tmp/go"
dotnet "$load" gateway-hold "$url" "$count" 600 <"$tmp/go" >"$tmp/hold.log" 2>&1 &
holder_pid=$!
exec 3>"$tmp/go"
# The holder registers the users, connects and drops 200 of them (warm-up), then waits for our line.
until grep -q warmed "$tmp/hold.log" 2>/dev/null; do kill -0 "$holder_pid" || { cat "$tmp/hold.log"; exit 1; }; sleep 0.5; done
rss_before=$(rss)
dotnet dotnet-dump collect -p "$server_pid" --type Heap -o "$tmp/before.dmp" >/dev/null
echo go >&3
until grep -q holding "$tmp/hold.log" 2>/dev/null; do kill -0 "$holder_pid" || { cat "$tmp/hold.log"; exit 1; }; sleep 0.5; done
sleep 3
rss_after=$(rss)
dotnet dotnet-dump collect -p "$server_pid" --type Heap -o "$tmp/after.dmp" >/dev/null

echo "== $count idle authenticated connections to Concord.Server ($(git log -1 --format=%h)), load average $(cut -d' ' -f1-3 /proc/loadavg)"
awk -v n="$count" -v rb="$rss_before" -v ra="$rss_after" 'BEGIN { printf "RSS %.2f KB per connection (no forced collection)\n", (ra - rb) / n / 1024 }'
dotnet tools/Concord.HeapAttribution/bin/Release/net10.0/Concord.HeapAttribution.dll "$tmp/before.dmp" "$tmp/after.dmp" "$count" "$top"
