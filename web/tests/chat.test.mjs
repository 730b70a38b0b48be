// Two users in two browser contexts: sign-up, a server created and joined through the UI, live messages both
// ways with typing and presence, 200 messages paged back, edit and delete, a direct message, reconnection with
// recovery and with a REST catch-up, and an accessibility check of the main views.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { axe, launch, message, messages, messageShows, registerThroughUi, shot, TIMEOUT, until } from "./helpers.mjs";

let browser, alice, bob, serverName;

before(async () => {
  browser = await launch();
  alice = await registerThroughUi(browser, "alice");
  bob = await registerThroughUi(browser, "bob");
});
after(async () => { await browser?.close(); });

test("the sign-in page has no serious accessibility violations", async () => {
  const context = await browser.newContext({ baseURL: alice.page.url() });
  const page = await context.newPage();
  await page.goto("/");
  await page.getByRole("heading", { name: "Welcome back" }).waitFor({ timeout: TIMEOUT });
  await shot(page, "sign-in");
  // The budget: under 200 KB of JavaScript on first load, even uncompressed (it is ~92 KB, ~30 KB gzipped).
  const js = await page.evaluate(() => performance.getEntriesByType("resource").concat(performance.getEntriesByType("navigation"))
    .filter((e) => e.name.endsWith(".js")).reduce((n, e) => n + e.encodedBodySize, 0));
  assert.ok(js > 0 && js < 200_000, `first-load JavaScript is ${js} bytes`);
  assert.deepEqual(await axe(page), []);
  await context.close();
});

test("alice creates a server and bob joins it with its invite code, through the UI", async () => {
  serverName = `Book club ${Date.now() % 1000}`;
  await alice.page.getByRole("button", { name: "Create a server" }).click();
  await alice.page.getByLabel("Server name").fill(serverName);
  await alice.page.getByRole("button", { name: "Create", exact: true }).click();
  await alice.page.getByRole("heading", { name: "# general" }).waitFor();
  await alice.page.getByRole("button", { name: "Invite people" }).click();
  const code = await alice.page.getByTestId("invite-code").inputValue();
  assert.match(code, /^[A-Za-z0-9]{10}$/);
  await alice.page.getByRole("button", { name: "Done" }).click();

  await bob.page.getByRole("button", { name: "Join a server" }).click();
  await bob.page.getByLabel("Invite code or link").fill(code);
  await bob.page.getByRole("button", { name: "Join", exact: true }).click();
  await bob.page.getByRole("heading", { name: "# general" }).waitFor();
  await bob.page.getByRole("navigation", { name: "Servers" }).getByRole("button", { name: serverName }).waitFor();
  // Alice's member list hears bob join, online.
  await alice.page.getByRole("complementary", { name: "Members" }).getByRole("button", { name: /^Bob, online/ }).waitFor();
});

test("messages arrive live both ways, typing shows while the other writes, and the sender's copy is reconciled", async () => {
  await alice.page.getByRole("textbox", { name: "Message #general" }).pressSequentially("Hello bob");
  await bob.page.getByTestId("typing").getByText("Alice is typing…").waitFor();
  await alice.page.getByRole("textbox", { name: "Message #general" }).press("Enter");
  await message(bob.page, "Hello bob").waitFor();
  // The typing indicator ends with the message.
  await bob.page.getByTestId("typing").getByText("is typing").waitFor({ state: "detached" });

  await bob.page.getByRole("textbox", { name: "Message #general" }).fill("Hi alice, good to be here");
  await bob.page.getByRole("button", { name: "Send message" }).click();
  await message(alice.page, "Hi alice, good to be here").waitFor();
  // Bob's optimistic copy was replaced by the server's (a Snowflake id, no pending copy left), exactly once.
  await until(bob.page, () => [...document.querySelectorAll("[data-testid=message]")].some((m) => /^\d+$/.test(m.dataset.messageId) && m.textContent.includes("good to be here")));
  assert.equal(await message(bob.page, "good to be here").count(), 1);
  assert.equal(await bob.page.locator(".msg.pending").count(), 0);
  await shot(alice.page, "channel-desktop");
});

