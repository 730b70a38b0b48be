// A rolling restart of the whole fleet under load: the xunit host (FleetRestartTests) stops each node in turn with
// SIGTERM and starts it again while this script sends messages through the balancer and four sockets listen.
// Coordination: this script creates FLEET_CONTROL_DIR/ready when its sockets listen; the host creates
// FLEET_CONTROL_DIR/restarted when every node has been restarted.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { URL, newUser, serverWith, connect, request, joinChannel } from "../chat/chat-helpers.mjs";

const CONTROL = process.env.FLEET_CONTROL_DIR;

async function until(name, ms) {
  const deadline = Date.now() + ms;
  while (!existsSync(join(CONTROL, name))) {
    if (Date.now() > deadline) throw new Error(`no ${name} from the host within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A listening client as an application keeps one: reconnects by itself, recovers, records what it saw. */
async function listener(user, channelId) {
  const socket = await connect(user, URL, { withCredentials: true, transports: ["polling", "websocket"], reconnection: true });
  await request(socket, "join-servers");
  await joinChannel(socket, channelId);
  const state = { socket, ids: new Set(), deliveries: 0, gaps: [], recovered: [], lostAt: undefined };
  socket.on("new-message", (m) => { state.ids.add(m.id); state.deliveries++; });
  socket.on("disconnect", () => { state.lostAt = Date.now(); });
  socket.on("connect", () => {
    if (state.lostAt === undefined) return;
    state.gaps.push(Date.now() - state.lostAt);
    state.recovered.push(socket.recovered);
    state.lostAt = undefined;
  });
  return state;
}

const connected = (socket) => (socket.connected ? Promise.resolve() : new Promise((r) => socket.once("connect", r)));

test("a rolling restart of every node loses no acked message and every client reconnects and recovers", { timeout: 340_000 }, async () => {
  assert.ok(CONTROL, "FLEET_CONTROL_DIR must be set");
  const alice = await newUser("alice");
  const bob = await newUser("bob");
  const carol = await newUser("carol");
  const server = await serverWith(alice, bob, carol);
  const listeners = [];
  for (const user of [bob, bob, carol, carol]) listeners.push(await listener(user, server.textChannelId));
  writeFileSync(join(CONTROL, "ready"), "");

  const acked = [];
  let sent = 0;
  const send = async () => {
    const nonce = `n${++sent}-${Math.random().toString(36).slice(2)}`;
    // A request that meets a stopping node or none is retried with its nonce, so it is stored at most once.
    for (let attempt = 0; attempt < 50; attempt++) {
      try {
        const res = await fetch(`${URL}/api/channels/${server.textChannelId}/messages`, {
          method: "POST",
          headers: { authorization: `Bearer ${alice.token}`, "content-type": "application/json" },
          body: JSON.stringify({ content: `m${sent}`, nonce }),
        });
        if (res.status === 201 || res.status === 200) return acked.push((await res.json()).id);
        await res.text();
      } catch { /* connection reset by a stopping node: retried */ }
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`message ${nonce} never accepted`);
  };
  while (!existsSync(join(CONTROL, "restarted"))) {
    await send();
    await new Promise((r) => setTimeout(r, 100)); // pacing: about ten sends a second
  }
  for (let i = 0; i < 3; i++) await send();

  for (const l of listeners) {
    await connected(l.socket);
    await request(l.socket, "join-servers"); // fence: everything sent to this socket before has arrived
  }
  const report = listeners.map((l, i) => ({ socket: i, reconnections: l.gaps.length, gapsMs: l.gaps, recovered: l.recovered, missing: acked.filter((id) => !l.ids.has(id)).length, duplicates: l.deliveries - l.ids.size }));
  console.log(`rolling restart: ${acked.length} messages acked; ${JSON.stringify(report)}`);
  for (const r of report) {
    assert.equal(r.missing, 0, `socket ${r.socket} missed acked messages: ${JSON.stringify(r)}`);
    assert.ok(r.recovered.every((x) => x === true), `socket ${r.socket} reconnected without recovery: ${JSON.stringify(r)}`);
  }
  assert.ok(report.some((r) => r.reconnections > 0), "the restart moved at least one socket");
  for (const l of listeners) l.socket.close();
});
