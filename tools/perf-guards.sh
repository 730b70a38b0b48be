#!/usr/bin/env bash
# Concord.SocketIO's performance guards, one command for a developer (CI runs the functional tests, not these: timings
# and memory on a shared CI box are not a pass/fail signal). Runs the Concord side of tools/bench-socketio.sh (bench host
# with the shipped runtime settings, 10,000 idle connections, the fan-out steps with the fixed step at 5,000 deliveries/s,
# i.e. issue 11's 1,000 acked sends/s at 1,000 rooms × 5) and checks the figures that are steady from run to run whatever
# the box's load — heap per idle connection (after a full collection), bytes allocated per delivery at 1,000 rooms × 5,
# and thread-pool work items per delivery in that fixed step (each one a hop and, at a light load, a worker woken) —
# against limits a little above today's (docs/benchmarks.md).
# Usage: tools/perf-guards.sh    (HEAP_KB_MAX=13.5 ALLOC_B_MAX=300 WORK_ITEMS_MAX=0.8 to change the limits; about 2 minutes)
set -euo pipefail
cd "$(dirname "$0")/.."
heap_max=${HEAP_KB_MAX:-13.5}
alloc_max=${ALLOC_B_MAX:-300}
work_items_max=${WORK_ITEMS_MAX:-0.8}
out=$(mktemp -d /tmp/concord-perf-guards.XXXXXX)
trap 'rm -rf "$out"' EXIT
BENCH_ONLY=concord BENCH_OUT="$out" tools/bench-socketio.sh 10000 5000 6
node - "$out"/Concord.SocketIO.1.json "$heap_max" "$alloc_max" "$work_items_max" <<'JS'
const [file, heapMax, allocMax, workItemsMax] = process.argv.slice(2);
const run = JSON.parse(require("fs").readFileSync(file, "utf8"));
const heapKb = run.Idle.HeapDeltaBytes / 1024 / run.Idle.Connections;
const rows = [[`heap per idle connection`, heapKb, Number(heapMax), "KB"]];
for (const s of run.Steps.filter((s) => s.Scenario === "1000 rooms × 5"))
  rows.push([`allocated per delivery, 1000 rooms × 5, ${s.Step}`, s.AllocatedBytesPerDelivery, Number(allocMax), "B"]);
// At 1,000 events/s nothing batches, so every hop per event shows: 1.46 per delivery before inline writes (~7 per
// inbound event: receive, a writer-loop wake-up per recipient and the ack, Kestrel's send queue), ~0.45 with them.
for (const s of run.Steps.filter((s) => s.Scenario === "1000 rooms × 5" && s.Step.startsWith("fixed")))
  rows.push([`thread-pool work items per delivery, 1000 rooms × 5, ${s.Step}`, s.WorkItemsPerDelivery, Number(workItemsMax), ""]);
let failed = 0;
console.log("\n== guards");
for (const [name, value, max, unit] of rows) {
  const ok = Number.isFinite(value) && value <= max;
  if (!ok) failed++;
  const u = unit ? ` ${unit}` : "";
  console.log(`${ok ? "PASS" : "FAIL"}  ${name}: ${Number(value).toFixed(unit ? 1 : 2)}${u} (limit ${max}${u})`);
}
process.exit(failed ? 1 : 0);
JS
