import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { connect, MODES, observer, once, uniqueName, waitFor } from "./helpers.mjs";

let watcher;
before(async () => { watcher = await observer(); });
after(() => watcher.close());

/** Waits for the server to report the disconnect of `name`; resolves with the reason. */
function serverReason(name, ms = 8000) {
  return waitFor(watcher, "peer-disconnected", (peer) => peer === name, ms).then(([, reason]) => reason);
}

for (const [mode, options] of Object.entries({ websocket: MODES.websocket, polling: MODES.polling })) {
  test(`${mode}: server-side disconnect reaches the client`, async () => {
    const name = uniqueName("kicked");
    const socket = await connect("/", { ...options, auth: { name } });
    const reason = serverReason(name);
    const gone = once(socket, "disconnect");
    socket.emit("disconnect-me");
    assert.equal((await gone)[0], "io server disconnect");
    assert.equal(await reason, "server namespace disconnect");
  });

  test(`${mode}: server closing the connection disconnects the client`, async () => {
    const name = uniqueName("closed");
    const socket = await connect("/", { ...options, auth: { name } });
    const reason = serverReason(name);
    const gone = once(socket, "disconnect");
    socket.emit("close-me");
    assert.equal((await gone)[0], "io server disconnect");
    assert.equal(await reason, "server namespace disconnect");
    socket.close();
  });

  test(`${mode}: client-side disconnect is reported with the JS reason`, async () => {
    const name = uniqueName("leaver");
    const socket = await connect("/", { ...options, auth: { name } });
    const reason = serverReason(name);
    socket.disconnect();
    assert.equal(await reason, "client namespace disconnect");
  });

  test(`${mode}: an oversized packet is refused and the server keeps serving`, async () => {
    const name = uniqueName("oversized");
    const socket = await connect("/", { ...options, auth: { name } });
    const reason = serverReason(name);
    const gone = once(socket, "disconnect");
    socket.emit("echo", "x".repeat(200_000));
    const [clientReason] = await gone;
    assert.ok(["transport close", "transport error"].includes(clientReason), clientReason);
    assert.equal(await reason, "transport error");
    assert.deepEqual(await watcher.timeout(5000).emitWithAck("echo", "alive"), ["alive"]);
    socket.close();
  });
}

test("a client that stops answering pings is dropped with ping timeout", async () => {
  const name = uniqueName("silent");
  const socket = await connect("/", { ...MODES.websocket, auth: { name } });
  const reason = serverReason(name);
  // Swallow every outgoing packet, pongs included: the client goes silent but stays connected.
  socket.io.engine._sendPacket = () => {};
  assert.equal(await reason, "ping timeout");
  assert.deepEqual(await watcher.timeout(5000).emitWithAck("echo", "alive"), ["alive"]);
  socket.close();
});
