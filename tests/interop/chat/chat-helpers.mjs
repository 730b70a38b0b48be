// Helpers for the chat scenarios: a real Concord server (CONCORD_URL, set by the xunit host),
// driven through its REST API with bearer tokens and through the official socket.io-client.
import assert from "node:assert/strict";
import { io } from "socket.io-client";

export const URL = process.env.CONCORD_URL ?? "http://127.0.0.1:5080";
/** A second node on the same database and Redis, when the host started one. */
export const URL_B = process.env.CONCORD_URL_B;

let counter = 0;
export const uniqueName = (prefix) => `${prefix}${++counter}_${Math.random().toString(36).slice(2, 8)}`;

/** Registers a user and returns a small REST client that authenticates with a bearer token. */
export async function newUser(prefix = "u") {
  const username = uniqueName(prefix);
  const email = `${username}@example.test`;
  const password = "password-123";
  let res = await fetch(`${URL}/api/auth/register`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email, username, password }),
  });
  let text = await res.text();
  assert.equal(res.status, 201, text);
  const user = JSON.parse(text);
  res = await fetch(`${URL}/api/auth/token`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email, password }),
  });
  text = await res.text();
  assert.equal(res.status, 200, text);
  const { accessToken } = JSON.parse(text);
  const rest = async (method, path, body, expected) => {
    const r = await fetch(`${URL}${path}`, {
      method,
      headers: { authorization: `Bearer ${accessToken}`, ...(body ? { "content-type": "application/json" } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await r.text();
    if (expected !== undefined) assert.equal(r.status, expected, `${method} ${path}: ${text}`);
    return { status: r.status, body: text ? JSON.parse(text) : null };
  };
  return { id: user.id, username, token: accessToken, rest };
}

/** Creates a server owned by `owner` and joined by `members`; returns its id and channel ids by type. */
export async function serverWith(owner, ...members) {
  const created = (await owner.rest("POST", "/api/servers", { name: uniqueName("srv") }, 201)).body;
  const server = (await owner.rest("GET", `/api/servers/${created.id}`, undefined, 200)).body;
  const text = server.channels.find((c) => c.type === "text");
  const voice = server.channels.find((c) => c.type === "voice");
  for (const m of members) await m.rest("POST", "/api/servers/join", { inviteCode: server.inviteCode ?? created.inviteCode }, 200);
  return { id: server.id, textChannelId: text.id, voiceChannelId: voice.id };
}

/** Connects a socket as `user` (token in the handshake's auth) and resolves once connected. */
export async function connect(user, url = URL, options = {}) {
  const socket = io(url, { forceNew: true, reconnection: false, transports: ["websocket"], auth: { token: user.token }, ...options });
  await new Promise((resolve, reject) => {
    socket.once("connect", resolve);
    socket.once("connect_error", reject);
  });
  return socket;
}

/** Alice and Bob, members of a new server, each with a socket that joined its text channel. Close `a` and `b` after. */
export async function twoInAChannel() {
  const alice = await newUser("alice");
  const bob = await newUser("bob");
  const server = await serverWith(alice, bob);
  const a = await connect(alice);
  const b = await connect(bob);
  await joinChannel(a, server.textChannelId);
  await joinChannel(b, server.textChannelId);
  return { alice, bob, server, a, b };
}

/** Alice, bob and carol in one server (its voice channel included), each with a connected socket. */
export async function threeInAServer() {
  const alice = await newUser("alice");
  const bob = await newUser("bob");
  const carol = await newUser("carol");
  const server = await serverWith(alice, bob, carol);
  const [a, b, c] = [await connect(alice), await connect(bob), await connect(carol)];
  return { alice, bob, carol, server, a, b, c };
}

/** Emits with an ack and resolves with the ack's payload. */
export const request = (socket, event, payload) => socket.timeout(5000).emitWithAck(event, payload);

/** Resolves with the first `event` whose payload satisfies `predicate`. */
export function next(socket, event, predicate = () => true, ms = 5000) {
  return new Promise((resolve, reject) => {
    const listener = (payload) => {
      if (!predicate(payload)) return;
      clearTimeout(timer);
      socket.off(event, listener);
      resolve(payload);
    };
    const timer = setTimeout(() => {
      socket.off(event, listener);
      reject(new Error(`timed out waiting for "${event}"`));
    }, ms);
    socket.on(event, listener);
  });
}

/**
 * Records every `event` a socket receives. `fence()` round-trips an ack on the same connection: the server
 * writes to a connection in order, so anything sent to it before the fence has arrived when the fence returns.
 */
export function recorder(socket, event) {
  const seen = [];
  socket.on(event, (payload) => seen.push(payload));
  return { seen, fence: () => request(socket, "join-servers") };
}

export async function joinChannel(socket, channelId) {
  const ack = await request(socket, "join-channel", { channelId });
  assert.equal(ack.ok, true, JSON.stringify(ack));
}
