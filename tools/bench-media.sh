#!/usr/bin/env bash
# Preview throughput and peak memory per job, NetVips (what the server uses) vs ImageSharp, for 1 MP and 12 MP JPEGs.
# Usage: tools/bench-media.sh [seconds per run, default 10]. Results: docs/benchmarks.md.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-10}
dotnet build -c Release tools/Concord.MediaBench -v q -nologo >/dev/null
bin=tools/Concord.MediaBench/bin/Release/net10.0/Concord.MediaBench
for mp in 1 12; do
  for lib in netvips imagesharp; do "$bin" "$lib" "$mp" "$seconds"; done
done
