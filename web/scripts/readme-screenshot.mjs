// Regenerates docs/web-client.png: three users and a short conversation, dark mode. Against a running server with
// rate limits off: CONCORD_URL=http://127.0.0.1:5080 node scripts/readme-screenshot.mjs (writes /tmp/web-shot/web-client.png).
import { mkdirSync } from "node:fs";
import { launch, png, registerThroughUi } from "../tests/helpers.mjs";
mkdirSync("/tmp/web-shot", { recursive: true });
const browser = await launch();
const opts = { colorScheme: "dark", viewport: { width: 1200, height: 680 } };
const ana = await registerThroughUi(browser, "ana", opts);
const ben = await registerThroughUi(browser, "ben", opts);
const chloe = await registerThroughUi(browser, "chloe", opts);
const srv = await ana.rest("POST", "/api/servers", { name: "Rust Hackers" });
for (const u of [ben, chloe]) await u.rest("POST", "/api/servers/join", { inviteCode: srv.inviteCode });
await ana.rest("POST", `/api/servers/${srv.id}/channels`, { name: "help", type: "text" });
await ana.rest("POST", `/api/servers/${srv.id}/channels`, { name: "showcase", type: "text" });
const d = await ana.rest("GET", `/api/servers/${srv.id}`);
const ch = d.channels.find((c) => c.name === "general").id;
const say = (u, t) => u.rest("POST", `/api/channels/${ch}/messages`, { content: t });
await say(ana, "Welcome everyone! This is the place for weekend projects.");
await say(ben, "Thanks! I just got the async runtime to schedule across cores.");
await say(ben, "Benchmarks look good: 1.8M tasks/s on my laptop.");
await say(chloe, "Nice — are you using work stealing or a global queue?");
await say(ben, "Work stealing, with a small LIFO slot per worker like Tokio.");
// An image attachment (uploaded, then sent by id) and a mention of ben (<@id> on the wire).
const upload = await ben.page.request.post("/api/uploads", {
  headers: { "x-csrf-token": (await (await ben.page.request.get("/api/auth/csrf")).json()).token },
  multipart: { file: { name: "throughput.png", mimeType: "image/png", buffer: png(480, 180) } },
});
await ben.rest("POST", `/api/channels/${ch}/messages`, { content: "The flame graph, for the curious:", attachments: [(await upload.json()).id] });
await say(ana, `Let's hop into General voice at 8 and walk through it, <@${ben.id}>?`);
for (const u of [ana, ben, chloe]) await u.page.goto(`/channels/${srv.id}/${ch}`);
// Ben's view: the mention of him stands out, and chloe is typing.
await ben.page.getByText("Let's hop into").waitFor();
await ben.page.waitForFunction(() => [...document.querySelectorAll(".attachments img")].every((i) => i.complete && i.naturalWidth > 0));
await chloe.page.getByRole("textbox", { name: "Message #general" }).pressSequentially("Sounds good");
await ben.page.getByTestId("typing").getByText("is typing").waitFor();
await ben.page.screenshot({ path: "/tmp/web-shot/web-client.png" });
await browser.close();