test("a channel of 200 messages pages back to its first without the view jumping", async () => {
  const server = (await alice.rest("GET", "/api/servers")).find((s) => s.name === serverName);
  await alice.page.getByRole("button", { name: "Create a channel" }).click();
  await alice.page.getByLabel("Channel name").fill("History");
  await alice.page.getByRole("button", { name: "Create channel" }).click();
  await alice.page.getByRole("heading", { name: "# history" }).waitFor(); // text channel names are lower-cased
  const channel = (await alice.rest("GET", `/api/servers/${server.id}`)).channels.find((c) => c.name === "history");
  for (let i = 1; i <= 200; i += 20)
    await Promise.all(Array.from({ length: 20 }, (_, k) => alice.rest("POST", `/api/channels/${channel.id}/messages`, { content: `history ${i + k}` })));
  // The new channel reaches bob's sidebar live (channel-created).
  await bob.page.getByRole("navigation", { name: "Channels" }).getByRole("link", { name: "history" }).click();
  await message(bob.page, "history 200").waitFor();
  const timeline = bob.page.getByTestId("timeline");
  // Each older page is held back until the view has been measured, so the check below always spans the page's arrival.
  let release = () => {}, gate = Promise.resolve();
  await bob.page.route(/\/messages\?.*before=/, async (route) => { await gate; await route.continue(); });
  for (let round = 0; round < 10 && !(await bob.page.getByTestId("history-start").isVisible()); round++) {
    gate = new Promise((resolve) => { release = resolve; });
    const count = await messages(bob.page).count();
    const id = await messages(bob.page).first().getAttribute("data-message-id");
    // The text of the message on top now (its author line may fold away once an older message by the same author
    // arrives above it; the text must not move).
    const same = bob.page.locator(`[data-message-id="${id}"] .content`);
    await timeline.evaluate((el) => { el.scrollTop = 0; });
    const before = (await same.boundingBox()).y;
    release();
    await until(bob.page, (n) => document.querySelectorAll("[data-testid=message]").length > n || !!document.querySelector("[data-testid=history-start]"), count);
    // The message that was on top stays where it was: older pages are added above it, out of sight.
    assert.ok(Math.abs((await same.boundingBox()).y - before) < 3, "the view jumped when a page of history loaded");
  }
  await bob.page.getByTestId("history-start").waitFor();
  release();
  await bob.page.unroute(/\/messages\?.*before=/);
  // Every message exactly once, oldest first (seeded 20 at a time, so ids, not contents, give the order).
  const shown = await messages(bob.page).evaluateAll((els) => els.map((e) => ({ id: e.dataset.messageId, text: e.querySelector(".content").textContent })));
  assert.deepEqual(shown.map((m) => m.text).sort(), Array.from({ length: 200 }, (_, i) => `history ${i + 1}`).sort());
  assert.ok(shown.every((m, i) => i === 0 || BigInt(shown[i - 1].id) < BigInt(m.id)), "messages out of order");
  for (const u of [alice, bob]) await u.page.getByRole("navigation", { name: "Channels" }).getByRole("link", { name: "general" }).click();
});

test("alice edits and deletes her message and bob sees both live", async () => {
  await alice.page.getByRole("textbox", { name: "Message #general" }).fill("A typo here");
  await alice.page.getByRole("textbox", { name: "Message #general" }).press("Enter");
  await message(bob.page, "A typo here").waitFor();
  const mine = message(alice.page, "A typo here");
  await mine.hover();
  await mine.getByRole("button", { name: "Edit message" }).click();
  await mine.getByRole("textbox", { name: "Edit message" }).fill("No typo anymore");
  await mine.getByRole("textbox", { name: "Edit message" }).press("Enter");
  await message(bob.page, "No typo anymore").getByText("(edited)").waitFor();

  const edited = message(alice.page, "No typo anymore");
  await edited.hover();
  await edited.getByRole("button", { name: "Delete message" }).click();
  await message(bob.page, "No typo anymore").waitFor({ state: "detached" });
  await message(alice.page, "No typo anymore").waitFor({ state: "detached" });
});

test("bob opens a direct message with alice from the member list and they talk", async () => {
  await bob.page.getByRole("complementary", { name: "Members" }).getByRole("button", { name: /^Alice, online/ }).click();
  await bob.page.getByRole("button", { name: "Message", exact: true }).click();
  await bob.page.getByRole("heading", { name: "Alice" }).waitFor();
  await bob.page.getByRole("textbox", { name: "Message Alice" }).fill("Psst, a secret");
  await bob.page.getByRole("textbox", { name: "Message Alice" }).press("Enter");
  await alice.page.getByRole("button", { name: "Direct messages" }).click();
  await alice.page.getByRole("navigation", { name: "Direct messages" }).getByRole("link", { name: "Bob" }).click();
  await message(alice.page, "Psst, a secret").waitFor();
  await alice.page.getByRole("textbox", { name: "Message Bob" }).pressSequentially("Tell me");
  await bob.page.getByTestId("typing").getByText("Alice is typing…").waitFor();
  await alice.page.getByRole("textbox", { name: "Message Bob" }).press("Enter");
  await message(bob.page, "Tell me").waitFor();
  await shot(alice.page, "direct-message");
  assert.deepEqual(await axe(alice.page), []);
});

