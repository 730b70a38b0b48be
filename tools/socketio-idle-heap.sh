#!/usr/bin/env bash
# Where an idle Socket.IO connection's memory goes: starts tools/Concord.SocketIO.BenchHost (Release), connects
# N idle WebSocket clients with tools/Concord.SocketIO.Load ("hold"), takes a heap dump before and after
# (dotnet-dump, from the local tool manifest) and prints heap and RSS per connection and the live bytes per
# connection by type and owner (tools/Concord.HeapAttribution). About a minute; the dumps are deleted.
# Usage: tools/socketio-idle-heap.sh [connections=5000] [types per group=12]
set -euo pipefail
cd "$(dirname "$0")/.."
count=${1:-5000}
top=${2:-12}
ulimit -n "$(ulimit -Hn)"

tmp=$(mktemp -d /tmp/concord-idle-heap.XXXXXX)
server_pid="" holder_pid=""
cleanup() {
  [ -z "$holder_pid" ] || kill "$holder_pid" 2>/dev/null || true
  [ -z "$server_pid" ] || kill "$server_pid" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT

dotnet tool restore >/dev/null
for project in Concord.SocketIO.BenchHost Concord.SocketIO.Load Concord.HeapAttribution; do
  dotnet build -c Release "tools/$project" -v q -nologo >/dev/null
done
load=tools/Concord.SocketIO.Load/bin/Release/net10.0/Concord.SocketIO.Load.dll
port=$(node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")
url="http://127.0.0.1:$port"
ASPNETCORE_ENVIRONMENT=Production dotnet tools/Concord.SocketIO.BenchHost/bin/Release/net10.0/Concord.SocketIO.BenchHost.dll \
  --urls "$url" >"$tmp/server.log" 2>&1 &
server_pid=$!
until curl -sf "$url/bench/memory" >/dev/null 2>&1; do kill -0 "$server_pid"; sleep 0.2; done

# The probe runs a full compacting collection, so both dumps hold live objects and little garbage.
probe() { curl -sf "$url/bench/memory" | sed -E 's/.*"heapBytes":([0-9]+).*/\1/'; }
rss() { awk '/VmRSS/{print $2 * 1024}' "/proc/$server_pid/status"; }

# Warm-up, as tools/bench-socketio.sh does: pools and code paths the first connections touch go in the baseline.
dotnet "$load" hold "$url" 500 1 >/dev/null
sleep 1.5
heap_before=$(probe); rss_before=$(rss)
dotnet dotnet-dump collect -p "$server_pid" --type Heap -o "$tmp/before.dmp" >/dev/null

dotnet "$load" hold "$url" "$count" 600 >"$tmp/hold.log" &
holder_pid=$!
until grep -q holding "$tmp/hold.log" 2>/dev/null; do kill -0 "$holder_pid"; sleep 0.5; done
sleep 2
heap_after=$(probe); rss_after=$(rss)
dotnet dotnet-dump collect -p "$server_pid" --type Heap -o "$tmp/after.dmp" >/dev/null

echo "== $count idle connections, load average $(cut -d' ' -f1-3 /proc/loadavg)"
awk -v n="$count" -v hb="$heap_before" -v ha="$heap_after" -v rb="$rss_before" -v ra="$rss_after" \
  'BEGIN { printf "heap %.2f KB, RSS %.2f KB per connection\n", (ha - hb) / n / 1024, (ra - rb) / n / 1024 }'
dotnet tools/Concord.HeapAttribution/bin/Release/net10.0/Concord.HeapAttribution.dll "$tmp/before.dmp" "$tmp/after.dmp" "$count" "$top"
