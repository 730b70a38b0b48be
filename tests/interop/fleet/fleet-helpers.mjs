// Shared by the fleet scenarios that run while their xunit host stops or kills nodes (FleetControl on the C# side):
// marker files in FLEET_CONTROL_DIR, listening clients that record reconnections, and a sender that retries through
// the balancer with its nonce.
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { URL, connect, request, joinChannel } from "../chat/chat-helpers.mjs";

export const CONTROL = process.env.FLEET_CONTROL_DIR;
export const marked = (name) => existsSync(join(CONTROL, name));
export const mark = (name) => writeFileSync(join(CONTROL, name), "");

/** The gateway node the balancer pinned this client to (its stickiness cookie). */
export function gatewayOf(socket) {
  for (const [name, cookie] of socket.io.engine._cookieJar?.cookies ?? []) if (name === "CONCORD_NODE") return cookie.value;
  return undefined;
}

/** A listening client as an application keeps one: reconnects by itself, asks for recovery, records what it saw. */
export async function listener(user, channelId) {
  const socket = await connect(user, URL, {
    withCredentials: true, transports: ["polling", "websocket"], reconnection: true, auth: { token: user.token, recover: true },
  });
  await request(socket, "join-servers");
  await joinChannel(socket, channelId);
  const state = { socket, gateway: gatewayOf(socket), ids: new Set(), deliveries: 0, gaps: [], recovered: [], lostAt: undefined };
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

/**
 * Sends messages as `user` over REST through the balancer, one at a time; a request that meets a stopping or dead
 * node, or none, is retried with its nonce, so it is stored at most once. `acked` collects the ids the API confirmed.
 */
export function sender(user, channelId) {
  const acked = [];
  let sent = 0;
  const send = async () => {
    const nonce = `n${++sent}-${Math.random().toString(36).slice(2)}`;
    for (let attempt = 0; attempt < 50; attempt++) {
      try {
        const res = await fetch(`${URL}/api/channels/${channelId}/messages`, {
          method: "POST",
          headers: { authorization: `Bearer ${user.token}`, "content-type": "application/json" },
          body: JSON.stringify({ content: `m${sent}`, nonce }),
        });
        if (res.status === 201 || res.status === 200) return acked.push((await res.json()).id);
        await res.text();
      } catch { /* connection reset by a stopping node: retried */ }
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`message ${nonce} never accepted`);
  };
  /** Sends about ten a second until the host writes `marker`, then a few more. */
  const until = async (marker) => {
    while (!marked(marker)) {
      await send();
      await new Promise((r) => setTimeout(r, 100)); // pacing
    }
    for (let i = 0; i < 3; i++) await send();
  };
  return { acked, send, until };
}

/** Waits for every listener to be connected and fenced, then reports and asserts: nothing acked missing, every reconnection recovered. */
export async function settle(listeners, acked, label, assert) {
  for (const l of listeners) {
    if (!l.socket.connected) await new Promise((r) => l.socket.once("connect", r));
    await request(l.socket, "join-servers"); // fence: everything sent to this socket before has arrived
  }
  const report = listeners.map((l, i) => ({
    socket: i, gateway: l.gateway, gapsMs: l.gaps, recovered: l.recovered,
    missing: acked.filter((id) => !l.ids.has(id)).length, duplicates: l.deliveries - l.ids.size,
  }));
  console.log(`${label}: ${acked.length} messages acked; ${JSON.stringify(report)}`);
  for (const r of report) {
    assert.equal(r.missing, 0, `socket ${r.socket} missed acked messages: ${JSON.stringify(r)}`);
    assert.ok(r.recovered.every((x) => x === true), `socket ${r.socket} reconnected without recovery: ${JSON.stringify(r)}`);
  }
  for (const l of listeners) l.socket.close();
  return report;
}
