// Losing a node: the xunit host (FleetNodeLossTests) kills gateway-1 with SIGKILL while this script sends messages
// through the balancer and sockets on both gateways listen. Markers as in rolling-restart.test.mjs.
import { test } from "node:test";
import assert from "node:assert/strict";
import { newUser, serverWith, request } from "../chat/chat-helpers.mjs";
import { CONTROL, mark, listener, sender, settle } from "./fleet-helpers.mjs";

test("a gateway killed with SIGKILL: its clients reconnect through the balancer, recover, and miss no acked message", { timeout: 340_000 }, async () => {
  assert.ok(CONTROL, "FLEET_CONTROL_DIR must be set");
  const alice = await newUser("alice");
  const bob = await newUser("bob");
  const server = await serverWith(alice, bob);
  // Round-robin spreads new sessions: open listeners until both gateways hold two.
  const listeners = [];
  for (let i = 0; i < 12 && !["g1", "g2"].every((g) => listeners.filter((l) => l.gateway === g).length >= 2); i++) {
    listeners.push(await listener(bob, server.textChannelId));
  }
  const doomed = listeners.filter((l) => l.gateway === "g1");
  assert.ok(doomed.length >= 2 && listeners.some((l) => l.gateway === "g2"), `listeners by gateway: ${listeners.map((l) => l.gateway)}`);

  // Recovery resumes from the last offset a client received: one that has received nothing since connecting has
  // none to give (socket.io's protocol) and must resync over REST instead. Every listener first hears a message.
  const messages = sender(alice, server.textChannelId);
  await messages.send();
  for (const l of listeners) await request(l.socket, "join-servers"); // fence: the message has arrived
  assert.ok(listeners.every((l) => l.ids.size === 1), "every listener heard the first message");
  mark("ready");
  await messages.until("done");
  await settle(listeners, messages.acked, "node loss", assert);
  for (const l of doomed) assert.ok(l.gaps.length > 0, "a socket of the killed node reconnected");
});
