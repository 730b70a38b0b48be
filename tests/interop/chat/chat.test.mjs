// Real-time chat against a real Concord server, with the official socket.io-client.
import { test } from "node:test";
import assert from "node:assert/strict";
import { io } from "socket.io-client";
import { URL, newUser, serverWith, connect, request, next, recorder, joinChannel, twoInAChannel, threeInAServer } from "./chat-helpers.mjs";

test("a handshake without valid credentials is refused with 'unauthorized'", async () => {
  for (const auth of [{}, { token: "not-a-jwt" }]) {
    const socket = io(URL, { forceNew: true, reconnection: false, transports: ["websocket"], auth });
    const err = await new Promise((resolve) => socket.once("connect_error", resolve));
    socket.close();
    assert.equal(err.message, "unauthorized");
  }
});

test("the session cookie also authenticates the handshake", async () => {
  const username = `cookie_${Date.now()}`;
  const res = await fetch(`${URL}/api/auth/register`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email: `${username}@example.test`, username, password: "password-123" }),
  });
  const cookie = res.headers.get("set-cookie").split(";")[0];
  const socket = io(URL, { forceNew: true, reconnection: false, transports: ["websocket"], extraHeaders: { cookie } });
  await new Promise((resolve, reject) => { socket.once("connect", resolve); socket.once("connect_error", reject); });
  const ack = await request(socket, "join-servers");
  socket.close();
  assert.deepEqual(ack, { ok: true, serverIds: [] });
});

test("two members exchange messages and typing in real time", async () => {
  const alice = await newUser("alice");
  const bob = await newUser("bob");
  const server = await serverWith(alice, bob);
  const a = await connect(alice);
  const b = await connect(bob);
  try {
    const joined = await request(a, "join-servers");
    assert.deepEqual(joined.serverIds, [server.id]);
    await joinChannel(a, server.textChannelId);
    await joinChannel(b, server.textChannelId);

    const typing = next(a, "typing-start");
    assert.equal((await request(b, "typing-start", { channelId: server.textChannelId })).ok, true);
    assert.deepEqual(await typing, { channelId: server.textChannelId, userId: bob.id, username: bob.username });

    // Sending a message ends the sender's typing state.
    const stopped = next(a, "typing-stop");
    const arrived = next(a, "new-message");
    const ack = await request(b, "send-message", { channelId: server.textChannelId, content: "hello alice", nonce: "n-1" });
    assert.equal(ack.ok, true, JSON.stringify(ack));
    const message = await arrived;
    assert.equal(message.id, ack.message.id);
    assert.equal(message.content, "hello alice");
    assert.equal(message.author.id, bob.id);
    assert.deepEqual(await stopped, { channelId: server.textChannelId, userId: bob.id, username: bob.username });

    // The message is stored: REST sees it.
    const page = (await alice.rest("GET", `/api/channels/${server.textChannelId}/messages`, undefined, 200)).body;
    assert.equal(page[0].id, ack.message.id);
  } finally {
    a.close();
    b.close();
  }
});

test("a message posted over REST ends the author's typing state too", async () => {
  const { bob, server, a, b } = await twoInAChannel();
  try {
    const typing = next(a, "typing-start");
    await request(b, "typing-start", { channelId: server.textChannelId });
    await typing;
    // This host keeps the 10 s typing timeout, longer than next()'s 5 s wait: the stop comes from the post.
    const events = [];
    a.on("new-message", () => events.push("new-message"));
    const stopped = next(a, "typing-stop");
    a.on("typing-stop", () => events.push("typing-stop"));
    await bob.rest("POST", `/api/channels/${server.textChannelId}/messages`, { content: "typed, then posted" }, 201);
    assert.deepEqual(await stopped, { channelId: server.textChannelId, userId: bob.id, username: bob.username });
    assert.deepEqual(events, ["new-message", "typing-stop"]);
  } finally {
    a.close();
    b.close();
  }
});