async function openServer(user) {
  await user.page.getByRole("navigation", { name: "Servers" }).getByRole("button", { name: serverName }).click();
  await user.page.getByRole("navigation", { name: "Channels" }).getByRole("link", { name: "general" }).click();
  await user.page.getByRole("heading", { name: "# general" }).waitFor();
}

async function bobSays(text) {
  await bob.page.getByRole("textbox", { name: "Message #general" }).fill(text);
  await bob.page.getByRole("textbox", { name: "Message #general" }).press("Enter");
  await until(bob.page, (t) => [...document.querySelectorAll("[data-testid=message]")].some((m) => /^\d+$/.test(m.dataset.messageId) && m.textContent.includes(t)), text);
}

test("a dropped connection shows, and the session resumes with the messages sent meanwhile", async () => {
  await openServer(alice);
  await openServer(bob);
  // The transport dies under the client (as on a network drop) and stays down until we let it reconnect.
  await alice.page.evaluate(() => { const s = window.__concord.socket; s.io.reconnection(false); s.io.engine.close(); });
  await alice.page.getByTestId("connection-banner").getByText("Reconnecting").waitFor();
  await bobSays("Sent while alice was away");
  await bobSays("And another one");
  await alice.page.evaluate(() => { const s = window.__concord.socket; s.io.reconnection(true); s.connect(); });
  await alice.page.getByTestId("connection-banner").waitFor({ state: "detached" });
  await message(alice.page, "Sent while alice was away").waitFor();
  await message(alice.page, "And another one").waitFor();
  assert.equal(await alice.page.evaluate(() => window.__concord.state().lastCatchUp), "recovered");
  await shot(alice.page, "after-recovery");
});

test("a connection that cannot resume catches up over REST with a page after the last message it holds", async () => {
  await alice.page.evaluate(() => window.__concord.socket.disconnect()); // a client disconnect ends the session
  await alice.page.getByTestId("connection-banner").getByText("Disconnected").waitFor();
  await bobSays("Missed by the socket, found by the page after");
  await alice.page.evaluate(() => window.__concord.socket.connect());
  await alice.page.getByTestId("connection-banner").waitFor({ state: "detached" });
  await message(alice.page, "Missed by the socket, found by the page after").waitFor();
  assert.equal(await alice.page.evaluate(() => window.__concord.state().lastCatchUp), "refetched");
  // Live again after the new session (the room was rejoined).
  await bobSays("Live again");
  await message(alice.page, "Live again").waitFor();
  assert.equal(await message(alice.page, "Missed by the socket").count(), 1);
});

test("on a phone-sized screen in dark mode alice logs in and navigates through the drawer", async () => {
  const context = await browser.newContext({ baseURL: alice.page.url(), viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, colorScheme: "dark" });
  context.setDefaultTimeout(TIMEOUT);
  const page = await context.newPage();
  await page.goto("/");
  await page.getByLabel("Email").fill(`${alice.username}@example.test`);
  await page.getByLabel("Password").fill("password-123");
  await page.getByRole("button", { name: "Log in" }).click();
  await page.getByRole("button", { name: "Open navigation" }).click();
  await page.getByRole("navigation", { name: "Servers" }).getByRole("button", { name: serverName }).click();
  await page.getByRole("heading", { name: "# general" }).waitFor();
  await message(page, "Live again").waitFor();
  await shot(page, "channel-phone-dark");
  assert.deepEqual(await axe(page), []);
  await page.getByRole("button", { name: "Open navigation" }).click();
  await page.getByRole("navigation", { name: "Channels" }).getByRole("link", { name: "general" }).waitFor();
  await shot(page, "navigation-phone-dark");
  assert.deepEqual(await axe(page), []);
  // The session goes away under the client (as after "log out everywhere"): the next request sends it to sign-in.
  await context.clearCookies();
  await page.getByRole("navigation", { name: "Channels" }).getByRole("link", { name: "history" }).click();
  await page.getByRole("alert").getByText("Your session ended").waitFor();
  await page.getByRole("heading", { name: "Welcome back" }).waitFor();
  await context.close();
});

