// Two Concord nodes on one PostgreSQL and one Redis (CONCORD_URL and CONCORD_URL_B).
import { test } from "node:test";
import assert from "node:assert/strict";
import { URL, URL_B, newUser, serverWith, connect, request, next, recorder, joinChannel } from "./chat-helpers.mjs";

test("a message sent on node A reaches a member connected to node B", async () => {
  assert.ok(URL_B, "CONCORD_URL_B must be set");
  const alice = await newUser("alice");
  const bob = await newUser("bob");
  const server = await serverWith(alice, bob);
  const a = await connect(alice, URL);
  const b = await connect(bob, URL_B);
  try {
    await request(b, "join-servers");
    await joinChannel(a, server.textChannelId);
    await joinChannel(b, server.textChannelId);
    const arrived = next(b, "new-message");
    const ack = await request(a, "send-message", { channelId: server.textChannelId, content: "across nodes" });
    assert.equal((await arrived).id, ack.message.id);

    // A kick on node A evicts bob's socket on node B from the channel room.
    const left = next(b, "member-left");
    await alice.rest("DELETE", `/api/servers/${server.id}/members/${bob.id}`, undefined, 204);
    await left;
    const rejoin = await request(b, "join-channel", { channelId: server.textChannelId });
    assert.equal(rejoin.error.code, "not_found");

    // Calls span nodes too: participants on the other node are listed and reachable.
    const carol = await newUser("carol");
    const dave = await newUser("dave");
    const voice = await serverWith(carol, dave);
    const c = await connect(carol, URL);
    const d = await connect(dave, URL_B);
    try {
      await request(c, "join-call", { channelId: voice.voiceChannelId });
      const joined = await request(d, "join-call", { channelId: voice.voiceChannelId });
      assert.deepEqual(joined.participants, [{ userId: carol.id, socketId: c.id }]);
      const offer = next(c, "offer");
      assert.equal((await request(d, "offer", { to: c.id, sdp: { type: "offer", sdp: "v=0" } })).ok, true);
      assert.equal((await offer).fromUserId, dave.id);

      // Kicked through node A while in the call on node B: the call hears that dave left (his call state crossed Redis).
      await request(c, "join-servers");
      const daveLeft = next(c, "user-left-call");
      const daveGone = next(c, "voice-state-update", (v) => v.userId === dave.id && !v.inCall);
      await carol.rest("DELETE", `/api/servers/${voice.id}/members/${dave.id}`, undefined, 204);
      assert.deepEqual(await daveLeft, { userId: dave.id, socketId: d.id });
      assert.equal((await daveGone).channelId, voice.voiceChannelId);
    } finally {
      c.close();
      d.close();
    }
  } finally {
    a.close();
    b.close();
  }
});

test("a client that drops on node A resumes on node B with every message it missed, once and in order", async () => {
  assert.ok(URL_B, "CONCORD_URL_B must be set");
  const alice = await newUser("alice");
  const bob = await newUser("bob");
  const server = await serverWith(alice, bob);
  const a = await connect(alice, URL);
  // A client asks for connection-state recovery in its auth (docs/realtime.md); others get no offsets.
  const b = await connect(bob, URL, { auth: { token: bob.token, recover: true } });
  try {
    await request(a, "join-servers");
    await joinChannel(a, server.textChannelId);
    await joinChannel(b, server.textChannelId);
    // Recovery resumes from the last offset the client saw, so bob must have received one broadcast.
    const first = next(b, "new-message");
    await request(a, "send-message", { channelId: server.textChannelId, content: "before the drop" });
    await first;
    const idBefore = b.id;

    // A network loss: the server notices (bob goes offline for his server) and keeps his session.
    const offline = next(a, "presence-update", (p) => p.userId === bob.id && p.status === "offline");
    const gone = new Promise((resolve) => b.once("disconnect", resolve));
    b.io.engine.close();
    await gone;
    await offline;

    const sent = [];
    for (const content of ["m1", "m2", "m3"]) sent.push((await request(a, "send-message", { channelId: server.textChannelId, content })).message.id);
    const received = [];
    b.on("new-message", (m) => received.push(m.id));

    b.io.uri = URL_B;
    const connected = new Promise((resolve) => b.once("connect", resolve));
    b.connect();
    await connected;
    assert.equal(b.recovered, true);
    assert.equal(b.id, idBefore);
    assert.equal(String(b.io.engine.port), new globalThis.URL(URL_B).port);

    // A live message after the replay proves nothing was replayed twice or left out.
    const live = next(b, "new-message", (m) => m.content === "m4");
    sent.push((await request(a, "send-message", { channelId: server.textChannelId, content: "m4" })).message.id);
    await live;
    assert.deepEqual(received, sent);
  } finally {
    a.close();
    b.close();
  }
});