test("a server created or joined over REST is followed by every socket of that user at once", async () => {
  const alice = await newUser("alice");
  const bob = await newUser("bob");
  const a = await connect(alice);
  const b = await connect(bob);
  const bOtherTab = await connect(bob);
  try {
    const announced = next(a, "server-joined");
    const created = (await alice.rest("POST", "/api/servers", { name: "fresh" }, 201)).body;
    assert.equal((await announced).server.id, created.id);

    // Bob joins from one device; both of his sockets are subscribed without calling join-servers, and alice sees
    // him arrive online (he has sockets connected).
    const joined = [next(b, "server-joined"), next(bOtherTab, "server-joined")];
    const arrived = next(a, "member-joined");
    await bob.rest("POST", "/api/servers/join", { inviteCode: created.inviteCode }, 200);
    for (const e of await Promise.all(joined)) assert.equal(e.server.id, created.id);
    const { member } = await arrived;
    assert.equal(member.user.id, bob.id);
    assert.equal(member.presence, "online");
    const channelSeen = [next(a, "channel-created"), next(bOtherTab, "channel-created")];
    const channel = (await alice.rest("POST", `/api/servers/${created.id}/channels`, { name: "news", type: "text" }, 201)).body;
    for (const e of await Promise.all(channelSeen)) assert.equal(e.channel.id, channel.id);
  } finally {
    for (const s of [a, b, bOtherTab]) s.close();
  }
});

test("a message posted over REST reaches the channel's sockets", async () => {
  const alice = await newUser("alice");
  const bob = await newUser("bob");
  const server = await serverWith(alice, bob);
  const b = await connect(bob);
  try {
    await joinChannel(b, server.textChannelId);
    const arrived = next(b, "new-message");
    const posted = (await alice.rest("POST", `/api/channels/${server.textChannelId}/messages`, { content: "via rest" }, 201)).body;
    assert.equal((await arrived).id, posted.id);

    const updated = next(b, "message-updated");
    await alice.rest("PATCH", `/api/messages/${posted.id}`, { content: "edited" }, 200);
    assert.equal((await updated).content, "edited");

    const deleted = next(b, "message-deleted");
    await alice.rest("DELETE", `/api/messages/${posted.id}`, undefined, 204);
    assert.equal((await deleted).id, posted.id);
  } finally {
    b.close();
  }
});

test("a non-member cannot join a channel or send to it", async () => {
  const alice = await newUser("alice");
  const mallory = await newUser("mallory");
  const server = await serverWith(alice);
  const m = await connect(mallory);
  try {
    const join = await request(m, "join-channel", { channelId: server.textChannelId });
    assert.equal(join.ok, false);
    assert.equal(join.error.code, "not_found");
    const send = await request(m, "send-message", { channelId: server.textChannelId, content: "spam" });
    assert.equal(send.ok, false);
    assert.equal(send.error.code, "not_found");
    const bad = await request(m, "join-channel", { channelId: "not-an-id" });
    assert.equal(bad.ok, false);
    assert.equal(bad.error.code, "validation_failed");
  } finally {
    m.close();
  }
});

test("a kicked member stops receiving the server's events at once", async () => {
  const alice = await newUser("alice");
  const bob = await newUser("bob");
  const server = await serverWith(alice, bob);
  const a = await connect(alice);
  const b = await connect(bob);
  try {
    await request(a, "join-servers");
    await request(b, "join-servers");
    await joinChannel(a, server.textChannelId);
    await joinChannel(b, server.textChannelId);
    const bobMessages = recorder(b, "new-message");

    const left = next(a, "member-left");
    const told = next(b, "member-left");
    await alice.rest("DELETE", `/api/servers/${server.id}/members/${bob.id}`, undefined, 204);
    assert.deepEqual(await left, { serverId: server.id, userId: bob.id, reason: "kicked" });
    assert.equal((await told).reason, "kicked", "the kicked member learns why the server vanished");

    const ack = await request(a, "send-message", { channelId: server.textChannelId, content: "after the kick" });
    assert.equal(ack.ok, true);
    await bobMessages.fence();
    assert.deepEqual(bobMessages.seen, []);
    const rejoin = await request(b, "join-channel", { channelId: server.textChannelId });
    assert.equal(rejoin.error.code, "not_found");
  } finally {
    a.close();
    b.close();
  }
});

test("a new conversation and its messages reach every socket of its participants without joining", async () => {
  const alice = await newUser("alice");
  const bob = await newUser("bob");
  const carol = await newUser("carol");
  const a = await connect(alice);
  const b = await connect(bob);
  const bSecondTab = await connect(bob);
  const c = await connect(carol);
  try {
    const carolSaw = recorder(c, "conversation-created");
    c.on("new-direct-message", (m) => carolSaw.seen.push(m));
    const announced = next(b, "conversation-created");
    const conversation = (await alice.rest("POST", "/api/conversations", { userId: bob.id }, 201)).body;
    const shown = await announced;
    assert.equal(shown.id, conversation.id);
    assert.deepEqual(shown.participants.map((p) => p.id).sort(), [alice.id, bob.id].sort());

    // Neither of bob's sockets joined the conversation's room: the user room carries it, once per socket.
    const arrived = [next(b, "new-direct-message"), next(bSecondTab, "new-direct-message")];
    const ack = await request(a, "send-direct-message", { conversationId: conversation.id, content: "hello bob" });
    assert.equal(ack.ok, true, JSON.stringify(ack));
    for (const m of await Promise.all(arrived)) assert.equal(m.id, ack.message.id);
    await carolSaw.fence();
    assert.deepEqual(carolSaw.seen, []);
  } finally {
    for (const s of [a, b, bSecondTab, c]) s.close();
  }
});

