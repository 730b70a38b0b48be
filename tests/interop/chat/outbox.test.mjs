// The transactional outbox: the server runs with Outbox:SkipImmediatePublishForTests, so every message event is
// committed but not published by the request, as if the node had died right after its commit; only the relay can
// deliver it.
import { test } from "node:test";
import assert from "node:assert/strict";
import { newUser, connect, request, next, twoInAChannel } from "./chat-helpers.mjs";

test("a committed channel message, edit and delete reach listeners through the relay when the sender never published", async () => {
  const { alice, a, b, server } = await twoInAChannel();
  try {
    const arrived = next(b, "new-message", () => true, 15000);
    const sent = (await alice.rest("POST", `/api/channels/${server.textChannelId}/messages`, { content: "after a crash", nonce: "n-1" }, 201)).body;
    const relayed = await arrived;
    assert.equal(relayed.id, sent.id);
    assert.equal(relayed.content, "after a crash");
    assert.equal(relayed.nonce, "n-1");
    assert.equal(relayed.author.id, alice.id);

    const updated = next(b, "message-updated", () => true, 15000);
    await alice.rest("PATCH", `/api/messages/${sent.id}`, { content: "edited" }, 200);
    assert.equal((await updated).content, "edited");

    const deleted = next(b, "message-deleted", () => true, 15000);
    await alice.rest("DELETE", `/api/messages/${sent.id}`, undefined, 204);
    assert.deepEqual(await deleted, { id: sent.id, channelId: server.textChannelId, serverId: server.id });
  } finally {
    a.close();
    b.close();
  }
});

test("a committed direct message sent over the socket reaches the other participant through the relay", async () => {
  const alice = await newUser("alice");
  const bob = await newUser("bob");
  const conversation = (await alice.rest("POST", "/api/conversations", { userId: bob.id }, 201)).body;
  const a = await connect(alice);
  const b = await connect(bob);
  try {
    const arrived = next(b, "new-direct-message", () => true, 15000);
    const ack = await request(a, "send-direct-message", { conversationId: conversation.id, content: "dm after a crash" });
    assert.equal(ack.ok, true, JSON.stringify(ack));
    assert.equal((await arrived).id, ack.message.id);
  } finally {
    a.close();
    b.close();
  }
});
