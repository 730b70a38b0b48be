import { test } from "node:test";
import assert from "node:assert/strict";
import { connect, MODES, waitForUpgrade } from "./helpers.mjs";

test("websocket-only client connects without a polling handshake", async () => {
  const socket = await connect("/", MODES.websocket);
  try {
    assert.equal(socket.io.engine.transport.name, "websocket");
    assert.equal(await socket.timeout(5000).emitWithAck("transport"), "websocket");
    assert.deepEqual(await socket.timeout(5000).emitWithAck("echo", 1, "two", { three: 3 }), [1, "two", { three: 3 }]);
  } finally {
    socket.close();
  }
});

test("polling-only client exchanges events over long-polling", async () => {
  const socket = await connect("/", MODES.polling);
  try {
    assert.equal(await socket.timeout(5000).emitWithAck("transport"), "polling");
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => socket.timeout(5000).emitWithAck("echo", i)));
    assert.deepEqual(answers, Array.from({ length: 20 }, (_, i) => [i]));
  } finally {
    socket.close();
  }
});

test("polling client upgrades to websocket and keeps every packet in order", async () => {
  const socket = await connect("/", MODES.upgrade);
  try {
    // Emits in flight across the upgrade must all be answered, in order.
    const inFlight = Array.from({ length: 30 }, (_, i) => socket.timeout(5000).emitWithAck("echo", i));
    await waitForUpgrade(socket);
    assert.deepEqual(await Promise.all(inFlight), Array.from({ length: 30 }, (_, i) => [i]));
    assert.equal(socket.io.engine.transport.name, "websocket");
    assert.equal(await socket.timeout(5000).emitWithAck("transport"), "websocket");
  } finally {
    socket.close();
  }
});
