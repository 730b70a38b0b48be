// A rolling restart of the whole fleet under load: the xunit host (FleetRestartTests) stops each node in turn with
// SIGTERM and starts it again while this script sends messages through the balancer and four sockets listen.
// Markers: `ready` from here when the sockets listen; `done` from the host when every node has been restarted.
import { test } from "node:test";
import assert from "node:assert/strict";
import { newUser, serverWith } from "../chat/chat-helpers.mjs";
import { CONTROL, mark, listener, sender, settle } from "./fleet-helpers.mjs";

test("a rolling restart of every node loses no acked message and every client reconnects and recovers", { timeout: 340_000 }, async () => {
  assert.ok(CONTROL, "FLEET_CONTROL_DIR must be set");
  const alice = await newUser("alice");
  const bob = await newUser("bob");
  const carol = await newUser("carol");
  const server = await serverWith(alice, bob, carol);
  const listeners = [];
  for (const user of [bob, bob, carol, carol]) listeners.push(await listener(user, server.textChannelId));
  const messages = sender(alice, server.textChannelId);
  mark("ready");
  await messages.until("done");
  const report = await settle(listeners, messages.acked, "rolling restart", assert);
  assert.ok(report.some((r) => r.gapsMs.length > 0), "the restart moved at least one socket");
});
