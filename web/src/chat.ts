import { io, type Socket } from "socket.io-client";
import { api, cmpId, setCsrf, whenSessionEnds, type Attachment, type Conversation, type Member, type MentionCount, type Message, type Server, type ServerDetail, type User } from "./api";
import { getState, setState, type Route, type Timeline } from "./store";
import { onCallEvent, leaveCall } from "./voice";

const PAGE = 50;
let socket: Socket | null = null;
export const getSocket = () => socket;

type Ack = { ok: boolean; error?: { code: string; message: string }; [k: string]: any };
export async function emit(event: string, payload?: unknown): Promise<Ack> {
  if (!socket) return { ok: false, error: { code: "offline", message: "Not connected." } };
  const ack = payload === undefined ? await socket.timeout(15000).emitWithAck(event) : await socket.timeout(15000).emitWithAck(event, payload);
  return ack as Ack;
}

export const timelineKey = (r: Route) => (r.kind === "channel" && r.channelId ? `channel:${r.channelId}` : r.kind === "dm" ? `dm:${r.conversationId}` : "");

// ---------- session ----------
export async function boot() {
  try {
    const me = await api<User>("GET", "/api/auth/me");
    setCsrf((await api<{ token: string }>("GET", "/api/auth/csrf")).token);
    await signedIn(me);
  } catch {
    setState({ me: null });
  }
}

export async function signedIn(me: User) {
  setState({ me, toast: undefined });
  const [servers, conversations, mentions] = await Promise.all([
    api<Server[]>("GET", "/api/servers"), api<Conversation[]>("GET", "/api/conversations"), api<MentionCount[]>("GET", "/api/mentions"),
  ]);
  setState({ servers, conversations, mentions: Object.fromEntries(mentions.map((m) => [m.channelId, { serverId: m.serverId, count: m.count }])) });
  connect();
  await navigate(routeFromPath(location.pathname), true);
}

export async function logout() {
  await leaveCall();
  await api("POST", "/api/auth/logout").catch(() => undefined);
  signedOut();
}

/** Back to the sign-in page, with nothing of the previous user left in memory. */
function signedOut(notice?: string) {
  void leaveCall();
  socket?.disconnect();
  socket = null;
  setState({ me: null, servers: [], details: {}, conversations: [], timelines: {}, typing: {}, occupants: {}, mentions: {}, route: { kind: "home" }, toast: notice });
  history.replaceState(null, "", "/");
}
whenSessionEnds(() => { if (getState().me) signedOut("Your session ended. Please log in again."); });

// ---------- routing ----------
export function routeFromPath(path: string): Route {
  const p = path.split("/").filter(Boolean);
  if (p[0] === "channels" && p[1]) return { kind: "channel", serverId: p[1], channelId: p[2] };
  if (p[0] === "dm" && p[1]) return { kind: "dm", conversationId: p[1] };
  if (p[0] === "invite" && p[1]) return { kind: "invite", code: p[1] };
  return { kind: "home" };
}
const pathOf = (r: Route) =>
  r.kind === "channel" ? `/channels/${r.serverId}${r.channelId ? "/" + r.channelId : ""}` : r.kind === "dm" ? `/dm/${r.conversationId}` : r.kind === "invite" ? `/invite/${r.code}` : "/";

export async function navigate(route: Route, replace = false) {
  if (route.kind === "channel") {
    const wanted = route;
    const detail = await loadServer(wanted.serverId).catch(() => undefined);
    if (!detail) route = { kind: "home" };
    else if (!wanted.channelId || !detail.channels.some((c) => c.id === wanted.channelId && c.type === "text"))
      route = { ...wanted, channelId: detail.channels.find((c) => c.type === "text")?.id };
  }
  const previous = getState().route;
  if (previous.kind === "dm" && (route.kind !== "dm" || route.conversationId !== previous.conversationId))
    void emit("leave-conversation", { conversationId: previous.conversationId });
  setState({ route });
  const path = pathOf(route);
  if (location.pathname !== path) replace ? history.replaceState(null, "", path) : history.pushState(null, "", path);
  await openTimeline(route);
}
window.addEventListener("popstate", () => { if (getState().me) void navigate(routeFromPath(location.pathname), true); });

