#!/usr/bin/env bash
# Socket.IO fan-out benchmark: Concord.SocketIO (tools/Concord.SocketIO.BenchHost) and the official Node
# socket.io package (tools/socketio-reference) in turn, driven by the same generator (tools/Concord.SocketIO.Load),
# then a side-by-side table. Loopback only; about 4 minutes.
# Usage: tools/bench-socketio.sh [idle connections=10000] [fixed-rate deliveries/s=30000] [seconds per step=6]
# BENCH_PAIRS=n (default 1) runs n pairs, alternating which server goes first (Concord, Node; Node, Concord; …), a fresh
# server process per run, the load average printed with each; the table then gives every run and the ratios of the medians.
# BENCH_ONLY=concord runs the Concord side only (before/after comparisons of the library); BENCH_OUT=<dir> keeps the
# JSON results and server logs there; BENCH_SCENARIOS=1000x5 (or 1x1000) and BENCH_STEPS=fixed (or max) run only those (BENCH_GC_LOG=1 makes the .NET host log GC activity each second); extra environment for the .NET host goes in BENCH_DOTNET_ENV (e.g. "DOTNET_gcServer=1" for Server GC).
set -euo pipefail
cd "$(dirname "$0")/.."
idle=${1:-10000}
rate=${2:-30000}
seconds=${3:-6}

# Each side holds one descriptor per client (10,000 idle clients → 10,000 sockets in the server and in the generator).
ulimit -n "$(ulimit -Hn)"
if [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt $((idle + 1000)) ]; then
  echo "ulimit -n is $(ulimit -n): lower the idle connection count below it" >&2
  exit 1
fi

tmp=$(mktemp -d /tmp/concord-bench-socketio.XXXXXX)
server_pid=""
stop_server() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  server_pid=""
}
cleanup() { stop_server; rm -rf "$tmp"; }
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() { node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"; }
wait_ready() {
  for _ in $(seq 1 150); do
    curl -sf "http://127.0.0.1:$1/bench/memory" >/dev/null 2>&1 && return 0
    kill -0 "$server_pid" 2>/dev/null || { cat "$tmp/server.log"; return 1; }
    sleep 0.2
  done
  echo "server on port $1 did not start" >&2; return 1
}

echo "== building (Release)"
dotnet build -c Release tools/Concord.SocketIO.BenchHost -v q -nologo >/dev/null
dotnet build -c Release tools/Concord.SocketIO.Load -v q -nologo >/dev/null
[ "${BENCH_ONLY:-}" = concord ] || (cd tools/socketio-reference && npm ci --no-audit --no-fund --silent)
load=tools/Concord.SocketIO.Load/bin/Release/net10.0/Concord.SocketIO.Load.dll

echo "== machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(free -g | awk '/Mem:/{print $2}') GB RAM, .NET $(dotnet --version), Node $(node --version)$([ "${BENCH_ONLY:-}" = concord ] || echo ", socket.io $(node -p "require('./tools/socketio-reference/node_modules/socket.io/package.json').version")")"
echo "== uptime: $(uptime)"

run() { # name, then the server command line (its port is appended)
  local name=$1; shift
  local port; port=$(free_port)
  "$@" "$port" >"$tmp/server.log" 2>&1 &
  server_pid=$!
  wait_ready "$port"
  # The box is shared: other processes' load skews both CPU and latency, so it is printed with each run.
  echo "== $name on 127.0.0.1:$port (pid $server_pid), load average $(cut -d' ' -f1-3 /proc/loadavg)"
  timeout 300 dotnet "$load" run "$name" "http://127.0.0.1:$port" "$server_pid" "$tmp/$name.$run_index.json" "$idle" "$rate" "$seconds" | while IFS= read -r line; do echo "$(date +%T) $line"; done
  stop_server
  echo "== $name done, load average $(cut -d' ' -f1-3 /proc/loadavg)"
  results+=("$tmp/$name.$run_index.json")
  if [ -n "${BENCH_OUT:-}" ]; then mkdir -p "$BENCH_OUT"; cp "$tmp/server.log" "$BENCH_OUT/$name.$run_index.server.log"; fi
  run_index=$((run_index + 1))
}

# shellcheck disable=SC2086 # BENCH_DOTNET_ENV is a list of NAME=value words
concord_host() { exec env BENCH_GC_LOG="${BENCH_GC_LOG:-0}" ${BENCH_DOTNET_ENV:-} ASPNETCORE_ENVIRONMENT=Production \
  dotnet tools/Concord.SocketIO.BenchHost/bin/Release/net10.0/Concord.SocketIO.BenchHost.dll --urls "http://127.0.0.1:$1"; }
node_reference() { exec env NODE_ENV=production node --expose-gc tools/socketio-reference/server.js "$1"; }

results=()
run_index=1
for pair in $(seq 1 "${BENCH_PAIRS:-1}"); do
  if [ "${BENCH_ONLY:-}" = concord ]; then run Concord.SocketIO concord_host
  elif [ $((pair % 2)) = 1 ]; then run Concord.SocketIO concord_host; run "socket.io (Node)" node_reference
  else run "socket.io (Node)" node_reference; run Concord.SocketIO concord_host
  fi
done
if [ -n "${BENCH_OUT:-}" ]; then mkdir -p "$BENCH_OUT"; cp "${results[@]}" "$BENCH_OUT/"; fi

echo
echo "== results"
dotnet "$load" table "${results[@]}"
