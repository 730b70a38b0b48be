import { Fragment } from "preact";
import { useEffect, useLayoutEffect, useRef } from "preact/hooks";
import { displayName, type UserSummary } from "../api";
import { loadOlder, loadServer, navigate, timelineKey } from "../chat";
import { memberOf, useStore, type State } from "../store";
import { Composer } from "./Composer";
import { Icon } from "./Icon";
import { MessageRow } from "./MessageRow";
import { IncomingCall, VoiceStage } from "./Voice";
import { joinCall } from "../voice";

const day = (iso: string) => new Date(iso).toLocaleDateString([], { weekday: "long", month: "long", day: "numeric" });

export function Chat({ onOpenNav, onToggleMembers, membersOpen }: { onOpenNav: () => void; onToggleMembers: () => void; membersOpen: boolean }) {
  const s = useStore((s) => s);
  const route = s.route;
  const key = timelineKey(route);
  const me = s.me!;
  let title = "Concord", placeholder = "";
  if (route.kind === "channel") {
    const c = s.details[route.serverId]?.channels.find((c) => c.id === route.channelId);
    title = c ? `# ${c.name}` : "";
    placeholder = c ? `Message #${c.name}` : "";
  } else if (route.kind === "dm") {
    const c = s.conversations.find((c) => c.id === route.conversationId);
    const others = c?.participants.filter((p) => p.id !== me.id) ?? [];
    title = c?.name || others.map(displayName).join(", ") || "Direct message";
    placeholder = `Message ${title}`;
  }
  // Events name the username; show the display name we know for them (members or participants).
  const known = peopleHere(s);
  const typers = Object.entries(s.typing[key] ?? {}).filter(([, t]) => t.until > Date.now())
    .map(([id, t]) => { const u = known.find((u) => u.id === id); return u ? displayName(u) : t.username; });
  return (
    <section class="chat" aria-label={title}>
      <header class="chat-head">
        <button class="icon-btn mobile-only" aria-label="Open navigation" onClick={onOpenNav}><Icon name="menu" /></button>
        <h1 class="ellipsis">{title}</h1>
        {route.kind === "dm" && s.voice.conversationId !== route.conversationId && (
          <button class="icon-btn" aria-label="Start a call" title="Start a call" onClick={() => void joinCall({ conversationId: route.conversationId })}><Icon name="phone" /></button>
        )}
        {route.kind === "channel" && (
          <button class="icon-btn mobile-only" aria-label={membersOpen ? "Hide members" : "Show members"} aria-pressed={membersOpen} onClick={onToggleMembers}><Icon name="users" /></button>
        )}
      </header>
      {(s.voice.channelId || s.voice.conversationId) && <VoiceStage />}
      <IncomingCall />
      {s.connection !== "connected" && (
        <div class="banner" role="status" data-testid="connection-banner">
          {s.connection === "connecting" ? "Connecting…" : s.connection === "offline" ? "Disconnected." : "Connection lost. Reconnecting…"}
        </div>
      )}
      {key ? <Timeline key={key} tlKey={key} users={known} /> : <Welcome />}
      {key && (
        <>
          <div class="typing" aria-live="polite" data-testid="typing">
            {typers.length > 0 && <><span class="dots" aria-hidden="true"><i /><i /><i /></span>
              {typers.length === 1 ? `${typers[0]} is typing…` : typers.length < 4 ? `${typers.join(", ")} are typing…` : "Several people are typing…"}</>}
          </div>
          <Composer key={key} tlKey={key} placeholder={placeholder} users={known} meId={me.id} attachments={route.kind === "channel"} />
        </>
      )}
    </section>
  );
}

/** Who can be named here: the server's members in a channel, the participants in a conversation. */
const peopleHere = (s: State): UserSummary[] => {
  const r = s.route;
  return r.kind === "channel" ? s.details[r.serverId]?.members.map((m) => m.user) ?? []
    : r.kind === "dm" ? s.conversations.find((c) => c.id === r.conversationId)?.participants ?? [] : [];
};

