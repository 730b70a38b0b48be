// Attachments and mentions through the UI: a PNG and a text file picked with the composer's file input reach the
// other user (the image inline, its preview swapped in when the server made it; the file as a link); an @mention
// picked from the autocomplete is highlighted for the one it names, counted while they are elsewhere (live and
// after a reload, from GET /api/mentions) and read when they open the channel. Then what changes under a reader's
// eyes without a reload: another user's new name and avatar, a role given by the owner, a channel renamed; and a
// ban lifted from the server settings.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { axe, launch, message, png, registerThroughUi, shot, TIMEOUT, until } from "./helpers.mjs";

let browser, alice, bob, server;

before(async () => {
  browser = await launch();
  alice = await registerThroughUi(browser, "alice");
  bob = await registerThroughUi(browser, "bob");
  server = await alice.rest("POST", "/api/servers", { name: "Studio" });
  await bob.rest("POST", "/api/servers/join", { inviteCode: server.inviteCode });
  for (const u of [alice, bob]) {
    await u.page.goto(`/channels/${server.id}`);
    await u.page.getByRole("heading", { name: "# general" }).waitFor();
  }
});
after(async () => { await browser?.close(); });

test("bob attaches a PNG and a text file through the file input and alice sees the image inline and the file as a link", async () => {
  const composer = bob.page.getByRole("textbox", { name: "Message #general" });
  await bob.page.getByLabel("Attach files").setInputFiles([
    { name: "sketch.png", mimeType: "image/png", buffer: png(640, 480) },
    { name: "notes.txt", mimeType: "text/plain", buffer: Buffer.from("Chapter one, second draft\n") },
  ]);
  // Both uploaded (no "Uploading…" left), then sent with the text.
  await bob.page.getByTestId("upload").filter({ hasText: "notes.txt" }).waitFor();
  await bob.page.getByTestId("upload").filter({ hasText: "Uploading" }).first().waitFor({ state: "detached" });
  await composer.fill("The sketch and my notes");
  await composer.press("Enter");

  const sent = message(alice.page, "The sketch and my notes");
  await sent.waitFor();
  const image = sent.getByTestId("attachment-image").getByRole("img", { name: "sketch.png" });
  // Laid out at its final size (400×300, the 640×480 scaled to fit) before it loads: the timeline does not jump.
  assert.deepEqual(await image.evaluate((img) => [img.width, img.height]), [400, 300]);
  await until(alice.page, () => [...document.querySelectorAll("[data-testid=attachment-image] img")].some((img) => img.complete && img.naturalWidth > 0));
  // The server makes previews after the send; attachment-processed swaps one in without a reload.
  await until(alice.page, () => [...document.querySelectorAll("[data-testid=attachment-image] img")].some((img) => /\/(small|large)\.webp\?/.test(img.src) && img.complete && img.naturalWidth > 0));
  const file = sent.getByTestId("attachment-file").filter({ hasText: "notes.txt" });
  const href = await file.getAttribute("href");
  assert.equal(await (await alice.page.request.get(href)).text(), "Chapter one, second draft\n");
  // Bob's own copy was reconciled with the server's, attachments and all.
  await message(bob.page, "The sketch and my notes").getByRole("img", { name: "sketch.png" }).waitFor();
  assert.equal(await bob.page.locator(".msg.pending").count(), 0);
  await shot(alice.page, "attachments");
  assert.deepEqual(await axe(alice.page), []);
});

test("alice mentions bob from the autocomplete; he sees the count while away, after a reload, and the highlight when he looks", async () => {
  // Bob is elsewhere (his direct messages) when he is mentioned.
  await bob.page.getByRole("button", { name: "Direct messages" }).click();
  await bob.page.getByRole("heading", { name: "Welcome to Concord" }).waitFor();

  const composer = alice.page.getByRole("textbox", { name: "Message #general" });
  await composer.pressSequentially("Thanks @bo");
  const option = alice.page.getByRole("listbox", { name: "People to mention" }).getByRole("option", { name: /Bob/ });
  await option.waitFor();
  assert.equal(await option.getAttribute("aria-selected"), "true");
  await composer.press("Enter"); // picks the suggestion, does not send
  assert.equal(await composer.inputValue(), `Thanks @${bob.username} `);
  await composer.pressSequentially("for the notes");
  await composer.press("Enter");
  // On the wire the mention is <@id>; alice sees it as a highlighted name, not addressed to her.
  const mine = message(alice.page, "for the notes");
  await mine.getByTestId("mention").filter({ hasText: "@Bob" }).waitFor();
  assert.equal(await mine.locator(".mention.self").count(), 0);

  // Bob's client counts it live (the mention event), on the server's button and in the home view's list.
  const badge = bob.page.getByRole("navigation", { name: "Servers" }).getByRole("button", { name: /Studio/ }).getByTestId("unread-mentions");
  await badge.filter({ hasText: "1" }).waitFor();
  await bob.page.getByRole("navigation", { name: "Unread mentions" }).getByRole("link", { name: /Studio/ }).waitFor();
  // A reload keeps it: GET /api/mentions.
  await bob.page.reload();
  await badge.filter({ hasText: "1" }).waitFor();
  await shot(bob.page, "unread-mentions");

  await bob.page.getByRole("navigation", { name: "Unread mentions" }).getByRole("link", { name: /Studio/ }).click();
  const forBob = message(bob.page, "for the notes");
  await forBob.locator(".mention.self").filter({ hasText: "@Bob" }).waitFor();
  assert.match(await forBob.getAttribute("class"), /mentions-me/);
  // Opening the channel read them, here and on the server.
  await badge.waitFor({ state: "detached" });
  await until(bob.page, async () => (await (await fetch("/api/mentions")).json()).length === 0);
  assert.deepEqual(await axe(bob.page), []);
});

