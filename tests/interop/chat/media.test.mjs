// Attachments and the workers' events, seen by the official socket.io-client.
import { test } from "node:test";
import assert from "node:assert/strict";
import { deflateSync } from "node:zlib";
import { URL, next, twoInAChannel } from "./chat-helpers.mjs";

// Uploads, image decoding and the workers make these slower than chat events on a loaded 2-core box.
const SLOW = 60_000;
const request = (socket, event, payload) => socket.timeout(SLOW).emitWithAck(event, payload);

const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
const crc32 = (buf) => {
  let c = 0xffffffff;
  for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
};
const chunk = (type, data) => {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, "ascii");
  data.copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
};
/** A real width × height grey RGB PNG, built here so the test needs no image library. */
function png(width, height) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; ihdr[9] = 2;
  const rows = Buffer.alloc((width * 3 + 1) * height, 0x80);
  for (let y = 0; y < height; y++) rows[y * (width * 3 + 1)] = 0;
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk("IHDR", ihdr), chunk("IDAT", deflateSync(rows)), chunk("IEND", Buffer.alloc(0))]);
}

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
