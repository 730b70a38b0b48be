// Run against a host with small message rate limits and a short typing timeout (see RealtimeInteropTests).
import { test } from "node:test";
import assert from "node:assert/strict";
import { newUser, serverWith, connect, request, next, joinChannel, twoInAChannel } from "./chat-helpers.mjs";

test("a rate-limited send-message answers ok:false and saves nothing", async () => {
  const alice = await newUser("alice");
  const server = await serverWith(alice);
  const a = await connect(alice);
  try {
    await joinChannel(a, server.textChannelId);
    const limit = Number(process.env.CONCORD_MESSAGE_LIMIT);
    const acks = [];
    for (let i = 0; i < limit + 2; i++) acks.push(await request(a, "send-message", { channelId: server.textChannelId, content: `m${i}` }));
    assert.equal(acks.filter((x) => x.ok).length, limit);
    const refused = acks.filter((x) => !x.ok);
    assert.equal(refused.length, 2);
    assert.equal(refused[0].error.code, "rate_limited");
    const page = (await alice.rest("GET", `/api/channels/${server.textChannelId}/messages?limit=100`, undefined, 200)).body;
    assert.equal(page.length, limit);
  } finally {
    a.close();
  }
});

test("a call refuses participants beyond Calls:MaxParticipants", async () => {
  const limit = Number(process.env.CONCORD_CALL_LIMIT);
  const users = [];
  for (let i = 0; i <= limit; i++) users.push(await newUser(`caller${i}`));
  const server = await serverWith(users[0], ...users.slice(1));
  const sockets = [];
  try {
    for (const user of users) sockets.push(await connect(user));
    for (let i = 0; i < limit; i++) assert.equal((await request(sockets[i], "join-call", { channelId: server.voiceChannelId })).ok, true);
    const refused = await request(sockets[limit], "join-call", { channelId: server.voiceChannelId });
    assert.equal(refused.ok, false);
    assert.equal(refused.error.code, "conflict");

    // A place frees up when someone leaves.
    assert.equal((await request(sockets[0], "leave-call")).ok, true);
    assert.equal((await request(sockets[limit], "join-call", { channelId: server.voiceChannelId })).ok, true);
  } finally {
    for (const s of sockets) s.close();
  }
});

test("one socket's event flood is refused before it reaches anyone", async () => {
  const budget = Number(process.env.CONCORD_EVENT_BUDGET);
  const alice = await newUser("alice");
  const bob = await newUser("bob");
  const server = await serverWith(alice, bob);
  const a = await connect(alice);
  const b = await connect(bob);
  try {
    await joinChannel(b, server.textChannelId);
    await joinChannel(a, server.textChannelId); // 1 of alice's budget
    const seen = [];
    b.on("typing-start", (p) => seen.push(p));
    for (let i = 1; i < budget; i++) assert.equal((await request(a, "typing-start", { channelId: server.textChannelId })).ok, true);
    const refused = await request(a, "typing-start", { channelId: server.textChannelId });
    assert.equal(refused.ok, false);
    assert.equal(refused.error.code, "rate_limited");
    // Fence: a later broadcast to the same room. Broadcasts reach bob in the order they were made (with recovery on,
    // each goes through Redis first to get its offset), so an ack of bob's own would not cover them.
    const fence = next(b, "new-message", () => true, 30000);
    await alice.rest("POST", `/api/channels/${server.textChannelId}/messages`, { content: "fence" }, 201);
    await fence;
    assert.equal(seen.length, budget - 1);
    // The budget is per socket: bob's own events still pass.
    assert.equal((await request(b, "typing-start", { channelId: server.textChannelId })).ok, true);
  } finally {
    a.close();
    b.close();
  }
});

test("a typing state ends by itself without renewal", async () => {
  const { bob, server, a, b } = await twoInAChannel();
  try {
    const stopped = next(a, "typing-stop");
    await request(b, "typing-start", { channelId: server.textChannelId });
    // Nothing else stops it: the host's Realtime:TypingTimeout (a fraction of a second) does.
    assert.deepEqual(await stopped, { channelId: server.textChannelId, userId: bob.id, username: bob.username });
  } finally {
    a.close();
    b.close();
  }
});