test("direct messages reach only the conversation's participants", async () => {
  const alice = await newUser("alice");
  const bob = await newUser("bob");
  const carol = await newUser("carol");
  const conversation = (await alice.rest("POST", "/api/conversations", { userId: bob.id })).body;
  const a = await connect(alice);
  const b = await connect(bob);
  const c = await connect(carol);
  try {
    assert.equal((await request(b, "join-conversation", { conversationId: conversation.id })).ok, true);
    const refused = await request(c, "join-conversation", { conversationId: conversation.id });
    assert.equal(refused.error.code, "not_found");
    const carolSaw = recorder(c, "new-direct-message");
    const bobSaw = recorder(b, "new-direct-message");

    const arrived = next(b, "new-direct-message");
    const ack = await request(a, "send-direct-message", { conversationId: conversation.id, content: "psst" });
    assert.equal(ack.ok, true, JSON.stringify(ack));
    assert.equal((await arrived).content, "psst");
    await carolSaw.fence();
    assert.deepEqual(carolSaw.seen, []);
    // Bob's socket is in the conversation's room and in his user room: it gets the message once.
    await bobSaw.fence();
    assert.equal(bobSaw.seen.length, 1);

    const denied = await request(c, "send-direct-message", { conversationId: conversation.id, content: "let me in" });
    assert.equal(denied.error.code, "not_found");

    // Edits and deletes over REST reach the participants' sockets.
    const updated = next(b, "direct-message-updated");
    await alice.rest("PATCH", `/api/conversations/${conversation.id}/messages/${ack.message.id}`, { content: "psst!" }, 200);
    const edit = await updated;
    assert.equal(edit.id, ack.message.id);
    assert.equal(edit.content, "psst!");
    assert.notEqual(edit.editedAt, null);
    const deleted = next(b, "direct-message-deleted");
    await alice.rest("DELETE", `/api/conversations/${conversation.id}/messages/${ack.message.id}`, undefined, 204);
    assert.deepEqual(await deleted, { id: ack.message.id, conversationId: conversation.id });

    // A DM call: participants only. Starting it rings the other participant's sockets (no join needed).
    const ringing = next(b, "voice-state-update");
    assert.deepEqual(await request(a, "join-call", { conversationId: conversation.id }), { ok: true, participants: [] });
    assert.deepEqual(await ringing, {
      channelId: null, serverId: null, conversationId: conversation.id, userId: alice.id, socketId: a.id, inCall: true,
    });
    assert.deepEqual((await request(b, "call-participants", { conversationId: conversation.id })).participants, [{ userId: alice.id, socketId: a.id }]);
    assert.equal((await request(c, "call-participants", { conversationId: conversation.id })).error.code, "not_found");
    const joined = await request(b, "join-call", { conversationId: conversation.id });
    assert.deepEqual(joined.participants, [{ userId: alice.id, socketId: a.id }]);
    assert.equal((await request(c, "join-call", { conversationId: conversation.id })).error.code, "not_found");
  } finally {
    a.close();
    b.close();
    c.close();
  }
});

