// Connection-state recovery across a node crash: the client's node (SOCKETIO_URL, a separate process whose pid
// is SOCKETIO_KILL_PID) is killed with SIGKILL, so nothing is saved at disconnect; the client reconnects to
// SOCKETIO_URL_B (another node on the same Redis) and must be recovered from the session record kept current
// in Redis. The host is tools/Concord.SocketIO.BenchHost: "join" (acked) and "bcast" ({room, payload} → "msg").
import { test } from "node:test";
import assert from "node:assert/strict";
import { connectAt, MODES, once, uniqueName, URL, URL_B, waitFor } from "./helpers.mjs";

const KILL_PID = Number(process.env.SOCKETIO_KILL_PID);

test("a client of a node killed with SIGKILL recovers on another node with every event it missed, once and in order", async () => {
  assert.ok(URL_B && KILL_PID > 0, "SOCKETIO_URL_B and SOCKETIO_KILL_PID must be set");
  const room = uniqueName("room");
  const client = await connectAt(URL, "/", { ...MODES.websocket, auth: { recover: true } });
  const sender = await connectAt(URL_B, "/", MODES.websocket);
  try {
    await client.timeout(5000).emitWithAck("join", room);
    await sender.timeout(5000).emitWithAck("join", room);
    // The sender is in the room too: its own copy proves each broadcast went out (and into the stream).
    const broadcast = async (payload) => {
      const echoed = waitFor(sender, "msg", (p) => p === payload);
      sender.emit("bcast", { room, payload });
      await echoed;
    };
    const first = waitFor(client, "msg", (p) => p === "m0");
    await broadcast("m0");
    const [, offset] = await first;
    assert.equal(typeof offset, "string", "a client that asked for recovery gets the offset");
    const idBefore = client.id;

    const gone = once(client, "disconnect");
    process.kill(KILL_PID, "SIGKILL");
    const [reason] = await gone;
    assert.ok(["transport close", "transport error"].includes(reason), reason);

    for (const m of ["m1", "m2", "m3"]) await broadcast(m);
    const got = [];
    client.on("msg", (p) => got.push(p));
    client.io.uri = URL_B;
    const connected = once(client, "connect");
    client.connect();
    await connected;

    assert.equal(client.recovered, true);
    assert.equal(client.id, idBefore);
    assert.equal(String(client.io.engine.port), new globalThis.URL(URL_B).port);
    // A live event after the replay proves nothing was replayed twice or left out.
    const live = waitFor(client, "msg", (p) => p === "m4");
    await broadcast("m4");
    await live;
    assert.deepEqual(got, ["m1", "m2", "m3", "m4"]);
  } finally {
    client.close();
    sender.close();
  }
});