function Welcome() {
  const servers = useStore((s) => s.servers);
  const mentions = useStore((s) => s.mentions);
  const details = useStore((s) => s.details);
  const unread = Object.entries(mentions);
  // Channel names for the list: the servers with unread mentions, loaded once each.
  useEffect(() => { for (const [, m] of unread) void loadServer(m.serverId).catch(() => undefined); }, [unread.length]);
  return (
    <div class="center welcome"><div>
      <h2>Welcome to Concord</h2>
      <p class="muted">{servers.length ? "Pick a server on the left, or a direct message." : "Create a server with + or join one with an invite code."}</p>
      {unread.length > 0 && (
        <nav class="inbox" aria-label="Unread mentions">
          <h3>Unread mentions</h3>
          <ul>
            {unread.map(([channelId, m]) => {
              const server = servers.find((x) => x.id === m.serverId);
              const channel = details[m.serverId]?.channels.find((c) => c.id === channelId);
              return (
                <li key={channelId}>
                  <a href={`/channels/${m.serverId}/${channelId}`} onClick={(e) => { e.preventDefault(); void navigate({ kind: "channel", serverId: m.serverId, channelId }); }}>
                    {server?.name ?? "A server"}{channel ? ` #${channel.name}` : ""}<span class="count">{m.count}</span><span class="sr-only"> unread</span>
                  </a>
                </li>
              );
            })}
          </ul>
        </nav>
      )}
    </div></div>
  );
}

function Timeline({ tlKey, users }: { tlKey: string; users: UserSummary[] }) {
  const t = useStore((s) => s.timelines[tlKey]);
  const me = useStore((s) => s.me!);
  const route = useStore((s) => s.route);
  const myRole = useStore((s) => (route.kind === "channel" ? memberOf(s, route.serverId, me.id)?.role : undefined));
  const ref = useRef<HTMLDivElement>(null);
  const fromBottom = useRef(0);
  const first = useRef<string | undefined>(undefined);
  const items = t?.items ?? [];

  // Keep the view still when older messages arrive above, and follow new ones when the reader is at the bottom.
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    const prepended = first.current !== undefined && items[0]?.id !== first.current;
    first.current = items[0]?.id;
    el.scrollTop = prepended || fromBottom.current > 80 ? el.scrollHeight - el.clientHeight - fromBottom.current : el.scrollHeight;
    fromBottom.current = el.scrollHeight - el.scrollTop - el.clientHeight;
    if (t?.loaded && t.hasMore && !t.loading && el.scrollHeight <= el.clientHeight + 40) void loadOlder(tlKey);
  }, [items, t?.loaded]);

  const onScroll = () => {
    const el = ref.current!;
    fromBottom.current = el.scrollHeight - el.scrollTop - el.clientHeight;
    if (el.scrollTop < 400) void loadOlder(tlKey);
  };

  return (
    <div class="timeline" ref={ref} onScroll={onScroll} tabIndex={0} aria-label="Messages" data-testid="timeline">
      {t && !t.hasMore && t.loaded && <div class="start" data-testid="history-start"><h2>{tlKey.startsWith("channel:") ? "Welcome to the channel!" : "The start of your conversation"}</h2><p class="muted">This is the beginning of the message history.</p></div>}
      {t?.loading && <p class="muted loading" role="status">Loading messages…</p>}
      <div role="log" aria-live="polite" aria-relevant="additions">
      <ol class="messages">
        {items.map((m, i) => {
          const prev = items[i - 1];
          const grouped = prev && prev.author.id === m.author.id && Date.parse(m.createdAt) - Date.parse(prev.createdAt) < 5 * 60_000;
          const newDay = !prev || day(prev.createdAt) !== day(m.createdAt);
          const canDelete = m.author.id === me.id || myRole === "owner" || myRole === "admin";
          return (
            <Fragment key={m.id}>
              {newDay && <li class="day"><span>{day(m.createdAt)}</span></li>}
              <MessageRow m={m} grouped={!!grouped && !newDay} tlKey={tlKey} mine={m.author.id === me.id} canDelete={canDelete} users={users} meId={me.id} />
            </Fragment>
          );
        })}
      </ol>
      </div>
    </div>
  );
}