export async function loadServer(serverId: string, force = false): Promise<ServerDetail> {
  const cached = getState().details[serverId];
  if (cached && !force) return cached;
  const detail = await api<ServerDetail>("GET", `/api/servers/${serverId}`);
  setState((s) => ({
    details: { ...s.details, [serverId]: detail },
    presence: { ...s.presence, ...Object.fromEntries(detail.members.map((m) => [m.user.id, m.presence ?? "offline"])) },
  }));
  void loadOccupants(detail);
  return detail;
}

async function loadOccupants(detail: ServerDetail) {
  for (const c of detail.channels.filter((c) => c.type === "voice")) await loadCall(c.id, { channelId: c.id });
}
// voice-state-updates seen per call: an answer to call-participants that a live update overtook is stale.
const callChanges: Record<string, number> = {};
async function loadCall(key: string, target: { channelId?: string; conversationId?: string }) {
  const seen = callChanges[key] ?? 0;
  const ack = await emit("call-participants", target).catch(() => undefined);
  if (ack?.ok && (callChanges[key] ?? 0) === seen) setOccupants(key, () => Object.fromEntries((ack.participants as { userId: string; socketId: string }[]).map((p) => [p.socketId, p.userId])));
}
/**
 * A call that started before this socket joined its rooms rang nobody here (voice-state-update is not replayed): ask
 * the open conversation and the most recent ones who is in their calls, so one still rings.
 */
async function loadConversationCalls() {
  const { route, conversations } = getState();
  const ids = new Set(conversations.slice(0, 10).map((c) => c.id));
  if (route.kind === "dm") ids.add(route.conversationId);
  for (const id of ids) await loadCall(`dm:${id}`, { conversationId: id });
}
function setOccupants(channelId: string, f: (o: Record<string, string>) => Record<string, string>) {
  setState((s) => ({ occupants: { ...s.occupants, [channelId]: f(s.occupants[channelId] ?? {}) } }));
}

// ---------- timelines ----------
const messagesPath = (key: string) => {
  const [kind, id] = key.split(":");
  return kind === "channel" ? `/api/channels/${id}/messages` : `/api/conversations/${id}/messages`;
};
function setTimeline(key: string, f: (t: Timeline) => Partial<Timeline>) {
  setState((s) => {
    const t = s.timelines[key] ?? { items: [], hasMore: true, loading: false, loaded: false };
    return { timelines: { ...s.timelines, [key]: { ...t, ...f(t) } } };
  });
}
/** Adds messages (any order), replacing same ids and the optimistic copies their nonces name; keeps ascending id order. */
function merge(items: Message[], incoming: Message[]): Message[] {
  const nonces = new Set(incoming.map((m) => m.nonce).filter(Boolean));
  const ids = new Map(incoming.map((m) => [m.id, m]));
  const kept = items.filter((m) => !ids.has(m.id) && !(m.pending && m.nonce && nonces.has(m.nonce)));
  const confirmed = kept.filter((m) => !m.pending).concat([...ids.values()]).sort((a, b) => cmpId(a.id, b.id));
  return confirmed.concat(kept.filter((m) => m.pending));
}

async function openTimeline(route: Route) {
  const key = timelineKey(route);
  if (!key) return;
  if (route.kind === "channel") {
    void emit("join-channel", { channelId: route.channelId });
    markMentionsRead(route.channelId!);
  }
  if (route.kind === "dm") void emit("join-conversation", { conversationId: route.conversationId });
  if (getState().timelines[key]?.loaded) return;
  setTimeline(key, () => ({ loading: true }));
  try {
    const page = await api<Message[]>("GET", `${messagesPath(key)}?limit=${PAGE}`);
    setTimeline(key, (t) => ({ items: merge(t.items, page), hasMore: page.length === PAGE, loading: false, loaded: true }));
  } catch (e) {
    setTimeline(key, () => ({ loading: false }));
    toast(e);
  }
}

