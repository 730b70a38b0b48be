import { useState } from "preact/hooks";
import { displayName } from "../api";
import { leaveServer, logout, navigate, toast } from "../chat";
import { useStore } from "../store";
import { joinCall, leaveCall, toggleCamera, toggleMute } from "../voice";
import { Avatar } from "./Avatar";
import { Icon } from "./Icon";
import { ServerSettingsDialog } from "./Settings";
import { CreateChannelDialog, CreateServerDialog, NewGroupDialog, JoinServerDialog, InviteDialog, ProfileDialog } from "./Dialogs";

/** A red count of unread mentions; read out as part of the button's or link's name. */
const Unread = ({ count }: { count: number }) => (count > 0 ? <span class="count" data-testid="unread-mentions">{count}<span class="sr-only"> unread mentions</span></span> : null);

const initials = (name: string) => name.split(/\s+/).map((w) => w[0]).join("").slice(0, 3).toUpperCase();

export function Sidebar({ onNavigate }: { onNavigate: () => void }) {
  const s = useStore((s) => s);
  const [dialog, setDialog] = useState<"create" | "join" | "invite" | "profile" | "channel" | "group" | "settings" | null>(null);
  const route = s.route;
  const serverId = route.kind === "channel" ? route.serverId : undefined;
  const detail = serverId ? s.details[serverId] : undefined;
  const go = (r: Parameters<typeof navigate>[0]) => { onNavigate(); void navigate(r); };
  const me = s.me!;
  const myRole = detail?.members.find((m) => m.user.id === me.id)?.role;
  const callConversation = s.conversations.find((c) => c.id === s.voice.conversationId);
  const callName = Object.values(s.details).flatMap((d) => d.channels).find((c) => c.id === s.voice.channelId)?.name ??
    (callConversation ? callConversation.name || callConversation.participants.filter((p) => p.id !== me.id).map(displayName).join(", ") : "Call");
  return (
    <div class="sidebar">
      <nav class="rail" aria-label="Servers">
        <button class={`rail-btn home${route.kind !== "channel" ? " active" : ""}`} aria-label="Direct messages" aria-current={route.kind !== "channel" ? "page" : undefined} onClick={() => go({ kind: "home" })}><Icon name="chat" size={22} /></button>
        <hr />
        {s.servers.map((sv) => (
          <button key={sv.id} class={`rail-btn${sv.id === serverId ? " active" : ""}`} title={sv.name}
            aria-current={sv.id === serverId ? "page" : undefined} onClick={() => go({ kind: "channel", serverId: sv.id })}>
            {sv.iconUrl ? <img src={sv.iconUrl} alt="" /> : <span aria-hidden="true">{initials(sv.name)}</span>}
            <span class="sr-only">{sv.name}</span>
            <Unread count={Object.values(s.mentions).reduce((n, m) => n + (m.serverId === sv.id ? m.count : 0), 0)} />
          </button>
        ))}
        <button class="rail-btn add" aria-label="Create a server" title="Create a server" onClick={() => setDialog("create")}><Icon name="plus" size={22} /></button>
        <button class="rail-btn add" aria-label="Join a server" title="Join a server" onClick={() => setDialog("join")}><Icon name="join" size={20} /></button>
      </nav>
      <div class="panel">
        {detail ? (
          <>
            <header class="panel-head">
              <h2 title={detail.name}>{detail.name}</h2>
              {myRole !== "member" && <button class="icon-btn" aria-label="Create a channel" title="Create a channel" onClick={() => setDialog("channel")}><Icon name="plus" size={18} /></button>}
              <button class="icon-btn" aria-label="Invite people" title="Invite people" onClick={() => setDialog("invite")}><Icon name="invite" size={18} /></button>
              {myRole !== "member" && <button class="icon-btn" aria-label="Server settings" title="Server settings" onClick={() => setDialog("settings")}><Icon name="settings" size={18} /></button>}
              {myRole !== "owner" && <button class="icon-btn" aria-label="Leave server" title="Leave server" onClick={() => { if (confirm(`Leave ${detail.name}?`)) leaveServer(detail.id).catch(toast); }}><Icon name="logout" size={18} /></button>}
            </header>
            <nav class="channels" aria-label="Channels">
              <h3>Text channels</h3>
              <ul>
                {detail.channels.filter((c) => c.type === "text").map((c) => (
                  <li key={c.id}>
                    <a href={`/channels/${detail.id}/${c.id}`} class={`chan${route.kind === "channel" && route.channelId === c.id ? " active" : ""}`}
                      aria-current={route.kind === "channel" && route.channelId === c.id ? "page" : undefined}
                      onClick={(e) => { e.preventDefault(); go({ kind: "channel", serverId: detail.id, channelId: c.id }); }}>
                      <span class="hash"><Icon name="hash" size={16} /></span>{c.name}
                      <Unread count={s.mentions[c.id]?.count ?? 0} />
                    </a>
                  </li>
                ))}
              </ul>
              <h3>Voice channels</h3>
              <ul>
                {detail.channels.filter((c) => c.type === "voice").map((c) => {
                  const occupants = [...new Set(Object.values(s.occupants[c.id] ?? {}))];
                  return (
                    <li key={c.id}>
                      <button class={`chan${s.voice.channelId === c.id ? " active" : ""}`} aria-label={`Join voice channel ${c.name}`}
                        onClick={() => void joinCall({ channelId: c.id })}>
                        <span class="hash"><Icon name="volume" size={16} /></span>{c.name}
                      </button>
                      {occupants.length > 0 && (
                        <ul class="occupants" aria-label={`In ${c.name}`}>
                          {occupants.map((uid) => {
                            const m = detail.members.find((m) => m.user.id === uid);
                            return m ? <li key={uid}><Avatar user={m.user} size={20} />{displayName(m.user)}</li> : null;
                          })}
                        </ul>
                      )}
                    </li>
                  );
                })}
              </ul>
            </nav>
          </>
        ) : (
          <>
            <header class="panel-head"><h2>Direct messages</h2>
              <button class="icon-btn" aria-label="New group" title="New group" onClick={() => setDialog("group")}><Icon name="plus" size={18} /></button>
            </header>
            <nav class="channels" aria-label="Direct messages">
              {s.conversations.length === 0 && <p class="muted pad">No conversations yet. Open one from a server's member list.</p>}
              <ul>
                {s.conversations.map((c) => {
                  const others = c.participants.filter((p) => p.id !== me.id);
                  const title = c.name || others.map(displayName).join(", ") || "Just you";
                  const active = route.kind === "dm" && route.conversationId === c.id;
                  return (
                    <li key={c.id}>
                      <a href={`/dm/${c.id}`} class={`chan dm${active ? " active" : ""}`} aria-current={active ? "page" : undefined}
                        onClick={(e) => { e.preventDefault(); go({ kind: "dm", conversationId: c.id }); }}>
                        {others[0] && <Avatar user={others[0]} size={24} presence={s.presence[others[0].id]} />}
                        <span class="ellipsis">{title}</span>
                      </a>
                    </li>
                  );
                })}
              </ul>
            </nav>
          </>
        )}
        {(s.voice.channelId || s.voice.conversationId) && (
          <section class="voice-panel" aria-label="Voice connection">
            <div class="voice-status"><strong>Voice connected</strong><span class="muted ellipsis">{callName}</span></div>
            <div class="voice-buttons">
              <button class={`icon-btn${s.voice.muted ? " danger" : ""}`} aria-pressed={s.voice.muted} aria-label={s.voice.muted ? "Unmute" : "Mute"} onClick={toggleMute}><Icon name={s.voice.muted ? "micOff" : "mic"} size={18} /></button>
              <button class={`icon-btn${s.voice.camera ? " on" : ""}`} aria-pressed={s.voice.camera} aria-label={s.voice.camera ? "Turn camera off" : "Turn camera on"} onClick={toggleCamera}><Icon name="video" size={18} /></button>
              <button class="icon-btn danger" aria-label="Leave call" onClick={() => void leaveCall()}><Icon name="hangup" size={18} /></button>
            </div>
          </section>
        )}
        <footer class="me">
          <Avatar user={me} presence={s.connection === "connected" ? "online" : "offline"} />
          <div class="me-names"><strong class="ellipsis">{displayName(me)}</strong><span class="muted ellipsis">@{me.username}</span></div>
          <button class="icon-btn" aria-label="Edit profile" title="Edit profile" onClick={() => setDialog("profile")}><Icon name="settings" size={18} /></button>
          <button class="icon-btn" aria-label="Log out" title="Log out" onClick={() => void logout()}><Icon name="logout" size={18} /></button>
        </footer>
      </div>
      {dialog === "create" && <CreateServerDialog onClose={() => setDialog(null)} />}
      {dialog === "join" && <JoinServerDialog onClose={() => setDialog(null)} />}
      {dialog === "invite" && detail && <InviteDialog server={detail} onClose={() => setDialog(null)} />}
      {dialog === "profile" && <ProfileDialog onClose={() => setDialog(null)} />}
      {dialog === "group" && <NewGroupDialog onClose={() => setDialog(null)} />}
      {dialog === "channel" && detail && <CreateChannelDialog serverId={detail.id} onClose={() => setDialog(null)} />}
      {dialog === "settings" && detail && <ServerSettingsDialog serverId={detail.id} onClose={() => setDialog(null)} />}
    </div>
  );
}
