import { test } from "node:test";
import assert from "node:assert/strict";
import { io } from "socket.io-client";
import { connect, connectError, MODES, once, URL } from "./helpers.mjs";

test("middleware rejection reaches connect_error with message and data", async () => {
  const err = await connectError("/", { ...MODES.websocket, auth: { token: "bad" } });
  assert.equal(err.message, "not authorized");
  assert.deepEqual(err.data, { code: 401, hint: "use a valid token" });
});

test("named namespace middleware admits and refuses by auth payload", async () => {
  const refused = await connectError("/admin", { ...MODES.polling, auth: { role: "guest" } });
  assert.equal(refused.message, "forbidden");
  assert.deepEqual(refused.data, { reason: "admin only" });

  const admin = await connect("/admin", { ...MODES.websocket, auth: { role: "admin" } });
  try {
    assert.deepEqual(await admin.timeout(5000).emitWithAck("whoami"), { nsp: "admin", id: admin.id });
  } finally {
    admin.close();
  }
});

test("unknown namespace is refused as invalid", async () => {
  const err = await connectError("/nope", MODES.websocket);
  assert.equal(err.message, "Invalid namespace");
});

test("dynamic namespace matching the predicate is created on demand", async () => {
  const socket = await connect("/dyn-42", MODES.websocket);
  try {
    assert.equal(await socket.timeout(5000).emitWithAck("name"), "/dyn-42");
  } finally {
    socket.close();
  }
});

test("two namespaces are multiplexed on one connection", async () => {
  const manager = io(URL, { forceNew: true, reconnection: false, transports: ["websocket"] }).io;
  const main = manager.socket("/", { auth: { name: "multiplexed" } });
  const admin = manager.socket("/admin", { auth: { role: "admin" } });
  try {
    main.connect();
    admin.connect();
    await Promise.all([once(main, "connect"), once(admin, "connect")]);
    assert.equal(manager.engine.id !== undefined, true);
    const [echo, who] = await Promise.all([
      main.timeout(5000).emitWithAck("echo", "main"),
      admin.timeout(5000).emitWithAck("whoami"),
    ]);
    assert.deepEqual(echo, ["main"]);
    assert.deepEqual(who, { nsp: "admin", id: admin.id });
    assert.notEqual(main.id, admin.id);

    // Leaving one namespace keeps the other alive on the same connection.
    admin.disconnect();
    assert.deepEqual(await main.timeout(5000).emitWithAck("echo", "still here"), ["still here"]);
  } finally {
    main.close();
    admin.close();
    manager._close?.();
  }
});