test("participants are told when someone is added to or leaves a group; a leaver stops receiving at once", async () => {
  const alice = await newUser("alice");
  const bob = await newUser("bob");
  const carol = await newUser("carol");
  const group = (await alice.rest("POST", "/api/conversations", { userIds: [bob.id, carol.id] }, 201)).body;
  const a = await connect(alice);
  const b = await connect(bob);
  const c = await connect(carol);
  try {
    for (const s of [a, b, c]) assert.equal((await request(s, "join-conversation", { conversationId: group.id })).ok, true);
    const dave = await newUser("dave");
    const welcomed = next(b, "conversation-participant-added");
    await alice.rest("POST", `/api/conversations/${group.id}/participants`, { userId: dave.id }, 200);
    const addedEvent = await welcomed;
    assert.equal(addedEvent.conversationId, group.id);
    assert.equal(addedEvent.user.id, dave.id);
    assert.equal(addedEvent.user.username, dave.username);

    // Carol is in the group's call when she leaves: the call is told, and so are her own sockets.
    assert.equal((await request(a, "join-call", { conversationId: group.id })).ok, true);
    assert.equal((await request(c, "join-call", { conversationId: group.id })).ok, true);
    const callTold = next(a, "user-left-call");
    const carolOut = next(c, "voice-state-update", (v) => v.userId === carol.id && !v.inCall);
    const told = next(b, "conversation-participant-left");
    await carol.rest("POST", `/api/conversations/${group.id}/leave`, undefined, 204);
    assert.deepEqual(await told, { conversationId: group.id, userId: carol.id });
    assert.deepEqual(await callTold, { userId: carol.id, socketId: c.id });
    assert.equal((await carolOut).conversationId, group.id);

    const carolSaw = recorder(c, "new-direct-message");
    const arrived = next(b, "new-direct-message");
    assert.equal((await request(a, "send-direct-message", { conversationId: group.id, content: "carol is gone" })).ok, true);
    assert.equal((await arrived).content, "carol is gone");
    await carolSaw.fence();
    assert.deepEqual(carolSaw.seen, []);
    assert.equal((await request(c, "join-conversation", { conversationId: group.id })).error.code, "not_found");
  } finally {
    a.close();
    b.close();
    c.close();
  }
});

test("presence follows the user's sockets across tabs", async () => {
  const alice = await newUser("alice");
  const bob = await newUser("bob");
  const server = await serverWith(bob, alice);
  const b = await connect(bob);
  try {
    await request(b, "join-servers");
    const online = next(b, "presence-update", (p) => p.userId === alice.id);
    const tab1 = await connect(alice);
    assert.equal((await online).status, "online");
    const tab2 = await connect(alice);
    assert.equal((await request(tab2, "set-status", { status: "idle" })).status, "online", "another tab is active");

    // Closing the active tab leaves the idle one: alice is idle, not offline.
    const idle = next(b, "presence-update", (p) => p.userId === alice.id);
    tab1.close();
    assert.equal((await idle).status, "idle");

    const members = (await bob.rest("GET", `/api/servers/${server.id}`, undefined, 200)).body.members;
    assert.equal(members.find((m) => (m.user?.id ?? m.userId) === alice.id).presence, "idle");

    const offline = next(b, "presence-update", (p) => p.userId === alice.id);
    tab2.close();
    assert.equal((await offline).status, "offline");
  } finally {
    b.close();
  }
});

test("a tab that reports itself idle as it closes leaves its user offline, never idle", async () => {
  // A closing browser tab fires visibilitychange (hidden, so the web client sends set-status idle) just before its
  // socket closes. Both changes are announced; however the server interleaves them, "offline" must come last.
  const alice = await newUser("alice");
  const bob = await newUser("bob");
  await serverWith(bob, alice);
  const b = await connect(bob);
  const seen = [];
  b.on("presence-update", (p) => { if (p.userId === alice.id) seen.push(p.status); });
  try {
    await request(b, "join-servers");
    for (let round = 0; round <= 10; round++) {
      const online = next(b, "presence-update", (p) => p.userId === alice.id && p.status === "online");
      const tab = await connect(alice);
      // This "online" is announced after every change of the previous round: that round must have ended offline.
      await online;
      if (round > 0) assert.equal(seen.at(-2), "offline", `round ${round}: alice was left ${seen.at(-2)} (${seen.join(", ")})`);
      if (round === 10) { tab.close(); break; }
      // The next tab connects only once this one's close was announced: a tab opened sooner keeps alice online,
      // and no "offline" would be due. A late "idle" after it shows up before the next round's "online".
      const offline = next(b, "presence-update", (p) => p.userId === alice.id && p.status === "offline");
      tab.emit("set-status", { status: "idle" });
      tab.close();
      await offline;
    }
  } finally {
    b.close();
  }
});

