import { test } from "node:test";
import assert from "node:assert/strict";
import { connect, MODES, once, uniqueName } from "./helpers.mjs";

async function clients(names, options = MODES.websocket) {
  return Promise.all(names.map((name) => connect("/", { ...options, auth: { name } })));
}

function collect(socket, event) {
  const received = [];
  socket.on(event, (...args) => received.push(args));
  return received;
}

test("socket.To(room) reaches the room except the sender", async () => {
  const room = uniqueName("room");
  const [a, b, c] = await clients(["a", "b", "c"]);
  try {
    await a.timeout(5000).emitWithAck("join", room);
    assert.deepEqual(await b.timeout(5000).emitWithAck("join", room), [b.id, room].sort());
    const aGot = collect(a, "room-message");
    const cGot = collect(c, "room-message");
    const bGets = once(b, "room-message");
    await a.timeout(5000).emitWithAck("to-room", room, { text: "hi" });
    assert.deepEqual(await bGets, [{ text: "hi" }]);
    // A round trip on each client proves nothing else was queued for them.
    await Promise.all([a.timeout(5000).emitWithAck("echo"), c.timeout(5000).emitWithAck("echo")]);
    assert.deepEqual(aGot, []);
    assert.deepEqual(cGot, []);
  } finally {
    [a, b, c].forEach((s) => s.close());
  }
});

test("io.To(rooms).Except(room) skips the excluded room", async () => {
  const [r1, r2] = [uniqueName("r1"), uniqueName("r2")];
  const [a, b, c] = await clients(["a", "b", "c"], MODES.polling);
  try {
    await a.timeout(5000).emitWithAck("join", r1);
    await b.timeout(5000).emitWithAck("join", r1);
    await b.timeout(5000).emitWithAck("join", r2);
    await c.timeout(5000).emitWithAck("join", r2);
    const bGot = collect(b, "room-message");
    const aGets = once(a, "room-message");
    const cGets = once(c, "room-message");
    await a.timeout(5000).emitWithAck("to-except", [r1, r2], b.id, "everyone but b");
    assert.deepEqual(await aGets, ["everyone but b"]);
    assert.deepEqual(await cGets, ["everyone but b"]);
    await b.timeout(5000).emitWithAck("echo");
    assert.deepEqual(bGot, []);
  } finally {
    [a, b, c].forEach((s) => s.close());
  }
});

test("io.In(room) SocketsJoin, FetchSockets and DisconnectSockets act on the room", async () => {
  const [room, extra] = [uniqueName("room"), uniqueName("extra")];
  const names = [uniqueName("a"), uniqueName("b"), uniqueName("c")];
  const [a, b, c] = await clients(names);
  try {
    await a.timeout(5000).emitWithAck("join", room);
    await b.timeout(5000).emitWithAck("join", room);
    await c.timeout(5000).emitWithAck("sockets-join", room, extra);
    assert.deepEqual(await c.timeout(5000).emitWithAck("fetch", extra), [names[0], names[1]].sort());

    // Leaving the room updates FetchSockets.
    await b.timeout(5000).emitWithAck("leave", extra);
    assert.deepEqual(await c.timeout(5000).emitWithAck("fetch", extra), [names[0]]);

    const aGone = once(a, "disconnect");
    const bGone = once(b, "disconnect");
    await c.timeout(5000).emitWithAck("disconnect-room", room);
    assert.equal((await aGone)[0], "io server disconnect");
    assert.equal((await bGone)[0], "io server disconnect");
    assert.equal(c.connected, true);
  } finally {
    [a, b, c].forEach((s) => s.close());
  }
});
