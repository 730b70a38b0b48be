// Sends through the gateway on the embedded SQLite: acked `send-message` events from sender sockets to one text
// channel that `receivers` other sockets have joined. Phase 1 offers a fixed rate and reports ack and delivery
// latency; phase 2 keeps `window` sends in flight per sender and reports the sustained rate.
// Usage: node bench.mjs URL [receivers=200] [senders=20] [rate=100] [seconds=10] [window=4]
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const { io } = createRequire(path.join(here, "../../tests/interop/package.json"))("socket.io-client");
const [url, receiversArg = "200", sendersArg = "20", rateArg = "100", secondsArg = "10", windowArg = "4"] = process.argv.slice(2);
const [receiverCount, senderCount, rate, seconds, window] = [receiversArg, sendersArg, rateArg, secondsArg, windowArg].map(Number);

const run = Date.now().toString(36);
async function call(method, route, body, token) {
  const res = await fetch(`${url}${route}`, {
    method,
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${route}: ${res.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

async function user(i) {
  const username = `b${run}_${i}`;
  const email = `${username}@bench.test`;
  await call("POST", "/api/auth/register", { email, username, password: "password-123" });
  const { accessToken } = await call("POST", "/api/auth/token", { email, password: "password-123" });
  return { token: accessToken };
}

const connect = (token) => new Promise((resolve, reject) => {
  const socket = io(url, { forceNew: true, reconnection: false, transports: ["websocket"], auth: { token } });
  socket.once("connect", () => resolve(socket));
  socket.once("connect_error", reject);
});

const pct = (sorted, p) => sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] : NaN;
const summary = (values) => {
  const s = Float64Array.from(values).sort();
  return `p50 ${pct(s, 0.5).toFixed(1)} ms, p90 ${pct(s, 0.9).toFixed(1)} ms, p99 ${pct(s, 0.99).toFixed(1)} ms, max ${s[s.length - 1]?.toFixed(1)} ms`;
};

// Setup: users in batches (bcrypt), one server, everyone joins its text channel.
const users = [];
for (let i = 0; i < senderCount + receiverCount + 1; i += 20)
  users.push(...await Promise.all(Array.from({ length: Math.min(20, senderCount + receiverCount + 1 - i) }, (_, k) => user(i + k))));
const [owner, ...rest] = users;
const server = await call("POST", "/api/servers", { name: `bench ${run}` }, owner.token);
const detail = await call("GET", `/api/servers/${server.id}`, undefined, owner.token);
const channelId = detail.channels.find((c) => c.type === "text").id;
for (let i = 0; i < rest.length; i += 20)
  await Promise.all(rest.slice(i, i + 20).map((u) => call("POST", "/api/servers/join", { inviteCode: server.inviteCode }, u.token)));
const sockets = [];
for (let i = 0; i < rest.length; i += 20)
  sockets.push(...await Promise.all(rest.slice(i, i + 20).map((u) => connect(u.token))));
await Promise.all(sockets.map((s) => s.timeout(10000).emitWithAck("join-channel", { channelId })));
const senders = sockets.slice(0, senderCount);
const receivers = sockets.slice(senderCount);

const sentAt = new Map();
let deliveryLatencies = [];
for (const r of receivers) r.on("new-message", (m) => {
  const t = sentAt.get(m.nonce);
  if (t !== undefined) deliveryLatencies.push(performance.now() - t);
});

let seq = 0;
async function send(socket, acks, errors) {
  const nonce = `${run}-${++seq}`;
  const t = performance.now();
  sentAt.set(nonce, t);
  const ack = await socket.timeout(30000).emitWithAck("send-message", { channelId, content: `message ${seq}`, nonce });
  if (ack.ok) acks.push(performance.now() - t);
  else errors.push(ack.error?.code);
}

console.log(`setup: ${senderCount} senders, ${receivers.length} receivers in one channel`);

// Phase 1: a fixed offered rate, spread over the senders.
{
  const acks = [], errors = [], pending = [];
  deliveryLatencies = [];
  const total = rate * seconds, start = performance.now();
  for (let i = 0; i < total; i++) {
    const due = start + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    pending.push(send(senders[i % senders.length], acks, errors));
  }
  await Promise.all(pending);
  console.log(`fixed ${rate} sends/s for ${seconds} s: ${acks.length} acked, ${errors.length} errors${errors.length ? ` (${[...new Set(errors)]})` : ""}`);
  console.log(`  ack      ${summary(acks)}`);
  console.log(`  delivery ${summary(deliveryLatencies)} (${deliveryLatencies.length} deliveries)`);
}

// Phase 2: closed loop, `window` sends in flight per sender.
{
  const acks = [], errors = [];
  deliveryLatencies = [];
  const end = performance.now() + seconds * 1000;
  const start = performance.now();
  await Promise.all(senders.flatMap((s) => Array.from({ length: window }, async () => {
    while (performance.now() < end) await send(s, acks, errors);
  })));
  const elapsed = (performance.now() - start) / 1000;
  console.log(`max: ${(acks.length / elapsed).toFixed(0)} sends/s acked over ${elapsed.toFixed(1)} s (${senderCount} senders × ${window} in flight), ${errors.length} errors${errors.length ? ` (${[...new Set(errors)]})` : ""}`);
  console.log(`  ack      ${summary(acks)}`);
  console.log(`  delivery ${summary(deliveryLatencies)} (${deliveryLatencies.length} deliveries)`);
}
for (const s of sockets) s.close();
