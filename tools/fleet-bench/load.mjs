// Fleet load: LISTENERS sockets in one channel and SENDERS closed-loop REST senders, all through one URL (the
// balancer or a single node), for SECONDS. Prints one JSON line: sends/s, send latency and fan-out latency (from
// the start of a send to each listener's delivery), p50/p99 in ms.
// Run by tools/bench-fleet.sh with socket.io-client from tests/interop/node_modules.
import { createRequire } from "node:module";
const require = createRequire(new URL("../../tests/interop/package.json", import.meta.url));
const { io } = require("socket.io-client");

const URL_ = process.env.BENCH_URL;
const LISTENERS = Number(process.env.LISTENERS ?? 50);
const SENDERS = Number(process.env.SENDERS ?? 16);
const SECONDS = Number(process.env.SECONDS ?? 10);

async function json(res) { const t = await res.text(); if (!res.ok) throw new Error(`${res.status} ${t}`); return t ? JSON.parse(t) : null; }
async function user(name) {
  const body = { email: `${name}@bench.test`, username: name, password: "password-123" };
  await json(await fetch(`${URL_}/api/auth/register`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) }));
  const { accessToken } = await json(await fetch(`${URL_}/api/auth/token`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ email: body.email, password: body.password }) }));
  const rest = (method, path, b) => fetch(`${URL_}${path}`, { method, headers: { authorization: `Bearer ${accessToken}`, "content-type": "application/json" }, body: b ? JSON.stringify(b) : undefined });
  return { token: accessToken, rest };
}
const tag = Math.random().toString(36).slice(2, 8);
const owner = await user(`owner_${tag}`);
const server = await json(await owner.rest("POST", "/api/servers", { name: "bench" }));
const detail = await json(await owner.rest("GET", `/api/servers/${server.id}`));
const channelId = detail.channels.find((c) => c.type === "text").id;
const member = await user(`member_${tag}`);
await json(await member.rest("POST", "/api/servers/join", { inviteCode: detail.inviteCode }));

const started = new Map(); // content -> send start (ms)
const fanout = [];
const sockets = [];
for (let i = 0; i < LISTENERS; i++) {
  const s = io(URL_, { forceNew: true, withCredentials: true, transports: ["websocket"], auth: { token: member.token } });
  await new Promise((resolve, reject) => { s.once("connect", resolve); s.once("connect_error", reject); });
  await s.timeout(10000).emitWithAck("join-channel", { channelId });
  s.on("new-message", (m) => { const t0 = started.get(m.content); if (t0 !== undefined) fanout.push(performance.now() - t0); });
  sockets.push(s);
}

const sendLatency = [];
let sends = 0, errors = 0, stop = false, seq = 0;
const sender = async () => {
  while (!stop) {
    const content = `b${seq++}`;
    const t0 = performance.now();
    started.set(content, t0);
    const res = await owner.rest("POST", `/api/channels/${channelId}/messages`, { content });
    await res.arrayBuffer();
    if (res.status === 201) { sends++; sendLatency.push(performance.now() - t0); } else errors++;
  }
};
const t0 = performance.now();
const runners = Array.from({ length: SENDERS }, sender);
await new Promise((r) => setTimeout(r, SECONDS * 1000));
stop = true;
await Promise.all(runners);
const elapsed = (performance.now() - t0) / 1000;
await new Promise((r) => setTimeout(r, 1000)); // let the last deliveries land before counting
const pct = (xs, p) => { const a = [...xs].sort((x, y) => x - y); return a.length ? +a[Math.min(a.length - 1, Math.floor(a.length * p))].toFixed(1) : null; };
console.log(JSON.stringify({
  sendsPerSecond: +(sends / elapsed).toFixed(0), errors, sendP50: pct(sendLatency, 0.5), sendP99: pct(sendLatency, 0.99),
  deliveries: fanout.length, expectedDeliveries: sends * LISTENERS, fanoutP50: pct(fanout, 0.5), fanoutP99: pct(fanout, 0.99),
}));
for (const s of sockets) s.close();
process.exit(0);