test("a profile change reaches every server the user is in as member-updated, with the new name and avatar", async () => {
  const alice = await newUser("alice");
  const bob = await newUser("bob");
  const first = await serverWith(bob, alice);
  const second = await serverWith(bob, alice);
  const b = await connect(bob);
  try {
    await request(b, "join-servers");
    const updates = [first, second].map((server) => next(b, "member-updated", (e) => e.serverId === server.id && e.member.user.id === alice.id));
    await alice.rest("PATCH", "/api/auth/profile", { displayName: "Alice Liddell", avatarUrl: "https://example.test/a.png" }, 200);
    for (const [update, server] of [[await updates[0], first], [await updates[1], second]]) {
      assert.equal(update.serverId, server.id);
      assert.equal(update.member.user.displayName, "Alice Liddell");
      assert.equal(update.member.user.avatarUrl, "https://example.test/a.png");
      assert.equal(update.member.role, "member");
    }
    // A bio is not shown in member lists: changing only it announces nothing (the fence: the next name change).
    const seen = recorder(b, "member-updated");
    await alice.rest("PATCH", "/api/auth/profile", { bio: "Down the rabbit hole" }, 200);
    const fence = next(b, "member-updated", (e) => e.serverId === first.id && e.member.user.displayName === "Alice");
    await alice.rest("PATCH", "/api/auth/profile", { displayName: "Alice" }, 200);
    await fence;
    assert.ok(seen.seen.every((e) => e.member.user.displayName === "Alice"), JSON.stringify(seen.seen));
  } finally {
    b.close();
  }
});

test("call signaling is relayed only within the call and cleaned up on disconnect", async () => {
  const { alice, bob, carol, server, a, b, c } = await threeInAServer();
  try {
    // Carol joined the server's room, not the call: she still sees who is in the voice channel.
    await request(c, "join-servers");
    const carolSees = next(c, "voice-state-update");
    const first = await request(a, "join-call", { channelId: server.voiceChannelId });
    assert.deepEqual(first, { ok: true, participants: [] });
    assert.deepEqual(await carolSees, {
      channelId: server.voiceChannelId, serverId: server.id, conversationId: null, userId: alice.id, socketId: a.id, inCall: true,
    });
    assert.deepEqual((await request(c, "call-participants", { channelId: server.voiceChannelId })).participants, [{ userId: alice.id, socketId: a.id }]);
    const joined = next(a, "user-joined-call");
    const second = await request(b, "join-call", { channelId: server.voiceChannelId });
    assert.deepEqual(second.participants, [{ userId: alice.id, socketId: a.id }]);
    assert.deepEqual(await joined, { userId: bob.id, socketId: b.id });

    const offer = next(a, "offer");
    assert.equal((await request(b, "offer", { to: a.id, sdp: { type: "offer", sdp: "v=0..." } })).ok, true);
    assert.deepEqual(await offer, { from: b.id, fromUserId: bob.id, sdp: { type: "offer", sdp: "v=0..." } });

    const answer = next(b, "answer");
    await request(a, "answer", { to: b.id, sdp: { type: "answer", sdp: "v=0..." } });
    assert.equal((await answer).from, a.id);

    const candidate = next(a, "ice-candidate");
    await request(b, "ice-candidate", { to: a.id, candidate: { candidate: "candidate:1 1 udp 1 127.0.0.1 5000 typ host", sdpMid: "0" } });
    assert.equal((await candidate).fromUserId, bob.id);

    // Carol is a member but not in the call: her signals go nowhere.
    const aliceOffers = recorder(a, "offer");
    const stray = await request(c, "offer", { to: a.id, sdp: { type: "offer", sdp: "x" } });
    assert.equal(stray.ok, false);
    await aliceOffers.fence();
    assert.deepEqual(aliceOffers.seen, []);

    // Text channels are not for calls.
    assert.equal((await request(c, "join-call", { channelId: server.textChannelId })).error.code, "validation_failed");

    const left = next(a, "user-left-call");
    const carolSeesLeave = next(c, "voice-state-update", (v) => v.userId === bob.id && !v.inCall);
    const bobSocketId = b.id;
    b.close();
    assert.deepEqual(await left, { userId: bob.id, socketId: bobSocketId });
    assert.equal((await carolSeesLeave).socketId, bobSocketId);

    // A member kicked from the server is pulled out of its calls: the call is told, and no more signals from them.
    assert.equal((await request(c, "join-call", { channelId: server.voiceChannelId })).ok, true);
    const carolLeft = next(a, "user-left-call");
    await alice.rest("DELETE", `/api/servers/${server.id}/members/${carol.id}`, undefined, 204);
    assert.deepEqual(await carolLeft, { userId: carol.id, socketId: c.id });
    const afterKick = await request(c, "offer", { to: a.id, sdp: { type: "offer", sdp: "x" } });
    assert.equal(afterKick.ok, false);
    assert.equal(afterKick.error.code, "forbidden");
  } finally {
    a.close();
    b.close();
    c.close();
  }
});

