// Token revocation and the user-text rule over the socket, with the official socket.io-client.
// With CONCORD_URL_B (a second node on the same database and Redis) revocations must cross nodes.
import { test } from "node:test";
import assert from "node:assert/strict";
import { io } from "socket.io-client";
import { URL, URL_B, newUser, serverWith, connect, request, next, joinChannel, twoInAChannel } from "./chat-helpers.mjs";

const OTHER = URL_B ?? URL;

/** Resolves with the disconnect reason, or rejects after `ms`. */
const disconnected = (socket, ms = 10000) => new Promise((resolve, reject) => {
  const timer = setTimeout(() => reject(new Error("socket was not disconnected")), ms);
  socket.once("disconnect", (reason) => { clearTimeout(timer); resolve(reason); });
});

/** Re-checks `probe` until it returns true, for at most `ms`: waits on a condition, never for a fixed time. */
async function eventually(probe, ms = 10000) {
  const deadline = Date.now() + ms;
  for (;;) {
    if (await probe()) return;
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

async function handshakeError(url, token) {
  const socket = io(url, { forceNew: true, reconnection: false, transports: ["websocket"], auth: { token } });
  try {
    return await new Promise((resolve) => {
      socket.once("connect", () => resolve(null));
      socket.once("connect_error", (err) => resolve(err.message));
    });
  } finally {
    socket.close();
  }
}

test("a control character in a socket message is refused in the ack, naming the field, and nothing is stored", async () => {
  const { alice, bob, server, a, b } = await twoInAChannel();
  try {
    for (const [payload, field] of [
      [{ channelId: server.textChannelId, content: "nul \u0000 here" }, "content"],
      [{ channelId: server.textChannelId, content: "bell \u0007" }, "content"],
      [{ channelId: server.textChannelId, content: "fine", nonce: "n\u0000" }, "nonce"],
    ]) {
      const ack = await request(a, "send-message", payload);
      assert.equal(ack.ok, false, JSON.stringify(ack));
      assert.equal(ack.error.code, "validation_failed");
      assert.ok(ack.error.errors?.[field], `errors should name ${field}: ${JSON.stringify(ack)}`);
    }
    const dm = (await alice.rest("POST", "/api/conversations", { userId: bob.id }, 201)).body;
    for (const [payload, field] of [
      [{ conversationId: dm.id, content: "\u0000" }, "content"],
      [{ conversationId: dm.id, content: "ok", nonce: "\u001b[2J" }, "nonce"],
    ]) {
      const ack = await request(a, "send-direct-message", payload);
      assert.equal(ack.error?.code, "validation_failed", JSON.stringify(ack));
      assert.ok(ack.error.errors?.[field], `errors should name ${field}: ${JSON.stringify(ack)}`);
    }
    assert.deepEqual((await alice.rest("GET", `/api/channels/${server.textChannelId}/messages`, undefined, 200)).body, []);
    assert.deepEqual((await alice.rest("GET", `/api/conversations/${dm.id}/messages`, undefined, 200)).body, []);
    // Tabs and line breaks are text.
    const ok = await request(a, "send-message", { channelId: server.textChannelId, content: "a\tb\r\nc" });
    assert.equal(ok.message.content, "a\tb\r\nc");
  } finally {
    a.close();
    b.close();
  }
});

test("logout-all disconnects every socket of the user on every node and its tokens stop working everywhere", async () => {
  const alice = await newUser("alice");
  const bob = await newUser("bob");
  const a1 = await connect(alice, URL);
  const a2 = await connect(alice, OTHER);
  const b = await connect(bob, OTHER);
  try {
    // A use of the token on the other node first, so that node has the token's version cached.
    await fetch(`${OTHER}/api/auth/me`, { headers: { authorization: `Bearer ${alice.token}` } }).then((r) => assert.equal(r.status, 200));
    const gone = [disconnected(a1), disconnected(a2)];
    await alice.rest("POST", "/api/auth/logout-all", undefined, 204);
    assert.deepEqual(await Promise.all(gone), ["io server disconnect", "io server disconnect"]);
    assert.equal(b.connected, true);
    assert.equal((await request(b, "join-servers")).ok, true);

    await eventually(async () => (await fetch(`${OTHER}/api/auth/me`, { headers: { authorization: `Bearer ${alice.token}` } })).status === 401);
    assert.equal((await fetch(`${URL}/api/auth/me`, { headers: { authorization: `Bearer ${alice.token}` } })).status, 401);
    assert.equal(await handshakeError(URL, alice.token), "unauthorized");
    assert.equal(await handshakeError(OTHER, alice.token), "unauthorized");
    assert.equal(await handshakeError(OTHER, bob.token), null);
  } finally {
    a1.close();
    a2.close();
    b.close();
  }
});

test("a password change disconnects the user's sockets", async () => {
  const alice = await newUser("alice");
  const socket = await connect(alice, OTHER);
  try {
    const gone = disconnected(socket);
    await alice.rest("PATCH", "/api/auth/profile", { newPassword: "password-456", currentPassword: "password-123" }, 200);
    assert.equal(await gone, "io server disconnect");
    assert.equal(await handshakeError(URL, alice.token), "unauthorized");
  } finally {
    socket.close();
  }
});

test("a handshake with a revoked token is refused", async () => {
  const alice = await newUser("alice");
  await alice.rest("POST", "/api/auth/logout-all", undefined, 204);
  assert.equal(await handshakeError(URL, alice.token), "unauthorized");
});

test("a socket that was away during logout-all cannot recover its session", async () => {
  const alice = await newUser("alice");
  const bob = await newUser("bob");
  const server = await serverWith(alice, bob);
  const a = await connect(alice);
  // Only a client that asks for recovery gets the broadcast offsets it needs.
  const b = await connect(bob, URL, { auth: { token: bob.token, recover: true } });
  try {
    await joinChannel(a, server.textChannelId);
    await joinChannel(b, server.textChannelId);
    await request(a, "join-servers");
    // Recovery resumes from the last offset the client saw, so bob must have received one broadcast.
    const first = next(b, "new-message");
    await request(a, "send-message", { channelId: server.textChannelId, content: "before the drop" });
    await first;
    const offline = next(a, "presence-update", (p) => p.userId === bob.id && p.status === "offline");
    const dropped = disconnected(b);
    b.io.engine.close();
    await dropped;
    await offline;

    await bob.rest("POST", "/api/auth/logout-all", undefined, 204);
    const refused = disconnected(b);
    b.connect();
    assert.equal(await refused, "io server disconnect");
  } finally {
    a.close();
    b.close();
  }
});