// Both nodes run with Calls:MaxParticipants = 2 (RealtimeInteropTests), so one place is left once carol is in.
test("two joiners on two nodes racing for a call's last place: exactly one gets it, every time", async () => {
  assert.ok(URL_B, "CONCORD_URL_B must be set");
  const carol = await newUser("carol");
  const dave = await newUser("dave");
  const erin = await newUser("erin");
  const server = await serverWith(carol, dave, erin);
  const c = await connect(carol, URL);
  const d = await connect(dave, URL);
  const e = await connect(erin, URL_B);
  try {
    assert.equal((await request(c, "join-call", { channelId: server.voiceChannelId })).ok, true);
    for (let round = 0; round < 8; round++) {
      const acks = await Promise.all([
        request(d, "join-call", { channelId: server.voiceChannelId }),
        request(e, "join-call", { channelId: server.voiceChannelId }),
      ]);
      assert.deepEqual(acks.map((a) => a.ok).filter(Boolean).length, 1, JSON.stringify(acks));
      const loser = acks.find((a) => !a.ok);
      assert.equal(loser.error.code, "conflict");
      const winner = acks[0].ok ? d : e;
      const listed = (await request(c, "call-participants", { channelId: server.voiceChannelId })).participants;
      assert.deepEqual(listed.map((p) => p.socketId).sort(), [c.id, winner.id].sort());
      assert.equal((await request(winner, "leave-call")).ok, true);
    }
  } finally {
    c.close();
    d.close();
    e.close();
  }
});

test("a signal crosses nodes only to a socket in the sender's call: after the target leaves, its node drops it", async () => {
  assert.ok(URL_B, "CONCORD_URL_B must be set");
  const carol = await newUser("carol");
  const dave = await newUser("dave");
  const server = await serverWith(carol, dave);
  const c = await connect(carol, URL);
  const d = await connect(dave, URL_B);
  try {
    assert.equal((await request(c, "join-call", { channelId: server.voiceChannelId })).ok, true);
    assert.equal((await request(d, "join-call", { channelId: server.voiceChannelId })).ok, true);
    const daveOffers = recorder(d, "offer");
    const first = next(d, "offer");
    assert.equal((await request(c, "offer", { to: d.id, sdp: { type: "offer", sdp: "in" } })).ok, true);
    await first;
    assert.equal((await request(d, "leave-call")).ok, true);
    // Answered at once (no look-up on the other node), and never delivered.
    assert.equal((await request(c, "offer", { to: d.id, sdp: { type: "offer", sdp: "after" } })).ok, true);
    // A later signal that does arrive proves the dropped one was not merely slow: node B delivers in order.
    assert.equal((await request(d, "join-call", { channelId: server.voiceChannelId })).ok, true);
    const again = next(d, "offer");
    assert.equal((await request(c, "offer", { to: d.id, sdp: { type: "offer", sdp: "back" } })).ok, true);
    await again;
    assert.deepEqual(daveOffers.seen.map((o) => o.sdp.sdp), ["in", "back"]);
  } finally {
    c.close();
    d.close();
  }
});
