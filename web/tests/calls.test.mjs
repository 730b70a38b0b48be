// A real WebRTC call between two Chromium contexts with fake camera and microphone: join a voice channel through
// the UI, reach `connected`, and see inbound audio and video bytes grow on both sides; then again with every
// packet forced through the TURN server (iceTransportPolicy "relay") with the credentials Concord hands out.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { launch, registerThroughUi, shot, TIMEOUT, until } from "./helpers.mjs";

let browser, alice, bob, server;

before(async () => {
  browser = await launch(["--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream", "--allow-loopback-in-peer-connection"]);
  alice = await registerThroughUi(browser, "alice");
  bob = await registerThroughUi(browser, "bob");
  server = await alice.rest("POST", "/api/servers", { name: "Voice lounge" });
  await bob.rest("POST", "/api/servers/join", { inviteCode: server.inviteCode });
  for (const u of [alice, bob]) {
    await u.page.goto(`/channels/${server.id}`);
    await u.page.getByRole("heading", { name: "# general" }).waitFor();
  }
});
after(async () => { await browser?.close(); });

/** Inbound bytes by kind over every peer connection, and the candidate types of the selected pair. */
const stats = (page) => page.evaluate(async () => {
  const out = { audio: 0, video: 0, states: [], local: [], remote: [] };
  for (const pc of window.__concordPeers.values()) {
    out.states.push(pc.connectionState);
    const report = await pc.getStats();
    report.forEach((r) => {
      if (r.type === "inbound-rtp") out[r.kind] += r.bytesReceived ?? 0;
      if (r.type === "transport" && r.selectedCandidatePairId) {
        const pair = report.get(r.selectedCandidatePairId);
        out.local.push(report.get(pair.localCandidateId)?.candidateType);
        out.remote.push(report.get(pair.remoteCandidateId)?.candidateType);
      }
    });
  }
  return out;
});

const inVoiceChannel = {
  async start() {
    await alice.page.getByRole("button", { name: "Join voice channel General" }).click();
    // Bob's sidebar shows who is in the channel, from voice-state-update.
    await bob.page.getByRole("list", { name: "In General" }).getByText("Alice").waitFor();
    await bob.page.getByRole("button", { name: "Join voice channel General" }).click();
  },
  ended: () => alice.page.getByRole("list", { name: "In General" }).waitFor({ state: "detached" }),
};

async function call(name, how = inVoiceChannel) {
  await how.start();
  for (const u of [alice, bob]) await u.page.getByRole("button", { name: "Turn camera on" }).click();
  for (const u of [alice, bob]) {
    await u.page.getByTestId("call-tile").and(u.page.locator("[data-state=connected]")).waitFor();
    await until(u.page, () => [...window.__concordPeers.values()].some((pc) => pc.connectionState === "connected"));
  }
  const first = { alice: await stats(alice.page), bob: await stats(bob.page) };
  for (const [who, u] of [["alice", alice], ["bob", bob]]) {
    // Bytes keep arriving: both kinds grow past what they were a moment ago.
    await u.page.waitForFunction(async (before) => {
      let audio = 0, video = 0;
      for (const pc of window.__concordPeers.values())
        (await pc.getStats()).forEach((r) => { if (r.type === "inbound-rtp") r.kind === "audio" ? (audio += r.bytesReceived ?? 0) : (video += r.bytesReceived ?? 0); });
      return audio > before.audio && video > before.video && video > 10_000;
    }, first[who], { timeout: TIMEOUT, polling: 250 });
  }
  await shot(alice.page, name);
  const last = { alice: await stats(alice.page), bob: await stats(bob.page) };
  for (const u of [alice, bob]) {
    await u.page.getByRole("button", { name: "Leave call" }).click();
    await u.page.getByRole("region", { name: "Call" }).waitFor({ state: "detached" });
  }
  await how.ended();
  return last;
}

test("two browsers in a voice channel exchange audio and video peer to peer", async () => {
  const s = await call("voice-call");
  assert.deepEqual(s.alice.states, ["connected"]);
  assert.deepEqual(s.bob.states, ["connected"]);
});

test("the same call relayed through the TURN server with the credentials Concord issues", async () => {
  const ice = await alice.rest("GET", "/api/calls/ice-servers");
  assert.ok(ice.iceServers.some((s) => [].concat(s.urls).some((u) => u.startsWith("turn:")) && s.username && s.credential), JSON.stringify(ice));
  for (const u of [alice, bob]) await u.page.evaluate(() => localStorage.setItem("concord.relayOnly", "1"));
  const s = await call("voice-call-relay");
  // Both ends of the selected pair are relay candidates: nothing went peer to peer.
  for (const side of [s.alice, s.bob]) {
    assert.deepEqual(side.local, ["relay"]);
    assert.deepEqual(side.remote, ["relay"]);
  }
});

test("alice rings bob from their direct messages and bob, who opens Concord after she called, picks up", async () => {
  for (const u of [alice, bob]) await u.page.evaluate(() => localStorage.removeItem("concord.relayOnly"));
  const conversation = await alice.rest("POST", "/api/conversations", { userId: bob.id });
  await alice.page.goto(`/dm/${conversation.id}`);
  await bob.page.goto("about:blank");
  const s = await call("dm-call", {
    async start() {
      await alice.page.getByRole("button", { name: "Start a call" }).click();
      // She is in the call once her own voice-state-update came back.
      await until(alice.page, (id) => Object.keys(window.__concord.state().occupants[`dm:${id}`] ?? {}).length === 1, conversation.id);
      // Bob's client was not connected when the call's voice-state-update went out: it asks on connecting, and rings.
      await bob.page.goto(`/dm/${conversation.id}`);
      const ring = bob.page.getByRole("alert").filter({ hasText: "is calling" });
      await ring.getByText("Alice").waitFor();
      await ring.getByRole("button", { name: "Join call" }).click();
      await ring.waitFor({ state: "detached" });
    },
    ended: () => bob.page.getByRole("alert").filter({ hasText: "is calling" }).waitFor({ state: "detached" }),
  });
  assert.deepEqual(s.alice.states, ["connected"]);
  assert.deepEqual(s.bob.states, ["connected"]);
});
