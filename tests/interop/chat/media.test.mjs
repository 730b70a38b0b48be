// Attachments and the workers' events, seen by the official socket.io-client.
import { test } from "node:test";
import assert from "node:assert/strict";
import { png } from "../png.mjs";
import { URL, next, twoInAChannel } from "./chat-helpers.mjs";

// Uploads, image decoding and the workers make these slower than chat events on a loaded 2-core box.
const SLOW = 60_000;
const request = (socket, event, payload) => socket.timeout(SLOW).emitWithAck(event, payload);

async function upload(user, bytes, name) {
  const form = new FormData();
  form.append("file", new Blob([bytes], { type: "application/octet-stream" }), name);
  const res = await fetch(`${URL}/api/uploads`, { method: "POST", headers: { authorization: `Bearer ${user.token}` }, body: form });
  const text = await res.text();
  assert.equal(res.status, 201, text);
  return JSON.parse(text);
}

test("an attachment sent over the socket reaches the channel, then its previews follow", async () => {
  const { bob, server, a, b } = await twoInAChannel();
  try {
    const image = await upload(bob, png(600, 300), "banner.png");
    assert.equal(image.contentType, "image/png");
    const arrived = next(a, "new-message", (m) => m.author.id === bob.id, SLOW);
    const processed = next(a, "attachment-processed", (e) => e.attachment.id === image.id, SLOW);
    const ack = await request(b, "send-message", { channelId: server.textChannelId, content: "", attachments: [image.id] });
    assert.equal(ack.ok, true, JSON.stringify(ack));
    assert.deepEqual(ack.message.attachments.map((x) => x.id), [image.id]);

    const message = await arrived;
    assert.equal(message.attachments[0].width, 600);
    const file = await fetch(`${URL}${message.attachments[0].url}`);
    assert.equal(file.status, 200);
    assert.equal(file.headers.get("content-type"), "image/png");

    const event = await processed;
    assert.equal(event.messageId, message.id);
    assert.deepEqual(event.attachment.previews.map((p) => [p.size, p.width, p.height]), [["small", 256, 128], ["large", 600, 300]]);
    const preview = await fetch(`${URL}${event.attachment.previews[0].url}`);
    assert.equal(preview.status, 200);
    assert.equal(preview.headers.get("content-type"), "image/webp");

    const refused = await request(b, "send-message", { channelId: server.textChannelId, content: "again", attachments: [image.id] });
    assert.equal(refused.ok, false);
    assert.equal(refused.error.code, "validation_failed");
  } finally {
    a.close();
    b.close();
  }
});

test("a mention reaches the mentioned member's sockets with the channel's unread count", async () => {
  const { alice, bob, server, a, b } = await twoInAChannel();
  try {
    const mentioned = next(a, "mention", (e) => e.channelId === server.textChannelId, SLOW);
    const ack = await request(b, "send-message", { channelId: server.textChannelId, content: `hi <@${alice.id}>` });
    assert.equal(ack.ok, true, JSON.stringify(ack));
    const event = await mentioned;
    assert.equal(event.messageId, ack.message.id);
    assert.equal(event.authorId, bob.id);
    assert.equal(event.unreadMentions, 1);
  } finally {
    a.close();
    b.close();
  }
});