test("carol joins through an invite link, the three of them talk in a group, then alice kicks carol and her client lets go of the server", async () => {
  const server = (await alice.rest("GET", "/api/servers")).find((s) => s.name === serverName);
  const carol = await registerThroughUi(browser, "carol");
  await carol.page.goto(`/invite/${server.inviteCode}`);
  await carol.page.getByRole("heading", { name: serverName }).waitFor();
  await carol.page.getByRole("button", { name: "Accept invite" }).click();
  await carol.page.getByRole("heading", { name: "# general" }).waitFor();
  const members = alice.page.getByRole("complementary", { name: "Members" });
  await members.getByRole("button", { name: /^Carol, online/ }).waitFor();

  // A group conversation with both of them; it reaches their lists live (conversation-created). Alice's first page of
  // it is held back until she has sent (as on a slow server): the dialog closes once the group exists, so the view
  // behind it takes her typing while the page loads.
  let release;
  const held = new Promise((resolve) => { release = resolve; });
  const firstPage = /\/api\/conversations\/\d+\/messages/;
  let continued;
  await alice.page.route(firstPage, (route) => { continued = held.then(() => route.continue()); return continued; }, { times: 1 });
  try {
    await alice.page.getByRole("button", { name: "Direct messages" }).click();
    await alice.page.getByRole("button", { name: "New group" }).click();
    await alice.page.getByLabel("Group name").fill("Reading group");
    await alice.page.getByRole("checkbox", { name: /^Bob/ }).check();
    await alice.page.getByRole("checkbox", { name: /^Carol/ }).check();
    await alice.page.getByRole("button", { name: "Create group" }).click();
    await alice.page.getByRole("heading", { name: "Reading group" }).waitFor();
    // The dialog has closed and the composer has the focus (a wide screen): she can type at once.
    await until(alice.page, () => document.activeElement?.id === "composer");
    await alice.page.getByRole("textbox", { name: "Message Reading group" }).fill("Chapter one by Friday");
    await alice.page.getByRole("textbox", { name: "Message Reading group" }).press("Enter");
    await message(alice.page, "Chapter one by Friday").waitFor();
  } finally {
    release();
    await continued;
  }
  for (const u of [carol, bob]) {
    await u.page.getByRole("button", { name: "Direct messages" }).click();
    await u.page.getByRole("navigation", { name: "Direct messages" }).getByRole("link", { name: "Reading group" }).click();
    await messageShows(u.page, "Chapter one by Friday", { alice: alice.page, bob: bob.page, carol: carol.page });
  }
  await bob.page.getByRole("navigation", { name: "Servers" }).getByRole("button", { name: serverName }).click();
  await alice.page.getByRole("navigation", { name: "Servers" }).getByRole("button", { name: serverName }).click();
  await carol.page.getByRole("navigation", { name: "Servers" }).getByRole("button", { name: serverName }).click();
  await members.getByRole("button", { name: /^Carol, online/ }).click();
  await members.getByRole("button", { name: "Kick" }).click();
  await members.getByRole("button", { name: /^Carol/ }).waitFor({ state: "detached" });
  // Carol's client hears member-left about herself: the server leaves her list and she lands at home.
  await carol.page.getByRole("navigation", { name: "Servers" }).getByRole("button", { name: serverName }).waitFor({ state: "detached" });
  await carol.page.getByRole("heading", { name: "Welcome to Concord" }).waitFor();
  // Bob, a plain member, is offered no kick or ban for alice, the owner.
  await bob.page.getByRole("complementary", { name: "Members" }).getByRole("button", { name: /^Alice/ }).click();
  await bob.page.getByRole("button", { name: "Message", exact: true }).waitFor();
  assert.equal(await bob.page.getByRole("button", { name: "Kick" }).count(), 0);
  await carol.context.close();
});

test("alice edits her profile and her new display name shows", async () => {
  await alice.page.getByRole("button", { name: "Edit profile" }).click();
  await alice.page.getByLabel("Display name").fill("Alice Liddell");
  await alice.page.getByLabel("About me").fill("Down the rabbit hole");
  await alice.page.getByRole("button", { name: "Save" }).click();
  await alice.page.locator(".me").getByText("Alice Liddell").waitFor();
  const me = await alice.rest("GET", "/api/auth/me");
  assert.equal(me.displayName, "Alice Liddell");
  assert.equal(me.bio, "Down the rabbit hole");
});

test("alice sees bob go offline when his last tab closes", async () => {
  const bobInList = alice.page.getByRole("complementary", { name: "Members" }).getByTestId("member").filter({ hasText: "Bob" });
  assert.equal(await bobInList.getAttribute("data-presence"), "online");
  await bob.context.close();
  await alice.page.getByRole("complementary", { name: "Members" }).getByRole("button", { name: /^Bob, offline/ }).waitFor();
  await shot(alice.page, "members-presence");
});
