import { test } from "node:test";
import assert from "node:assert/strict";
import { connect, MODES, once } from "./helpers.mjs";

for (const [mode, options] of Object.entries(MODES)) {
  test(`${mode}: client emit is acknowledged by the server with the arguments`, async () => {
    const socket = await connect("/", options);
    try {
      const reply = await socket.timeout(5000).emitWithAck("echo", "héllo ✓", 42, null, [1, { a: true }]);
      assert.deepEqual(reply, ["héllo ✓", 42, null, [1, { a: true }]]);
    } finally {
      socket.close();
    }
  });

  test(`${mode}: server emit with ack receives the client's answer`, async () => {
    const socket = await connect("/", options);
    try {
      socket.on("question", (value, ack) => ack({ doubled: value * 2 }));
      const answer = once(socket, "answer");
      socket.emit("ask-client", 21);
      assert.deepEqual(await answer, [{ doubled: 42 }]);
    } finally {
      socket.close();
    }
  });
}
