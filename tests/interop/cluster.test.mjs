// Two nodes (SOCKETIO_URL = A, SOCKETIO_URL_B = B) sharing one Redis through the Redis adapter.
// Operations published by one node reach the other in order, so "nothing else arrived" is
// proven by a later marker broadcast from the same node rather than by waiting.
import { test } from "node:test";
import assert from "node:assert/strict";
import { connectAt, MODES, once, uniqueName, URL, URL_B, waitFor } from "./helpers.mjs";

assert.ok(URL_B, "SOCKETIO_URL_B must point at the second node");

async function client(base, name) {
  return connectAt(base, "/", { ...MODES.websocket, auth: { name } });
}

function collect(socket, event) {
  const received = [];
  socket.on(event, (...args) => received.push(args));
  return received;
}

const ack = (socket, ...args) => socket.timeout(5000).emitWithAck(...args);

test("a room emit on node A reaches a client on node B, not the sender", async () => {
  const room = uniqueName("room");
  const a = await client(URL, "a");
  const b = await client(URL_B, "b");
  try {
    await ack(a, "join", room);
    await ack(b, "join", room);
    const aGot = collect(a, "room-message");
    const bGets = once(b, "room-message");
    await ack(a, "to-room", room, { text: "from A" });
    assert.deepEqual(await bGets, [{ text: "from A" }]);
    await ack(a, "echo");
    assert.deepEqual(aGot, []);
  } finally {
    [a, b].forEach((s) => s.close());
  }
});

test("To(rooms).Except(room) is applied on both nodes", async () => {
  const [r1, r2, marker] = [uniqueName("r1"), uniqueName("r2"), uniqueName("marker")];
  const a = await client(URL, "a");
  const b = await client(URL_B, "b");
  const c = await client(URL_B, "c");
  const d = await client(URL, "d");
  try {
    await ack(a, "join", r1);
    await ack(b, "join", r1);
    await ack(b, "join", r2);
    await ack(c, "join", r2);
    await ack(d, "join", r2);
    await ack(b, "join", marker);
    const bGot = collect(b, "room-message");
    const gets = [a, c, d].map((s) => once(s, "room-message"));
    await ack(a, "to-except", [r1, r2], b.id, "everyone but b");
    for (const got of gets) assert.deepEqual(await got, ["everyone but b"]);
    // Published after the Except broadcast by the same node, so B applies it afterwards.
    const bMarker = waitFor(b, "room-message", (text) => text === "marker");
    await ack(a, "to-except", [marker], "nobody", "marker");
    await bMarker;
    assert.deepEqual(bGot, [["marker"]]);
  } finally {
    [a, b, c, d].forEach((s) => s.close());
  }
});

test("SocketsJoin, SocketsLeave and FetchSockets from node A act on node B's sockets", async () => {
  const [room, extra] = [uniqueName("room"), uniqueName("extra")];
  const names = [uniqueName("a"), uniqueName("b"), uniqueName("c")];
  const a = await client(URL, names[0]);
  const b = await client(URL_B, names[1]);
  const c = await client(URL, names[2]);
  try {
    await ack(a, "join", room);
    await ack(b, "join", room);
    await ack(c, "sockets-join", room, extra);
    assert.deepEqual(await ack(c, "fetch", extra), [names[0], names[1]].sort());
    assert.deepEqual(await ack(b, "fetch", extra), [names[0], names[1]].sort());

    await ack(c, "sockets-leave", room, extra);
    assert.deepEqual(await ack(c, "fetch", extra), []);
    assert.deepEqual(await ack(b, "fetch", room), [names[0], names[1]].sort());
  } finally {
    [a, b, c].forEach((s) => s.close());
  }
});

test("a member-left emit followed by SocketsLeave reaches node B in that order", async () => {
  const [room, marker] = [uniqueName("room"), uniqueName("marker")];
  const a = await client(URL, "a");
  const b = await client(URL_B, "b");
  try {
    await ack(b, "join", room);
    await ack(b, "join", marker);
    const bGot = collect(b, "room-message");
    const bMarker = waitFor(b, "room-message", (text) => text === "marker");
    // The server emits "before-leave", then SocketsLeave(room), then "after-leave" without awaiting in between.
    await ack(a, "emit-leave-emit", room);
    await ack(a, "to-except", [marker], "nobody", "marker");
    await bMarker;
    assert.deepEqual(bGot, [["before-leave"], ["marker"]]);
  } finally {
    [a, b].forEach((s) => s.close());
  }
});

test("DisconnectSockets from node A disconnects node B's sockets in the room", async () => {
  const room = uniqueName("room");
  const a = await client(URL, "a");
  const b = await client(URL_B, "b");
  const c = await client(URL, "c");
  try {
    await ack(a, "join", room);
    await ack(b, "join", room);
    const aGone = once(a, "disconnect");
    const bGone = once(b, "disconnect");
    await ack(c, "disconnect-room", room);
    assert.equal((await aGone)[0], "io server disconnect");
    assert.equal((await bGone)[0], "io server disconnect");
    assert.equal(c.connected, true);
  } finally {
    [a, b, c].forEach((s) => s.close());
  }
});
