// Fault tests with real processes (see cluster.mjs): Redis stopped and restarted while two nodes serve REST and
// sockets; PostgreSQL stopped for ~10 s and restarted; one node killed with SIGKILL while clients send.
// Run in this order on one cluster (the kill comes last); each scenario is bounded well under a minute.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { io } from "socket.io-client";
import { Cluster, until } from "./cluster.mjs";

/** A request during an outage must fail within this (Redis:OperationTimeout is 1 s; generous for a loaded CI box). */
const FAST_MS = 2500;
const cluster = new Cluster();
let A, B;

before(async () => {
  await cluster.startPostgres();
  await cluster.startRedis();
  A = await cluster.startNode(1);
  B = await cluster.startNode(2);
}, { timeout: 420000 });

after(async () => { await cluster.stop(); });

let counter = 0;
const unique = (p) => `${p}${++counter}_${Math.random().toString(36).slice(2, 8)}`;

async function call(url, method, path, { token, cookie, body } = {}) {
  const started = Date.now();
  const res = await fetch(`${url}${path}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(cookie ? { cookie } : {}),
      ...(body ? { "content-type": "application/json" } : {}),
    },
    body: body ? JSON.stringify(body) : undefined,
    signal: AbortSignal.timeout(15000),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : null, ms: Date.now() - started };
}

async function newUser(url) {
  const username = unique("u");
  const credentials = { email: `${username}@example.test`, password: "password-123" };
  const reg = await call(url, "POST", "/api/auth/register", { body: { ...credentials, username } });
  assert.equal(reg.status, 201, JSON.stringify(reg.body));
  const tok = await call(url, "POST", "/api/auth/token", { body: credentials });
  assert.equal(tok.status, 200, JSON.stringify(tok.body));
  return { id: reg.body.id, token: tok.body.accessToken, credentials };
}

async function channelOf(owner, ...members) {
  const created = await call(A.url, "POST", "/api/servers", { token: owner.token, body: { name: unique("srv") } });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const server = (await call(A.url, "GET", `/api/servers/${created.body.id}`, { token: owner.token })).body;
  for (const m of members) assert.equal((await call(A.url, "POST", "/api/servers/join", { token: m.token, body: { inviteCode: server.inviteCode ?? created.body.inviteCode } })).status, 200);
  return { serverId: server.id, channelId: server.channels.find((c) => c.type === "text").id };
}

async function connect(url, user) {
  const socket = io(url, { forceNew: true, reconnection: false, transports: ["websocket"], auth: { token: user.token } });
  await new Promise((resolve, reject) => { socket.once("connect", resolve); socket.once("connect_error", reject); });
  return socket;
}

/** Connects and expects a refusal: resolves with the connect_error and how long it took. */
async function connectError(url, options) {
  const started = Date.now();
  const socket = io(url, { forceNew: true, reconnection: false, ...options });
  const error = await new Promise((resolve) => {
    socket.once("connect_error", resolve);
    socket.once("connect", () => resolve(new Error("connected")));
  });
  socket.close();
  error.ms = Date.now() - started;
  return error;
}

const ack = (socket, event, payload, ms = 10000) => socket.timeout(ms).emitWithAck(event, payload);

async function listener(url, user, channelId) {
  const socket = await connect(url, user);
  const seen = new Map();
  socket.on("new-message", (m) => seen.set(m.id, m));
  assert.equal((await ack(socket, "join-channel", { channelId })).ok, true);
  return { socket, seen };
}

function assertUnavailable(r, what) {
  assert.equal(r.status, 503, `${what}: ${r.status} ${JSON.stringify(r.body)}`);
  assert.equal(r.body.code, "unavailable", what);
  assert.ok(Number(r.headers.get("retry-after")) > 0, `${what}: Retry-After`);
  assert.ok(r.ms < FAST_MS, `${what} took ${r.ms} ms`);
}

test("Redis hanging, then down: sessions answer 503 fast, bearer requests and sends go on with per-node limits, readiness names redis; all recovers", { timeout: 60000 }, async () => {
  const alice = await newUser(A.url);
  const bob = await newUser(A.url);
  const { channelId } = await channelOf(alice, bob);
  const login = await call(A.url, "POST", "/api/auth/login", { body: alice.credentials });
  assert.equal(login.status, 200, JSON.stringify(login.body));
  const cookie = login.headers.get("set-cookie").split(";")[0];
  const b = await listener(B.url, bob, channelId);
  const a = await connect(A.url, alice);
  try {
    // Redis hanging (SIGSTOP: connected, silent): commands give up after Redis:OperationTimeout (1 s), not 5 s.
    cluster.redis.kill("SIGSTOP");
    try {
      assertUnavailable(await call(A.url, "GET", "/api/auth/me", { cookie }), "cookie request, Redis hanging");
      // The first read meets the hang twice (rate limit, read cache), each giving up after one OperationTimeout and
      // then skipping Redis for a while (circuit breakers); later reads do not wait at all.
      const firstRead = await call(A.url, "GET", `/api/channels/${channelId}/messages`, { token: alice.token });
      assert.equal(firstRead.status, 200, JSON.stringify(firstRead.body)); // the rate limit fell back to this node's count
      assert.ok(firstRead.ms < 2 * FAST_MS, `first read with Redis hanging took ${firstRead.ms} ms`);
      const hungRead = await call(A.url, "GET", `/api/channels/${channelId}/messages`, { token: alice.token });
      assert.equal(hungRead.status, 200, JSON.stringify(hungRead.body));
      assert.ok(hungRead.ms < FAST_MS, `read with Redis hanging took ${hungRead.ms} ms`);
    } finally {
      cluster.redis.kill("SIGCONT");
    }
    await until(async () => (await call(A.url, "GET", "/api/auth/me", { cookie })).status === 200, 10000, "sessions after Redis resumed");

    await cluster.stopRedis();

    // The session store is Redis: a cookie request cannot be authenticated, and says so at once.
    assertUnavailable(await call(A.url, "GET", "/api/auth/me", { cookie }), "cookie request");
    assertUnavailable(await call(B.url, "POST", "/api/auth/login", { body: alice.credentials }), "login");
    // A browser's socket (cookie handshake) is refused the same way, at once: its first request is a 503.
    const refusal = await connectError(B.url, { transports: ["polling"], extraHeaders: { cookie } });
    assert.equal(refusal.description, 503, refusal.message);
    assert.ok(refusal.ms < FAST_MS, `cookie handshake refusal took ${refusal.ms} ms`);
    const ready = await call(A.url, "GET", "/health/ready");
    assert.equal(ready.status, 503);
    assert.deepEqual(ready.body.down, ["redis"]);
    assert.equal(ready.body.checks.database, "Healthy");

    // Bearer tokens need no Redis; the rate limits fall back to per-node counters instead of refusing.
    const read = await call(A.url, "GET", `/api/channels/${channelId}/messages`, { token: alice.token });
    assert.equal(read.status, 200, JSON.stringify(read.body));
    assert.ok(read.ms < FAST_MS, `read took ${read.ms} ms`);
    const sent = await call(A.url, "POST", `/api/channels/${channelId}/messages`, { token: alice.token, body: { content: "while redis is down" } });
    assert.equal(sent.status, 201, JSON.stringify(sent.body));
    assert.ok(sent.ms < FAST_MS, `send took ${sent.ms} ms`);
    // A socket event is answered too (its fan-out to node B waits for Redis: see below).
    const started = Date.now();
    const socketSend = await ack(a, "send-message", { channelId, content: "socket, redis down" });
    assert.ok(Date.now() - started < FAST_MS, "socket ack was slow");
    assert.equal(socketSend.ok, true, JSON.stringify(socketSend));

    await cluster.startRedis();
    const recovered = await until(async () => (await call(A.url, "POST", "/api/auth/login", { body: alice.credentials })).status === 200, 10000, "login after Redis returned");
    assert.ok(recovered < 3000, `login recovered after ${recovered} ms`);
    console.log(`redis: login answered again ${recovered} ms after redis-server was accepting connections`);
    await until(async () => (await call(B.url, "GET", "/health/ready")).status === 200, 5000, "node B ready");

    // Both messages committed during the outage reach the listener on node B once Redis is back (outbox relay).
    await until(() => b.seen.has(sent.body.id) && b.seen.has(socketSend.message.id), 15000, "the outage's messages on node B");
  } finally {
    a.close();
    b.socket.close();
    if (!cluster.redis) await cluster.startRedis(); // the next scenario starts from a whole cluster
    for (const node of [A, B]) await until(async () => (await call(node.url, "GET", "/health/ready")).status === 200, 10000, "a ready node");
  }
});

test("PostgreSQL down for ~10 s: reads, writes and socket events answer 503/unavailable fast; all recovers by itself", { timeout: 60000 }, async () => {
  const alice = await newUser(A.url);
  const bob = await newUser(A.url);
  const { channelId } = await channelOf(alice, bob);
  const b = await listener(B.url, bob, channelId);
  const a = await connect(A.url, alice);
  let pgDown = false;
  try {
    cluster.postgresDown();
    pgDown = true;
    const downSince = Date.now();
    let rounds = 0;
    while (Date.now() - downSince < 10000) {
      const node = rounds % 2 === 0 ? A : B;
      assertUnavailable(await call(node.url, "GET", `/api/channels/${channelId}/messages`, { token: alice.token }), "read");
      assertUnavailable(await call(node.url, "POST", `/api/channels/${channelId}/messages`, { token: alice.token, body: { content: "db down" } }), "write");
      const started = Date.now();
      const refused = await ack(a, "send-message", { channelId, content: "db down (socket)" });
      assert.ok(Date.now() - started < FAST_MS, "socket ack was slow");
      assert.deepEqual([refused.ok, refused.error.code], [false, "unavailable"], JSON.stringify(refused));
      rounds++;
    }
    const ready = await call(B.url, "GET", "/health/ready");
    assert.equal(ready.status, 503);
    assert.deepEqual(ready.body.down, ["database"]);
    // A new socket cannot be authenticated without the database: told so at once.
    const refusal = await connectError(B.url, { transports: ["websocket"], auth: { token: bob.token } });
    assert.equal(refusal.message, "unavailable");
    assert.ok(refusal.ms < FAST_MS, `handshake refusal took ${refusal.ms} ms`);

    cluster.postgresUp();
    pgDown = false;
    const recovered = await until(async () => (await call(A.url, "GET", `/api/channels/${channelId}/messages`, { token: alice.token })).status === 200
      && (await call(B.url, "GET", `/api/channels/${channelId}/messages`, { token: alice.token })).status === 200, 10000, "reads after PostgreSQL returned");
    assert.ok(recovered < 3000, `reads recovered after ${recovered} ms`);
    console.log(`postgres: ${rounds} rounds of 503s in 10 s; reads answered again ${recovered} ms after pg_ctl start returned`);
    const sent = await ack(a, "send-message", { channelId, content: "database is back" });
    assert.equal(sent.ok, true, JSON.stringify(sent));
    await until(() => b.seen.has(sent.message.id), 5000, "the message on node B");
    // Nothing was stored while the database was down.
    const page = await call(B.url, "GET", `/api/channels/${channelId}/messages`, { token: alice.token });
    assert.deepEqual(page.body.map((m) => m.content), ["database is back"]);
  } finally {
    a.close();
    b.socket.close();
    if (pgDown) cluster.postgresUp();
  }
});

test("kill -9 of a node while clients send: every acked message is stored and every stored message reaches the other node", { timeout: 60000 }, async () => {
  const owner = await newUser(B.url);
  const senders = await Promise.all(Array.from({ length: 6 }, () => newUser(B.url)));
  const { channelId } = await channelOf(owner, ...senders);
  const b = await listener(B.url, owner, channelId);
  const sockets = await Promise.all(senders.map((s) => connect(A.url, s)));
  const acked = new Set();
  let stop = false;
  const loops = sockets.map(async (socket, i) => {
    for (let n = 0; !stop; n++) {
      try {
        const r = await ack(socket, "send-message", { channelId, content: `s${i}-${n}`, nonce: `s${i}-${n}` }, 5000);
        if (r.ok) acked.add(r.message.id);
      } catch { return; } // the node died with the event in flight
    }
  });
  try {
    await until(() => acked.size >= 40, 30000, "40 acked sends");
    await cluster.kill(A);
    stop = true;
    await Promise.all(loops);

    // Every message the database holds, acked or not (committed just before the kill), reaches node B's listener.
    const stored = new Set();
    let beforeId;
    for (;;) {
      const page = await call(B.url, "GET", `/api/channels/${channelId}/messages?limit=100${beforeId ? `&before=${beforeId}` : ""}`, { token: owner.token });
      assert.equal(page.status, 200, JSON.stringify(page.body));
      for (const m of page.body) stored.add(m.id);
      if (page.body.length < 100) break;
      beforeId = page.body.at(-1).id;
    }
    for (const id of acked) assert.ok(stored.has(id), `acked message ${id} is missing from the database`);
    await until(() => [...stored].every((id) => b.seen.has(id)), 20000,
      `every stored message on node B (missing: ${[...stored].filter((id) => !b.seen.has(id)).length})`);
  } finally {
    stop = true;
    for (const s of sockets) s.close();
    b.socket.close();
  }
});
