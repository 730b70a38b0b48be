import { useState } from "preact/hooks";
import { displayName, type Member, type Role } from "../api";
import { ban, kick, openDm, setRole, toast } from "../chat";
import { useStore } from "../store";
import { Avatar } from "./Avatar";

const rank: Record<Role, number> = { owner: 3, admin: 2, member: 1 };

export function Members({ serverId }: { serverId: string }) {
  const detail = useStore((s) => s.details[serverId]);
  const presence = useStore((s) => s.presence);
  const me = useStore((s) => s.me!);
  // Our own presence-update may have gone out before this socket joined the server's room: while connected we are here.
  const connected = useStore((s) => s.connection === "connected");
  const [open, setOpen] = useState<string>();
  if (!detail) return null;
  const myRank = rank[detail.members.find((m) => m.user.id === me.id)?.role ?? "member"];

  const statusOf = (id: string) => (id === me.id && connected ? "online" : presence[id] ?? "offline");
  const online = detail.members.filter((m) => statusOf(m.user.id) !== "offline");
  const offline = detail.members.filter((m) => statusOf(m.user.id) === "offline");
  const row = (m: Member) => {
    const p = statusOf(m.user.id);
    const mayAct = m.user.id !== me.id && myRank > rank[m.role] && myRank >= 2;
    return (
      <li key={m.user.id} class={`member ${p}`} data-testid="member" data-presence={p}>
        {/* The name read out starts with the visible text, the name (WCAG 2.5.3); the role badge sits outside the button. */}
        <button class="member-btn" aria-expanded={open === m.user.id} aria-label={`${displayName(m.user)}, ${p}${m.role !== "member" ? ", " + m.role : ""}`}
          onClick={() => setOpen(open === m.user.id ? undefined : m.user.id)}>
          <Avatar user={m.user} presence={p} />
          <span class="ellipsis">{displayName(m.user)}</span>
        </button>
        {m.role !== "member" && <span class={`badge ${m.role}`} aria-hidden="true">{m.role}</span>}
        {open === m.user.id && (
          <div class="member-actions">
            {m.user.id !== me.id && <button onClick={() => openDm(m.user.id).catch(toast)}>Message</button>}
            {myRank === 3 && m.role !== "owner" && (
              <button onClick={() => setRole(serverId, m.user.id, m.role === "admin" ? "member" : "admin").catch(toast)}>{m.role === "admin" ? "Remove admin" : "Make admin"}</button>
            )}
            {mayAct && <button class="danger" onClick={() => { if (confirm(`Kick ${displayName(m.user)}?`)) kick(serverId, m.user.id).catch(toast); }}>Kick</button>}
            {mayAct && <button class="danger" onClick={() => { if (confirm(`Ban ${displayName(m.user)}?`)) ban(serverId, m.user.id).catch(toast); }}>Ban</button>}
          </div>
        )}
      </li>
    );
  };
  return (
    <aside class="members" aria-label="Members">
      <h3>Online — {online.length}</h3>
      <ul>{online.map(row)}</ul>
      <h3>Offline — {offline.length}</h3>
      <ul>{offline.map(row)}</ul>
    </aside>
  );
}