export async function loadOlder(key: string) {
  const t = getState().timelines[key];
  if (!t || t.loading || !t.hasMore) return;
  const oldest = t.items.find((m) => !m.pending);
  setTimeline(key, () => ({ loading: true }));
  try {
    const page = await api<Message[]>("GET", `${messagesPath(key)}?limit=${PAGE}${oldest ? "&before=" + oldest.id : ""}`);
    setTimeline(key, (t) => ({ items: merge(t.items, page), hasMore: page.length === PAGE, loading: false }));
  } catch (e) {
    setTimeline(key, () => ({ loading: false }));
    toast(e);
  }
}

/** After a reconnection that lost the session: pages `after` the newest message we hold, until a short page. */
async function catchUp(key: string) {
  for (;;) {
    const t = getState().timelines[key];
    const newest = t?.items.filter((m) => !m.pending).at(-1);
    if (!t?.loaded || !newest) return;
    const page = await api<Message[]>("GET", `${messagesPath(key)}?limit=100&after=${newest.id}`);
    setTimeline(key, (t) => ({ items: merge(t.items, page) }));
    if (page.length < 100) return;
  }
}

/** Sends with a nonce; a retry passes the same nonce, so a send that did get through is not doubled. */
export async function send(key: string, content: string, nonce: string = crypto.randomUUID(), attachments: Attachment[] = []) {
  const me = getState().me!;
  const [kind, id] = key.split(":");
  const pending: Message = { id: `pending-${nonce}`, nonce, content, author: me, createdAt: new Date().toISOString(), attachments, pending: true };
  setTimeline(key, (t) => ({ items: [...t.items, pending] }));
  const ids = attachments.length ? { attachments: attachments.map((a) => a.id) } : {};
  const ack = kind === "channel"
    ? await emit("send-message", { channelId: id, content, nonce, ...ids }).catch(() => undefined)
    : await emit("send-direct-message", { conversationId: id, content, nonce }).catch(() => undefined);
  if (ack?.ok) setTimeline(key, (t) => ({ items: merge(t.items, [ack.message]) }));
  else setTimeline(key, (t) => ({ items: t.items.map((m) => (m.nonce === nonce && m.pending ? { ...m, failed: ack?.error?.message ?? "Not sent." } : m)) }));
}

export function discard(key: string, nonce: string) {
  setTimeline(key, (t) => ({ items: t.items.filter((m) => m.nonce !== nonce || !m.pending) }));
}

export async function editMessage(key: string, m: Message, content: string) {
  const path = key.startsWith("channel:") ? `/api/messages/${m.id}` : `/api/conversations/${m.conversationId}/messages/${m.id}`;
  const updated = await api<Message>("PATCH", path, { content });
  setTimeline(key, (t) => ({ items: merge(t.items, [updated]) }));
}

export async function deleteMessage(key: string, m: Message) {
  const path = key.startsWith("channel:") ? `/api/messages/${m.id}` : `/api/conversations/${m.conversationId}/messages/${m.id}`;
  await api("DELETE", path);
  setTimeline(key, (t) => ({ items: t.items.filter((x) => x.id !== m.id) }));
}

