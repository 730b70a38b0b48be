// The fleet through its one address: HAProxy (deploy/haproxy/haproxy.cfg) in front of three Concord nodes with
// mixed roles (api-1: api; gateway-1: gateway; all-1: everything). CONCORD_URL is the balancer; the xunit host
// (tests/Concord.Server.Tests/Fleet) starts it all.
import { test } from "node:test";
import assert from "node:assert/strict";
import { URL, newUser, serverWith, connect, request, next, joinChannel } from "../chat/chat-helpers.mjs";

const GATEWAY_COOKIE = "CONCORD_NODE";

/** A client as an application would open it through a balancer: cookies kept (stickiness), polling then WebSocket. */
const connectThroughBalancer = (user, options = {}) =>
  connect(user, URL, { withCredentials: true, transports: ["polling", "websocket"], ...options });

/** The gateway node the balancer pinned this client to (its stickiness cookie). */
function gatewayOf(socket) {
  for (const [name, cookie] of socket.io.engine._cookieJar?.cookies ?? []) if (name === GATEWAY_COOKIE) return cookie.value;
  return undefined;
}

/** Connects until the balancer puts this user's socket on a gateway other than `avoid` (round-robin: a few tries). */
async function connectElsewhere(user, avoid) {
  for (let attempt = 0; attempt < 6; attempt++) {
    const socket = await connectThroughBalancer(user);
    if (gatewayOf(socket) !== avoid) return socket;
    socket.close();
  }
  throw new Error(`the balancer kept every new session on gateway ${avoid}`);
}

const upgraded = (socket) =>
  socket.io.engine.transport.name === "websocket" ? Promise.resolve() : new Promise((resolve) => socket.io.engine.once("upgrade", resolve));

test("long-polling requests of one session stay on its node only because of the balancer's cookie", async () => {
  const handshake = await fetch(`${URL}/socket.io/?EIO=4&transport=polling`);
  assert.equal(handshake.status, 200);
  const { sid } = JSON.parse((await handshake.text()).slice(1));
  const cookie = handshake.headers.getSetCookie().find((c) => c.startsWith(`${GATEWAY_COOKIE}=`));
  assert.ok(cookie, "the balancer sets its stickiness cookie on the handshake");
  const post = (headers) =>
    fetch(`${URL}/socket.io/?EIO=4&transport=polling&sid=${sid}`, { method: "POST", headers: { "content-type": "text/plain", ...headers }, body: "6" });

  for (let i = 0; i < 6; i++) {
    const res = await post({ cookie: cookie.split(";")[0] });
    assert.equal(res.status, 200, `with the cookie, request ${i}: ${await res.text()}`);
    await res.arrayBuffer().catch(() => {});
  }
  // Control: without the cookie, round-robin sends some of them to the other gateway, which does not know the session.
  const statuses = [];
  for (let i = 0; i < 6; i++) {
    const res = await post({});
    statuses.push(res.status);
    await res.text();
  }
  assert.ok(statuses.includes(400), `without the cookie every request reached the session's node: ${statuses}`);
});

test("the official client keeps one session over polling only, and upgrades polling to WebSocket, through the balancer", async () => {
  const alice = await newUser("alice");
  const polling = await connectThroughBalancer(alice, { transports: ["polling"] });
  const upgrading = await connectThroughBalancer(alice);
  try {
    const errors = [];
    polling.on("connect_error", (e) => errors.push(e.message));
    polling.on("disconnect", (reason) => errors.push(reason));
    for (let i = 0; i < 10; i++) assert.equal((await request(polling, "join-servers")).ok, true);
    assert.equal(polling.io.engine.transport.name, "polling");
    await upgraded(upgrading);
    assert.equal((await request(upgrading, "join-servers")).ok, true);
    assert.deepEqual(errors, [], "no session lost");
  } finally {
    polling.close();
    upgrading.close();
  }
});

test("REST writes on either api node reach sockets on both gateways; presence, typing and calls cross nodes", async () => {
  const alice = await newUser("alice");
  const bob = await newUser("bob");
  const carol = await newUser("carol");
  const server = await serverWith(alice, bob, carol);
  const a = await connectThroughBalancer(alice);
  const b = await connectElsewhere(bob, gatewayOf(a));
  assert.notEqual(gatewayOf(a), gatewayOf(b), "alice and bob are on different gateway nodes");
  try {
    await request(a, "join-servers");
    await request(b, "join-servers");
    await joinChannel(a, server.textChannelId);
    await joinChannel(b, server.textChannelId);

    // REST through the balancer: round-robin over both api-capable nodes; every message reaches both gateways.
    const servedBy = new Set();
    const sent = [];
    const atAlice = [];
    const atBob = [];
    a.on("new-message", (m) => atAlice.push(m.id));
    b.on("new-message", (m) => atBob.push(m.id));
    for (let i = 0; i < 4; i++) {
      const res = await fetch(`${URL}/api/channels/${server.textChannelId}/messages`, {
        method: "POST",
        headers: { authorization: `Bearer ${carol.token}`, "content-type": "application/json" },
        body: JSON.stringify({ content: `rest ${i}` }),
      });
      assert.equal(res.status, 201, await res.clone().text());
      servedBy.add(res.headers.get("x-concord-node"));
      sent.push((await res.json()).id);
    }
    assert.deepEqual([...servedBy].sort(), ["all-1", "api-1"], "both api-capable nodes took writes");
    await request(a, "join-servers"); // fences: whatever was sent to a socket before its ack has arrived
    await request(b, "join-servers");
    assert.deepEqual(atAlice, sent);
    assert.deepEqual(atBob, sent);

    // Presence: bob's activity on his node is seen by alice on hers.
    const idle = next(a, "presence-update", (p) => p.userId === bob.id && p.status === "idle");
    assert.equal((await request(b, "set-status", { status: "idle" })).ok, true);
    await idle;

    // Typing crosses nodes.
    const typing = next(a, "typing-start", (t) => t.userId === bob.id);
    assert.equal((await request(b, "typing-start", { channelId: server.textChannelId })).ok, true);
    assert.equal((await typing).channelId, server.textChannelId);

    // A call's signaling crosses nodes.
    assert.equal((await request(a, "join-call", { channelId: server.voiceChannelId })).ok, true);
    const joined = await request(b, "join-call", { channelId: server.voiceChannelId });
    assert.deepEqual(joined.participants, [{ userId: alice.id, socketId: a.id }]);
    const offer = next(a, "offer");
    assert.equal((await request(b, "offer", { to: a.id, sdp: { type: "offer", sdp: "v=0" } })).ok, true);
    assert.equal((await offer).fromUserId, bob.id);
    const answer = next(b, "answer");
    assert.equal((await request(a, "answer", { to: b.id, sdp: { type: "answer", sdp: "v=0" } })).ok, true);
    assert.equal((await answer).fromUserId, alice.id);

    // Bob's last socket closes on his node: alice hears he is offline.
    const offline = next(a, "presence-update", (p) => p.userId === bob.id && p.status === "offline");
    b.close();
    await offline;
  } finally {
    a.close();
    b.close();
  }
});
