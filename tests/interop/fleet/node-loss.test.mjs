// Losing a node: the xunit host (FleetNodeLossTests) kills gateway-1 with SIGKILL while this script sends messages
// through the balancer and sockets on both gateways listen. Coordination as in rolling-restart.test.mjs:
// FLEET_CONTROL_DIR/ready from here when the sockets listen, FLEET_CONTROL_DIR/killed from the host after the kill.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { URL, newUser, serverWith, connect, request, joinChannel } from "../chat/chat-helpers.mjs";

const CONTROL = process.env.FLEET_CONTROL_DIR;
const gatewayOf = (socket) => {
  for (const [name, cookie] of socket.io.engine._cookieJar?.cookies ?? []) if (name === "CONCORD_NODE") return cookie.value;
  return undefined;
};

async function listener(user, channelId) {
  const socket = await connect(user, URL, {
    withCredentials: true, transports: ["polling", "websocket"], reconnection: true, auth: { token: user.token, recover: true },
  });
  await request(socket, "join-servers");
  await joinChannel(socket, channelId);
  const state = { socket, gateway: gatewayOf(socket), ids: new Set(), gaps: [], recovered: [], lostAt: undefined };
  socket.on("new-message", (m) => state.ids.add(m.id));
  socket.on("disconnect", () => { state.lostAt = Date.now(); });
  socket.on("connect", () => {
    if (state.lostAt === undefined) return;
    state.gaps.push(Date.now() - state.lostAt);
    state.recovered.push(socket.recovered);
    state.lostAt = undefined;
  });
  return state;
}

test("a gateway killed with SIGKILL: its clients reconnect through the balancer, recover, and miss no acked message", { timeout: 340_000 }, async () => {
  assert.ok(CONTROL, "FLEET_CONTROL_DIR must be set");
  const alice = await newUser("alice");
  const bob = await newUser("bob");
  const server = await serverWith(alice, bob);
  // Round-robin spreads new sessions: open listeners until both gateways hold two.
  const listeners = [];
  for (let i = 0; i < 12 && !(["g1", "g2"].every((g) => listeners.filter((l) => l.gateway === g).length >= 2)); i++) {
    listeners.push(await listener(bob, server.textChannelId));
  }
  const doomed = listeners.filter((l) => l.gateway === "g1");
  assert.ok(doomed.length >= 2 && listeners.some((l) => l.gateway === "g2"), `listeners by gateway: ${listeners.map((l) => l.gateway)}`);
  const acked = [];
  let sent = 0;
  const send = async () => {
    const nonce = `n${++sent}-${Math.random().toString(36).slice(2)}`;
    for (let attempt = 0; attempt < 50; attempt++) {
      try {
        const res = await fetch(`${URL}/api/channels/${server.textChannelId}/messages`, {
          method: "POST",
          headers: { authorization: `Bearer ${alice.token}`, "content-type": "application/json" },
          body: JSON.stringify({ content: `m${sent}`, nonce }),
        });
        if (res.status === 201 || res.status === 200) return acked.push((await res.json()).id);
        await res.text();
      } catch { /* retried with the same nonce */ }
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`message ${nonce} never accepted`);
  };
  // Recovery resumes from the last offset a client received: one that has received nothing since connecting has
  // none to give (socket.io's protocol), and must resync over REST instead. Every listener first hears a message.
  await send();
  for (const l of listeners) await request(l.socket, "join-servers"); // fence: the message has arrived
  assert.ok(listeners.every((l) => l.ids.size === 1), "every listener heard the first message");
  writeFileSync(join(CONTROL, "ready"), "");
  while (!existsSync(join(CONTROL, "killed"))) {
    await send();
    await new Promise((r) => setTimeout(r, 100)); // pacing
  }
  for (let i = 0; i < 5; i++) await send();

  for (const l of listeners) {
    if (!l.socket.connected) await new Promise((r) => l.socket.once("connect", r));
    await request(l.socket, "join-servers"); // fence
  }
  const report = listeners.map((l, i) => ({ socket: i, gateway: l.gateway, gapsMs: l.gaps, recovered: l.recovered, missing: acked.filter((id) => !l.ids.has(id)).length }));
  console.log(`node loss: ${acked.length} messages acked; ${JSON.stringify(report)}`);
  for (const l of doomed) assert.ok(l.gaps.length > 0, "a socket of the killed node reconnected");
  for (const r of report) {
    assert.equal(r.missing, 0, `socket ${r.socket} missed acked messages: ${JSON.stringify(r)}`);
    assert.ok(r.recovered.every((x) => x === true), `socket ${r.socket} reconnected without recovery: ${JSON.stringify(r)}`);
  }
  for (const l of listeners) l.socket.close();
});
