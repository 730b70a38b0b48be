// Connection-state recovery with the official client. The dropping client reconnects to
// SOCKETIO_URL_B when set (another node on the same Redis), else to the same server.
// A client asks for recovery with `recover: true` in its auth (offsets then come as the last argument of each
// broadcast, so assertions look at the first one); a client that does not ask gets exactly the emitted arguments.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { connectAt, MODES, once, uniqueName, URL, URL_B, waitFor } from "./helpers.mjs";

const RECONNECT_URL = URL_B ?? URL;
const ack = (socket, ...args) => socket.timeout(5000).emitWithAck(...args);

let watcher, sender;
before(async () => {
  watcher = await connectAt(URL, "/", { auth: { name: uniqueName("watcher") } });
  await ack(watcher, "observe");
  sender = await connectAt(URL, "/", { auth: { name: uniqueName("sender") } });
});
after(() => [watcher, sender].forEach((s) => s.close()));

function serverReason(name) {
  return waitFor(watcher, "peer-disconnected", (peer) => peer === name, 8000).then(([, reason]) => reason);
}

function collect(socket, event) {
  const received = [];
  socket.on(event, (...args) => received.push(args));
  return received;
}

/** Drops the client's transport (as a network loss would), waits for the server to notice, and returns a reconnect function. */
async function drop(socket, name) {
  const reason = serverReason(name);
  const gone = once(socket, "disconnect");
  socket.io.engine.close();
  await gone;
  assert.equal(await reason, "transport close");
  return async () => {
    socket.io.uri = RECONNECT_URL;
    const connected = once(socket, "connect");
    socket.connect();
    await connected;
    assert.equal(String(socket.io.engine.port), new globalThis.URL(RECONNECT_URL).port);
  };
}

for (const [mode, options] of Object.entries({ websocket: MODES.websocket, polling: MODES.polling })) {
  test(`${mode}: a dropped client gets its id, rooms, data and the missed room events once, in order`, async () => {
    const [room, name] = [uniqueName("room"), uniqueName("dropper")];
    const socket = await connectAt(URL, "/", { ...options, auth: { name, recover: true } });
    try {
      assert.equal(socket.recovered, false);
      await ack(socket, "join", room);
      const before = await ack(socket, "whoami");
      // The client only recovers from an offset, so it must have received one broadcast.
      const first = once(socket, "room-message");
      await ack(sender, "to-room", room, "m0");
      const [text, offset] = await first;
      assert.equal(text, "m0");
      assert.equal(typeof offset, "string");

      const reconnect = await drop(socket, name);
      for (const m of ["m1", "m2", "m3"]) await ack(sender, "to-room", room, m);
      await ack(sender, "to-socket", before.id, "direct");
      await ack(sender, "to-room", uniqueName("elsewhere"), "not for it");
      const got = collect(socket, "room-message");
      const direct = collect(socket, "direct-message");
      const welcome = once(socket, "welcome");
      await reconnect();

      assert.equal(socket.recovered, true);
      assert.equal(socket.id, before.id);
      assert.deepEqual((await welcome)[0], { recovered: true });
      // A live event after the replay proves nothing was replayed twice or left behind.
      const live = waitFor(socket, "room-message", (t) => t === "m4");
      await ack(sender, "to-room", room, "m4");
      await live;
      assert.deepEqual(got.map(([t]) => t), ["m1", "m2", "m3", "m4"]);
      assert.deepEqual(direct.map(([t]) => t), ["direct"]);
      const after = await ack(socket, "whoami");
      assert.deepEqual(after, { ...before, recovered: true });
    } finally {
      socket.close();
    }
  });
}

test("a client that disconnected on purpose is not recovered", async () => {
  const [room, name] = [uniqueName("room"), uniqueName("leaver")];
  const socket = await connectAt(URL, "/", { ...MODES.websocket, auth: { name, recover: true } });
  try {
    await ack(socket, "join", room);
    const first = once(socket, "room-message");
    await ack(sender, "to-room", room, "m0");
    await first;
    const before = await ack(socket, "whoami");
    const reason = serverReason(name);
    socket.disconnect();
    assert.equal(await reason, "client namespace disconnect");
    await ack(sender, "to-room", room, "missed");
    const got = collect(socket, "room-message");
    socket.io.uri = RECONNECT_URL;
    const connected = once(socket, "connect");
    socket.connect();
    await connected;
    assert.equal(socket.recovered, false);
    assert.notEqual(socket.id, before.id);
    const now = await ack(socket, "whoami");
    assert.equal(now.recovered, false);
    assert.deepEqual(now.rooms, [socket.id]);
    assert.deepEqual(got, []);
  } finally {
    socket.close();
  }
});

test("a client that does not ask for recovery gets exactly the emitted arguments", async () => {
  const room = uniqueName("room");
  const socket = await connectAt(URL, "/", { ...MODES.websocket, auth: { name: uniqueName("plain") } });
  try {
    await ack(socket, "join", room);
    const got = once(socket, "room-message");
    await ack(sender, "to-room", room, "only this");
    assert.deepEqual(await got, ["only this"]);
  } finally {
    socket.close();
  }
});
