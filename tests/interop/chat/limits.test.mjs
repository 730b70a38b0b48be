// Run against a host with small message rate limits (see RealtimeInteropTests).
import { test } from "node:test";
import assert from "node:assert/strict";
import { newUser, serverWith, connect, request, joinChannel } from "./chat-helpers.mjs";

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
