import { useEffect, useState } from "preact/hooks";
import { api, displayName, type Channel, type UserSummary } from "../api";
import { loadServer } from "../chat";
import { useStore } from "../store";
import { Modal } from "./Dialogs";

type Ban = { user: UserSummary; reason?: string | null; createdAt: string };

/** For admins and the owner: rename the server and its channels, and lift bans. */
export function ServerSettingsDialog({ serverId, onClose }: { serverId: string; onClose: () => void }) {
  const detail = useStore((s) => s.details[serverId]);
  const [bans, setBans] = useState<Ban[]>();
  const [error, setError] = useState<string>();
  useEffect(() => { api<Ban[]>("GET", `/api/servers/${serverId}/bans?limit=100`).then(setBans, (e) => setError(String(e.message))); }, [serverId]);
  if (!detail) return null;
  const run = (f: () => Promise<unknown>) => f().then(() => setError(undefined), (e: Error) => setError(e.message));
  return (
    <Modal title={`${detail.name} settings`} onClose={onClose}>
      <form class="rename" onSubmit={(e) => {
        e.preventDefault();
        const name = String(new FormData(e.target as HTMLFormElement).get("name"));
        void run(() => api("PATCH", `/api/servers/${serverId}`, { name }));
      }}>
        <label>Server name<input name="name" required maxLength={100} defaultValue={detail.name} /></label>
        <button type="submit">Rename server</button>
      </form>
      <h3 class="settings-h">Channels</h3>
      <ul class="settings-list">
        {detail.channels.map((c) => <ChannelRow key={c.id} c={c} run={run} />)}
      </ul>
      <h3 class="settings-h">Bans</h3>
      {bans === undefined ? <p class="muted" role="status">Loading…</p> : bans.length === 0 ? <p class="muted">Nobody is banned.</p> : (
        <ul class="settings-list" aria-label="Banned users">
          {bans.map((b) => (
            <li key={b.user.id}>
              <span class="ellipsis">{displayName(b.user)} <span class="muted">@{b.user.username}</span></span>
              <button onClick={() => void run(async () => {
                await api("DELETE", `/api/servers/${serverId}/bans/${b.user.id}`);
                setBans((bs) => bs?.filter((x) => x.user.id !== b.user.id));
              })}>Unban {displayName(b.user)}</button>
            </li>
          ))}
        </ul>
      )}
      {error && <p class="error" role="alert">{error}</p>}
      <div class="actions"><button class="primary" onClick={onClose}>Done</button></div>
    </Modal>
  );
}

function ChannelRow({ c, run }: { c: Channel; run: (f: () => Promise<unknown>) => Promise<void> }) {
  return (
    <li>
      <form class="rename" onSubmit={(e) => {
        e.preventDefault();
        const name = String(new FormData(e.target as HTMLFormElement).get("name"));
        // channel-updated refreshes everyone's copy; ours too, without waiting for it.
        void run(async () => { await api("PATCH", `/api/channels/${c.id}`, { name }); await loadServer(c.serverId, true); });
      }}>
        <input name="name" required maxLength={100} defaultValue={c.name} aria-label={`Name of the ${c.type} channel ${c.name}`} />
        <button type="submit">Rename</button>
        <button type="button" class="danger" aria-label={`Delete channel ${c.name}`} onClick={() => {
          if (confirm(`Delete #${c.name} and its messages?`)) void run(async () => { await api("DELETE", `/api/channels/${c.id}`); await loadServer(c.serverId, true); });
        }}>Delete</button>
      </form>
    </li>
  );
}
