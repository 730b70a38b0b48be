import { Fragment } from "preact";
import { useEffect, useLayoutEffect, useRef, useState } from "preact/hooks";
import { displayName, type Message } from "../api";
import { deleteMessage, discard, editMessage, loadOlder, send, sent, timelineKey, toast, typing } from "../chat";
import { memberOf, useStore } from "../store";
import { Avatar } from "./Avatar";
import { Icon } from "./Icon";
import { IncomingCall, VoiceStage } from "./Voice";
import { joinCall } from "../voice";

const time = (iso: string) => new Date(iso).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
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
  const known = route.kind === "channel" ? s.details[route.serverId]?.members.map((m) => m.user) ?? []
    : s.conversations.find((c) => route.kind === "dm" && c.id === route.conversationId)?.participants ?? [];
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
      {key ? <Timeline key={key} tlKey={key} /> : <Welcome />}
      {key && (
        <>
          <div class="typing" aria-live="polite" data-testid="typing">
            {typers.length > 0 && <><span class="dots" aria-hidden="true"><i /><i /><i /></span>
              {typers.length === 1 ? `${typers[0]} is typing…` : typers.length < 4 ? `${typers.join(", ")} are typing…` : "Several people are typing…"}</>}
          </div>
          <Composer key={key} tlKey={key} placeholder={placeholder} />
        </>
      )}
    </section>
  );
}

function Welcome() {
  const servers = useStore((s) => s.servers.length);
  return (
    <div class="center welcome">
      <h2>Welcome to Concord</h2>
      <p class="muted">{servers ? "Pick a server on the left, or a direct message." : "Create a server with + or join one with an invite code."}</p>
    </div>
  );
}

function Timeline({ tlKey }: { tlKey: string }) {
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
              <MessageRow m={m} grouped={!!grouped && !newDay} tlKey={tlKey} mine={m.author.id === me.id} canDelete={canDelete} />
            </Fragment>
          );
        })}
      </ol>
      </div>
    </div>
  );
}

function MessageRow({ m, grouped, tlKey, mine, canDelete }: { m: Message; grouped: boolean; tlKey: string; mine: boolean; canDelete: boolean }) {
  const [editing, setEditing] = useState(false);
  const save = async (content: string) => {
    try {
      if (content.trim() && content !== m.content) await editMessage(tlKey, m, content);
      setEditing(false);
    } catch (e) { toast(e); }
  };
  return (
    <li class={`msg${grouped ? " grouped" : ""}${m.pending ? " pending" : ""}${m.failed ? " failed" : ""}`} data-message-id={m.id} data-testid="message">
      {grouped ? <span class="gutter muted" aria-hidden="true">{time(m.createdAt)}</span> : <Avatar user={m.author} size={40} />}
      <div class="msg-body">
        {!grouped && <div class="msg-meta"><strong>{displayName(m.author)}</strong><time dateTime={m.createdAt} class="muted">{time(m.createdAt)}</time></div>}
        {editing ? (
          <textarea class="edit" aria-label="Edit message" defaultValue={m.content} autoFocus rows={2}
            onKeyDown={(e) => {
              if (e.key === "Escape") setEditing(false);
              if (e.key === "Enter" && !e.shiftKey) { e.preventDefault(); void save((e.target as HTMLTextAreaElement).value); }
            }} />
        ) : (
          <p class="content">{m.content}{m.editedAt && <span class="muted edited"> (edited)</span>}</p>
        )}
        {m.failed && (
          <p class="error">Not sent: {m.failed} <button class="link" onClick={() => { discard(tlKey, m.nonce!); void send(tlKey, m.content, m.nonce!); }}>Retry</button>
            <button class="link" onClick={() => discard(tlKey, m.nonce!)}>Discard</button></p>
        )}
      </div>
      {!m.pending && (mine || canDelete) && !editing && (
        <div class="msg-actions">
          {mine && <button class="icon-btn" aria-label="Edit message" title="Edit" onClick={() => setEditing(true)}><Icon name="edit" size={16} /></button>}
          {canDelete && <button class="icon-btn" aria-label="Delete message" title="Delete" onClick={() => { if (confirm("Delete this message?")) deleteMessage(tlKey, m).catch(toast); }}><Icon name="trash" size={16} /></button>}
        </div>
      )}
    </li>
  );
}

function Composer({ tlKey, placeholder }: { tlKey: string; placeholder: string }) {
  const ref = useRef<HTMLTextAreaElement>(null);
  useEffect(() => { if (matchMedia("(min-width: 900px)").matches) ref.current?.focus(); }, []);
  const submit = () => {
    const el = ref.current!;
    const content = el.value.trim();
    if (!content) return;
    el.value = "";
    el.style.height = "";
    sent();
    void send(tlKey, content);
  };
  return (
    <form class="composer" onSubmit={(e) => { e.preventDefault(); submit(); }}>
      <textarea id="composer" ref={ref} rows={1} maxLength={2000} aria-label={placeholder} placeholder={placeholder}
        onInput={(e) => {
          const el = e.target as HTMLTextAreaElement;
          el.style.height = "";
          el.style.height = `${Math.min(el.scrollHeight, 200)}px`;
          if (el.value) typing(tlKey);
        }}
        onKeyDown={(e) => { if (e.key === "Enter" && !e.shiftKey && !e.isComposing) { e.preventDefault(); submit(); } }} />
      <button type="submit" class="send" aria-label="Send message"><Icon name="send" size={18} /></button>
    </form>
  );
}

