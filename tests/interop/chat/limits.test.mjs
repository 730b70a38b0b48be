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