// A handler that throws is answered internal_error with a trace id: GatewayFailureTests (C#) makes a service fail.
test("a payload the server cannot read is validation_failed naming the field, never an exception", async () => {
  const alice = await newUser("alice");
  const a = await connect(alice);
  try {
    // A lone surrogate is valid JSON but not a readable string: refused as REST refuses it in a body.
    const ack = await request(a, "offer", { to: "\ud800", sdp: { type: "offer", sdp: "v=0" } });
    assert.equal(ack.ok, false);
    assert.equal(ack.error.code, "validation_failed");
    assert.ok(ack.error.errors?.to, JSON.stringify(ack));
    assert.doesNotMatch(JSON.stringify(ack), /Exception|UTF-16|at Concord/);
    // The socket goes on working after the failure.
    assert.equal((await request(a, "join-servers")).ok, true);
  } finally {
    a.close();
  }
});

test("join-call then leave-call sent together leave the socket out of the call: a socket's call changes run in order", async () => {
  const alice = await newUser("alice");
  const bob = await newUser("bob");
  const server = await serverWith(alice, bob);
  const a = await connect(alice);
  const b = await connect(bob);
  try {
    for (let round = 0; round < 3; round++) {
      // Sent back to back: join-call reads the database before it joins, leave-call does not; in order all the same.
      const [joined, left] = await Promise.all([
        request(a, "join-call", { channelId: server.voiceChannelId }),
        request(a, "leave-call"),
      ]);
      assert.equal(joined.ok, true);
      assert.equal(left.ok, true);
      assert.deepEqual((await request(b, "call-participants", { channelId: server.voiceChannelId })).participants, []);
    }
    // And the other way round: leave then join ends in the call.
    const [, rejoined] = await Promise.all([request(a, "leave-call"), request(a, "join-call", { channelId: server.voiceChannelId })]);
    assert.equal(rejoined.ok, true);
    assert.deepEqual((await request(b, "call-participants", { channelId: server.voiceChannelId })).participants, [{ userId: alice.id, socketId: a.id }]);
  } finally {
    a.close();
    b.close();
  }
});

test("a signal for a socket that left the call is dropped; the sender's ack is still answered", async () => {
  const { alice, bob, carol, server, a, b, c } = await threeInAServer();
  try {
    assert.equal((await request(a, "join-call", { channelId: server.voiceChannelId })).ok, true);
    assert.equal((await request(b, "join-call", { channelId: server.voiceChannelId })).ok, true);
    assert.equal((await request(c, "join-call", { channelId: server.voiceChannelId })).ok, true);
    const bobOffers = recorder(b, "offer");
    const bobCandidates = recorder(b, "ice-candidate");
    // Reaches bob while he is in the call…
    assert.equal((await request(a, "offer", { to: b.id, sdp: { type: "offer", sdp: "in" } })).ok, true);
    await bobOffers.fence();
    assert.deepEqual(bobOffers.seen.map((o) => o.sdp.sdp), ["in"]);
    // …and not once he has left it, though his socket is still connected.
    assert.equal((await request(b, "leave-call")).ok, true);
    assert.equal((await request(a, "offer", { to: b.id, sdp: { type: "offer", sdp: "after" } })).ok, true);
    assert.equal((await request(a, "ice-candidate", { to: b.id, candidate: { candidate: "x" } })).ok, true);
    // Nor when he is in another call: a signal names the sender's call, and only that call's peers get it.
    const dm = (await alice.rest("POST", "/api/conversations", { userId: bob.id }, 201)).body;
    assert.equal((await request(b, "join-call", { conversationId: dm.id })).ok, true);
    assert.equal((await request(a, "offer", { to: b.id, sdp: { type: "offer", sdp: "other call" } })).ok, true);
    // carol, still in alice's call, does get hers: the fence below is not vacuous.
    const carolOffer = next(c, "offer");
    assert.equal((await request(a, "offer", { to: c.id, sdp: { type: "offer", sdp: "to carol" } })).ok, true);
    assert.equal((await carolOffer).sdp.sdp, "to carol");
    await bobOffers.fence();
    assert.deepEqual(bobOffers.seen.map((o) => o.sdp.sdp), ["in"]);
    assert.deepEqual(bobCandidates.seen, []);
  } finally {
    a.close();
    b.close();
    c.close();
  }
});