// ---------- mentions ----------
/** `@username` of a member becomes `<@id>` on the wire, which is what the server counts as a mention. */
export function toWire(content: string, members: { id: string; username: string }[]) {
  const find = (name: string) => members.find((m) => m.username.toLowerCase() === name.toLowerCase());
  return content.replace(/(^|[\s(])@([A-Za-z0-9_.-]+)/g, (all, lead: string, name: string) => {
    // "@bob." at the end of a sentence: the dot is punctuation unless a username really ends with it.
    const trail = find(name) ? "" : /[.-]+$/.exec(name)?.[0] ?? "";
    const u = find(name.slice(0, name.length - trail.length));
    return u ? `${lead}<@${u.id}>${trail}` : all;
  });
}

/** The other way, for editing: `<@id>` back to `@username` (unknown ids stay as they are). */
export function fromWire(content: string, users: { id: string; username: string }[]) {
  return content.replace(/<@!?(\d+)>/g, (all, id: string) => { const u = users.find((u) => u.id === id); return u ? `@${u.username}` : all; });
}

/** Opening a channel reads its mentions (here at once, on the server in the background). */
function markMentionsRead(channelId: string) {
  if (!getState().mentions[channelId]) return;
  setState((s) => { const next = { ...s.mentions }; delete next[channelId]; return { mentions: next }; });
  void api("DELETE", `/api/channels/${channelId}/mentions`).catch(() => undefined);
}

let lastTyping = 0;
export function typing(key: string) {
  if (Date.now() - lastTyping < 4000) return;
  lastTyping = Date.now();
  const [kind, id] = key.split(":");
  void emit("typing-start", kind === "channel" ? { channelId: id } : { conversationId: id }).catch(() => undefined);
}
export const sent = () => { lastTyping = 0; };

// ---------- servers, members, conversations ----------
// The dialogs that create or join something close once it exists; the view then opens behind them (navigate is not
// awaited). Awaiting it kept the modal — and the inert page under it — up while the first page of messages loaded,
// after the new view's heading and composer were already showing: typing there went nowhere.
export async function createServer(name: string) {
  const server = await api<Server>("POST", "/api/servers", { name });
  addServer(server);
  void navigate({ kind: "channel", serverId: server.id });
}
export async function joinServer(inviteCode: string) {
  const server = await api<Server>("POST", "/api/servers/join", { inviteCode: inviteCode.trim().replace(/^.*\/invite\//, "") });
  addServer(server);
  void navigate({ kind: "channel", serverId: server.id });
}
function addServer(server: Server) {
  setState((s) => ({ servers: s.servers.some((x) => x.id === server.id) ? s.servers : [...s.servers, server] }));
}
export async function kick(serverId: string, userId: string) { await api("DELETE", `/api/servers/${serverId}/members/${userId}`); }
/** Owner only; member-updated brings the change to everyone, this client included. */
export async function setRole(serverId: string, userId: string, role: "admin" | "member") { await api("PATCH", `/api/servers/${serverId}/members/${userId}`, { role }); }
export async function ban(serverId: string, userId: string) { await api("PUT", `/api/servers/${serverId}/bans/${userId}`, {}); }
export async function openDm(userId: string) {
  const c = await api<Conversation>("POST", "/api/conversations", { userId });
  upsertConversation(c);
  await navigate({ kind: "dm", conversationId: c.id });
}
export async function createGroup(userIds: string[], name?: string) {
  const c = await api<Conversation>("POST", "/api/conversations", { userIds, name: name || undefined });
  upsertConversation(c);
  void navigate({ kind: "dm", conversationId: c.id });
}
function upsertConversation(c: Conversation) {
  setState((s) => ({ conversations: [c, ...s.conversations.filter((x) => x.id !== c.id)] }));
}

export function toast(e: unknown) {
  if (!getState().me) return; // signed out meanwhile: the sign-in page shows why, not the failed request
  setState({ toast: e instanceof Error ? e.message : String(e) });
}

// ---------- the socket ----------
// A tab in the background reports its user idle (the server shows idle only when every tab of theirs is).
document.addEventListener("visibilitychange", () => {
  if (socket?.connected) void emit("set-status", { status: document.hidden ? "idle" : "online" }).catch(() => undefined);
});

export async function createChannel(serverId: string, name: string, type: "text" | "voice") {
  const channel = await api<{ id: string }>("POST", `/api/servers/${serverId}/channels`, { name, type });
  await loadServer(serverId, true);
  if (type === "text") void navigate({ kind: "channel", serverId, channelId: channel.id });
}
export async function leaveServer(serverId: string) {
  await api("POST", `/api/servers/${serverId}/leave`);
  removeServer(serverId);
}

function connect() {
  socket?.disconnect();
  // recover: true asks for connection-state recovery (Concord sends offsets only to clients that ask).
  const s = io({ withCredentials: true, auth: { recover: true } });
  socket = s;
  (window as any).__concord = { socket: s, state: getState };
  s.on("connect", async () => {
    setState({ connection: "connected" });
    if (document.hidden) void emit("set-status", { status: "idle" }).catch(() => undefined);
    if (s.recovered) { setState({ lastCatchUp: "recovered" }); return; }
    await emit("join-servers").catch(() => undefined);
    void loadConversationCalls();
    const { route, timelines } = getState();
    if (route.kind === "channel" && route.serverId) await loadServer(route.serverId, true).catch(() => undefined);
    const key = timelineKey(route);
    // Rejoin the open room, page forward from what we hold; other cached timelines refetch when next opened.
    if (key) {
      if (route.kind === "channel") await emit("join-channel", { channelId: route.channelId }).catch(() => undefined);
      if (route.kind === "dm") await emit("join-conversation", { conversationId: route.conversationId }).catch(() => undefined);
      await catchUp(key).catch(toast);
    }
    setState((st) => ({ timelines: Object.fromEntries(Object.entries(st.timelines).filter(([k]) => k === key || !timelines[k]?.loaded)), lastCatchUp: "refetched" }));
  });
  s.on("disconnect", (reason) => setState({ connection: reason === "io client disconnect" ? "offline" : "reconnecting" }));
  s.on("connect_error", (err) => {
    // The handshake refuses a session the server no longer has; anything else is the network: keep retrying.
    if (err.message === "unauthorized") void api("GET", "/api/auth/me").catch(() => undefined);
    setState({ connection: "reconnecting" });
  });

  // A timeline whose first page is in flight keeps live messages too: that page may have been read before the
  // message was committed, and merging the page later keeps them.
  const onMessage = (key: string) => (m: Message) => {
    setTimeline(key, (t) => (t.loaded || t.loading ? { items: merge(t.items, [m]) } : {}));
    clearTyping(key, m.author.id);
  };
  s.on("new-message", (m: Message) => onMessage(`channel:${m.channelId}`)(m));
  s.on("attachment-processed", ({ messageId, channelId, attachment }: { messageId: string; channelId: string; attachment: Attachment }) =>
    setTimeline(`channel:${channelId}`, (t) => ({
      items: t.items.map((m) => (m.id === messageId ? { ...m, attachments: (m.attachments ?? []).map((a) => (a.id === attachment.id ? attachment : a)) } : m)),
    })));
  s.on("mention", ({ channelId, serverId, unreadMentions }: { channelId: string; serverId: string; unreadMentions: number }) => {
    const r = getState().route;
    if (r.kind === "channel" && r.channelId === channelId && !document.hidden) {
      void api("DELETE", `/api/channels/${channelId}/mentions`).catch(() => undefined);
      return;
    }
    setState((st) => ({ mentions: { ...st.mentions, [channelId]: { serverId, count: unreadMentions } } }));
  });
  s.on("message-updated", (m: Message) => setTimeline(`channel:${m.channelId}`, (t) => (t.loaded ? { items: merge(t.items, [m]) } : {})));
  s.on("message-deleted", ({ id, channelId }: { id: string; channelId: string }) =>
    setTimeline(`channel:${channelId}`, (t) => ({ items: t.items.filter((m) => m.id !== id) })));
  s.on("new-direct-message", (m: Message) => {
    onMessage(`dm:${m.conversationId}`)(m);
    setState((st) => ({
      conversations: st.conversations.map((c) => (c.id === m.conversationId ? { ...c, lastMessage: m } : c))
        .sort((a, b) => cmpId(b.lastMessage?.id ?? b.id, a.lastMessage?.id ?? a.id)),
    }));
  });
  s.on("direct-message-updated", (m: Message) => setTimeline(`dm:${m.conversationId}`, (t) => (t.loaded ? { items: merge(t.items, [m]) } : {})));
  s.on("direct-message-deleted", ({ id, conversationId }: { id: string; conversationId: string }) =>
    setTimeline(`dm:${conversationId}`, (t) => ({ items: t.items.filter((m) => m.id !== id) })));
  s.on("conversation-created", (c: Conversation) => upsertConversation(c));

  s.on("typing-start", (e: { channelId?: string; conversationId?: string; userId: string; username: string }) => {
    if (e.userId === getState().me?.id) return;
    const key = e.channelId ? `channel:${e.channelId}` : `dm:${e.conversationId}`;
    setState((st) => ({ typing: { ...st.typing, [key]: { ...st.typing[key], [e.userId]: { username: e.username, until: Date.now() + 10000 } } } }));
  });
  s.on("typing-stop", (e: { channelId?: string; conversationId?: string; userId: string }) =>
    clearTyping(e.channelId ? `channel:${e.channelId}` : `dm:${e.conversationId}`, e.userId));

  s.on("presence-update", ({ userId, status }: { userId: string; status: "online" | "idle" | "offline" }) =>
    setState((st) => ({ presence: { ...st.presence, [userId]: status } })));
  s.on("server-joined", ({ server }: { server: Server }) => addServer(server));
  s.on("server-updated", (e: { server?: Server } & Partial<Server>) => {
    const server = (e.server ?? e) as Server;
    setState((st) => ({
      servers: st.servers.map((x) => (x.id === server.id ? server : x)),
      details: st.details[server.id] ? { ...st.details, [server.id]: { ...st.details[server.id], ...server } } : st.details,
    }));
  });
  s.on("server-deleted", ({ serverId }: { serverId: string }) => removeServer(serverId));
  s.on("member-joined", ({ serverId, member }: { serverId: string; member: Member }) => updateMembers(serverId, (ms) => [...ms.filter((m) => m.user.id !== member.user.id), member], member));
  // A role change, or a profile change (name, avatar) sent to each server the user is in: conversations show it too.
  s.on("member-updated", ({ serverId, member }: { serverId: string; member: Member }) => {
    updateMembers(serverId, (ms) => ms.map((m) => (m.user.id === member.user.id ? { ...m, ...member, presence: m.presence } : m)));
    setState((st) => ({
      conversations: st.conversations.map((c) => (c.participants.some((p) => p.id === member.user.id)
        ? { ...c, participants: c.participants.map((p) => (p.id === member.user.id ? { ...p, ...member.user } : p)) } : c)),
      me: st.me && st.me.id === member.user.id ? { ...st.me, ...member.user } : st.me,
    }));
  });
  s.on("member-left", ({ serverId, userId }: { serverId: string; userId: string }) => {
    if (userId === getState().me?.id) removeServer(serverId);
    else updateMembers(serverId, (ms) => ms.filter((m) => m.user.id !== userId));
  });
  // The payload is the channel itself or {channel}; either way, refetch the server's detail if we hold it.
  const channelChange = (c: any) => {
    const id: string | undefined = c?.serverId ?? c?.channel?.serverId;
    if (id && getState().details[id]) void loadServer(id, true);
  };
  s.on("channel-created", channelChange);
  s.on("channel-updated", channelChange);
  s.on("channel-deleted", channelChange);
  // Voice channels by id; conversations as "dm:<id>", which is how a conversation's call rings the others.
  s.on("voice-state-update", (v: { channelId?: string; conversationId?: string; userId: string; socketId: string; inCall: boolean }) => {
    const key = v.channelId ?? (v.conversationId ? `dm:${v.conversationId}` : undefined);
    if (!key) return;
    callChanges[key] = (callChanges[key] ?? 0) + 1;
    setOccupants(key, (o) => {
      const next = { ...o };
      if (v.inCall) next[v.socketId] = v.userId; else delete next[v.socketId];
      return next;
    });
    // A conversation's call that ended may ring again next time, even if this one was dismissed.
    if (v.conversationId && !Object.keys(getState().occupants[key] ?? {}).length)
      setState((st) => ({ dismissed: { ...st.dismissed, [v.conversationId!]: false } }));
  });
  onCallEvent(s);
}

function clearTyping(key: string, userId: string) {
  setState((st) => {
    if (!st.typing[key]?.[userId]) return {};
    const next = { ...st.typing[key] };
    delete next[userId];
    return { typing: { ...st.typing, [key]: next } };
  });
}
function updateMembers(serverId: string, f: (ms: Member[]) => Member[], joined?: Member) {
  setState((st) => {
    const d = st.details[serverId];
    const presence = joined ? { ...st.presence, [joined.user.id]: joined.presence ?? "online" } : st.presence;
    if (!d) return { presence };
    const members = f(d.members);
    return { presence, details: { ...st.details, [serverId]: { ...d, members, memberCount: members.length } } };
  });
}
function removeServer(serverId: string) {
  setState((st) => ({ servers: st.servers.filter((x) => x.id !== serverId) }));
  const r = getState().route;
  if (r.kind === "channel" && r.serverId === serverId) void navigate({ kind: "home" }, true);
}