test("bob changes his display name and uploads an avatar; alice's member list and timeline show both without a reload", async () => {
  await bob.page.getByRole("button", { name: "Edit profile" }).click();
  await bob.page.getByLabel("Display name").fill("Bobby Tables");
  await bob.page.getByLabel("Avatar image").setInputFiles({ name: "me.png", mimeType: "image/png", buffer: png(96, 96) });
  await bob.page.getByRole("button", { name: "Save" }).click();
  await bob.page.locator(".me").getByText("Bobby Tables").waitFor();

  const members = alice.page.getByRole("complementary", { name: "Members" });
  const row = members.getByRole("button", { name: /^Bobby Tables, online/ });
  await row.waitFor();
  // The avatar is the server's re-encoded copy, and it loads.
  await until(alice.page, () => [...document.querySelectorAll(".members .avatar img")].some((img) => /\/media\/p\/[0-9a-f]{64}\.webp$/.test(img.src) && img.complete && img.naturalWidth > 0));
  // His earlier message is shown under his new name too.
  await message(alice.page, "The sketch and my notes").getByText("Bobby Tables").waitFor();
});

test("the owner makes bob an admin and renames a channel; bob's client follows live", async () => {
  const members = alice.page.getByRole("complementary", { name: "Members" });
  await members.getByRole("button", { name: /^Bobby Tables/ }).click();
  await members.getByRole("button", { name: "Make admin" }).click();
  await members.getByRole("button", { name: /^Bobby Tables, online, admin/i }).waitFor();
  // Bob's own client hears it (member-updated) and offers him what admins may do.
  await bob.page.getByRole("button", { name: "Server settings" }).waitFor();

  await alice.page.getByRole("button", { name: "Server settings" }).click();
  await alice.page.getByRole("textbox", { name: "Name of the text channel general" }).fill("lobby");
  await alice.page.getByRole("textbox", { name: "Name of the text channel general" }).press("Enter");
  await bob.page.getByRole("heading", { name: "# lobby" }).waitFor();
  await bob.page.getByRole("navigation", { name: "Channels" }).getByRole("link", { name: "lobby" }).waitFor();
  assert.deepEqual(await axe(alice.page), []);
  await shot(alice.page, "server-settings");
  await alice.page.getByRole("button", { name: "Done" }).click();
});

test("an admin bans carol from the member list and lifts the ban from the server settings; she can join again", async () => {
  const carol = await registerThroughUi(browser, "carol");
  try {
    await carol.rest("POST", "/api/servers/join", { inviteCode: server.inviteCode });
    const members = bob.page.getByRole("complementary", { name: "Members" });
    await members.getByRole("button", { name: /^Carol/ }).click();
    await members.getByRole("button", { name: "Ban" }).click();
    await members.getByRole("button", { name: /^Carol/ }).waitFor({ state: "detached" });

    await bob.page.getByRole("button", { name: "Server settings" }).click();
    const unban = bob.page.getByRole("list", { name: "Banned users" }).getByRole("button", { name: "Unban Carol" });
    await unban.click();
    await unban.waitFor({ state: "detached" });
    await bob.page.getByText("Nobody is banned.").waitFor();
    await bob.page.getByRole("button", { name: "Done" }).click();
    await carol.rest("POST", "/api/servers/join", { inviteCode: server.inviteCode });
    await members.getByRole("button", { name: /^Carol/ }).waitFor();
  } finally {
    await carol.context.close();
  }
});

test("on a phone the image, the mention and the composer's suggestions fit the screen", async () => {
  const context = await browser.newContext({ baseURL: alice.page.url(), viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, storageState: await alice.context.storageState() });
  context.setDefaultTimeout(TIMEOUT);
  const page = await context.newPage();
  await page.goto(`/channels/${server.id}`);
  const sent = message(page, "The sketch and my notes");
  await sent.getByRole("img", { name: "sketch.png" }).waitFor();
  await page.getByRole("textbox", { name: "Message #lobby" }).pressSequentially("@bo");
  await page.getByRole("listbox", { name: "People to mention" }).getByRole("option", { name: /Bobby Tables/ }).waitFor();
  // Nothing wider than the screen: no sideways scrolling.
  assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= innerWidth), "the page scrolls sideways");
  const box = await sent.getByRole("img", { name: "sketch.png" }).boundingBox();
  assert.ok(box.x >= 0 && box.x + box.width <= 390, JSON.stringify(box));
  await shot(page, "phone-attachments-mentions");
  assert.deepEqual(await axe(page), []);
  await context.close();
});
