// Browser scenarios: the built client served by a real Concord (CONCORD_URL, started by the xunit host on Kestrel),
// driven in the distribution's Chromium (CHROMIUM_PATH, default /usr/bin/chromium) by playwright-core: one browser
// process per file, one context per user. Waits are on UI states with generous bounds, never fixed sleeps.
import assert from "node:assert/strict";
import { mkdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { chromium } from "playwright-core";

export const URL = process.env.CONCORD_URL ?? "http://127.0.0.1:5080";
export const ARTIFACTS = process.env.CONCORD_TEST_ARTIFACTS ?? path.resolve(import.meta.dirname, "..", "..", "TestResults", "browser");
export const TIMEOUT = 30_000; // a loaded 2-core box runs the server, PostgreSQL, Redis and Chromium at once
mkdirSync(ARTIFACTS, { recursive: true });

export async function launch(extraArgs = []) {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", ...extraArgs],
    timeout: 60_000,
  });
}

let counter = 0;
export const unique = (prefix) => `${prefix}${++counter}${Math.random().toString(36).slice(2, 7)}`;

/** A user in a context of their own, registered through the sign-up form. */
export async function registerThroughUi(browser, prefix, options = {}) {
  const context = await browser.newContext({ baseURL: URL, ...options });
  context.setDefaultTimeout(TIMEOUT);
  context.setDefaultNavigationTimeout(TIMEOUT);
  const page = await context.newPage();
  page.on("dialog", (d) => d.accept()); // confirm() before delete, kick, ban
  const username = unique(prefix);
  await page.goto("/");
  await page.getByRole("button", { name: "Register" }).click();
  await page.getByLabel("Email").fill(`${username}@example.test`);
  await page.getByLabel("Username").fill(username);
  await page.getByLabel("Display name").fill(prefix[0].toUpperCase() + prefix.slice(1));
  await page.getByLabel("Password").fill("password-123");
  await page.getByRole("button", { name: "Create account" }).click();
  await page.getByRole("heading", { name: "Welcome to Concord" }).waitFor();
  const me = await (await page.request.get("/api/auth/me")).json();
  return { context, page, username, id: me.id, rest: restFor(page) };
}

/** REST calls with the context's session cookie and its CSRF token, for seeding data fast. */
export function restFor(page) {
  let csrf;
  return async (method, route, body) => {
    csrf ??= (await (await page.request.get("/api/auth/csrf")).json()).token;
    const res = await page.request.fetch(route, { method, headers: { "x-csrf-token": csrf }, data: body });
    assert.ok(res.ok(), `${method} ${route}: ${res.status()} ${await res.text()}`);
    return res.status() === 204 ? null : res.json();
  };
}

/** Waits until fn (run in the page) returns a truthy value; returns it. */
export async function until(page, fn, arg, timeout = TIMEOUT) {
  const handle = await page.waitForFunction(fn, arg, { timeout, polling: 100 });
  return handle.jsonValue();
}

export const shot = (page, name) => page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`) });

/** axe-core on the page as it is; answers the serious and critical violations. */
export async function axe(page) {
  const require = createRequire(import.meta.url);
  // Evaluated over CDP, which the page's Content-Security-Policy (script-src 'self') does not govern.
  await page.evaluate(readFileSync(require.resolve("axe-core/axe.min.js"), "utf8"));
  const result = await page.evaluate(() => globalThis.axe.run(document, { resultTypes: ["violations"] }));
  return result.violations.filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).slice(0, 3).join(", ")})`);
}

export const messages = (page) => page.getByTestId("timeline").getByTestId("message");
export const message = (page, text) => messages(page).filter({ hasText: text });

/** Waits for a message in page's timeline; a timeout names what each witness's client held then (which side lost it). */
export async function messageShows(page, text, witnesses) {
  try {
    await message(page, text).waitFor();
  } catch (e) {
    const states = {};
    for (const [name, p] of Object.entries(witnesses)) {
      states[name] = await p.evaluate(() => {
        const s = window.__concord.state();
        const timelines = Object.fromEntries(Object.entries(s.timelines).map(([k, t]) => [k, { loaded: t.loaded, loading: t.loading,
          last: t.items.slice(-3).map((m) => ({ id: m.id, content: m.content, pending: m.pending, failed: m.failed })) }]));
        return { route: s.route, connection: s.connection, socket: window.__concord.socket.id, timelines };
      }).catch((x) => String(x));
    }
    e.message += `\nclient states: ${JSON.stringify(states)}`;
    throw e;
  }
}

export { png } from "../../tests/interop/png.mjs";
