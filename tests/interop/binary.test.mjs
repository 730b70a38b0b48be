import { test } from "node:test";
import assert from "node:assert/strict";
import { connect, MODES, once } from "./helpers.mjs";

for (const [mode, options] of Object.entries(MODES)) {
  test(`${mode}: a Buffer sent by the client reaches the server and comes back`, async () => {
    const socket = await connect("/", options);
    try {
      const payload = Buffer.from([0, 1, 2, 250, 255, 10, 30]);
      const back = once(socket, "binary-back");
      const { size, data: echoed } = await socket.timeout(5000).emitWithAck("binary", payload);
      assert.equal(size, payload.length);
      assert.ok(Buffer.isBuffer(echoed));
      assert.deepEqual([...echoed], [...payload]);
      const [reversed] = await back;
      assert.deepEqual([...reversed], [...payload].reverse());
    } finally {
      socket.close();
    }
  });

  test(`${mode}: server binary emit with ack gets a Buffer answer`, async () => {
    const socket = await connect("/", options);
    try {
      socket.on("binary-question", (data, ack) => ack(Buffer.from([...data].map((b) => b * 10))));
      const answer = once(socket, "binary-answer");
      socket.emit("ask-binary");
      const [bytes] = await answer;
      assert.deepEqual([...bytes], [10, 20, 30]);
    } finally {
      socket.close();
    }
  });
}
