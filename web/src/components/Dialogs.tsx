import type { ComponentChildren } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";
import { api, ApiError, displayName, type Invite, type ServerDetail, type User, type UserSummary } from "../api";
import { createChannel, createGroup, createServer, joinServer, navigate, toast } from "../chat";
import { getState, setState } from "../store";

export function Modal({ title, onClose, children }: { title: string; onClose: () => void; children: ComponentChildren }) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => { ref.current?.showModal(); }, []);
  return (
    <dialog ref={ref} class="card modal" aria-label={title} onClose={onClose} onClick={(e) => { if (e.target === ref.current) ref.current?.close(); }}>
      <h2>{title}</h2>
      {children}
    </dialog>
  );
}

/** A form whose submit runs an action, shows its error, and closes the dialog on success. */
function ActionForm({ action, submit, onClose, children }: { action: (f: Record<string, string>) => Promise<unknown>; submit: string; onClose: () => void; children: ComponentChildren }) {
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  return (
    <form onSubmit={async (e) => {
      e.preventDefault();
      setBusy(true);
      try {
        await action(Object.fromEntries(new FormData(e.target as HTMLFormElement)) as Record<string, string>);
        onClose();
      } catch (err) {
        setError(err instanceof ApiError || err instanceof Error ? err.message : String(err));
        setBusy(false);
      }
    }}>
      {children}
      {error && <p class="error" role="alert">{error}</p>}
      <div class="actions">
        <button type="button" onClick={onClose}>Cancel</button>
        <button type="submit" class="primary" disabled={busy}>{submit}</button>
      </div>
    </form>
  );
}

export const CreateServerDialog = ({ onClose }: { onClose: () => void }) => (
  <Modal title="Create a server" onClose={onClose}>
    <ActionForm submit="Create" onClose={onClose} action={(f) => createServer(f.name)}>
      <label>Server name<input name="name" required maxLength={100} autoFocus /></label>
    </ActionForm>
  </Modal>
);

export const CreateChannelDialog = ({ serverId, onClose }: { serverId: string; onClose: () => void }) => (
  <Modal title="Create a channel" onClose={onClose}>
    <ActionForm submit="Create channel" onClose={onClose} action={(f) => createChannel(serverId, f.name, f.type as "text" | "voice")}>
      <fieldset class="choice">
        <legend>Channel type</legend>
        <label class="radio"><input type="radio" name="type" value="text" defaultChecked /> Text</label>
        <label class="radio"><input type="radio" name="type" value="voice" /> Voice</label>
      </fieldset>
      <label>Channel name<input name="name" required maxLength={100} autoFocus placeholder="new-channel" /></label>
    </ActionForm>
  </Modal>
);

/** A group conversation with 2–9 people the user shares a server or a conversation with. */
export function NewGroupDialog({ onClose }: { onClose: () => void }) {
  const s = getState();
  const people = new Map<string, UserSummary>();
  for (const u of Object.values(s.details).flatMap((d) => d.members.map((m) => m.user)).concat(s.conversations.flatMap((c) => c.participants)))
    if (u.id !== s.me!.id) people.set(u.id, u);
  return (
    <Modal title="New group" onClose={onClose}>
      <ActionForm submit="Create group" onClose={onClose} action={async (f) => {
        const ids = [...document.querySelectorAll<HTMLInputElement>(".people input:checked")].map((i) => i.value);
        if (ids.length < 2) throw new Error("Pick at least two people.");
        await createGroup(ids, f.name);
      }}>
        <label>Group name <span class="muted">(optional)</span><input name="name" maxLength={100} /></label>
        <fieldset class="people">
          <legend>People</legend>
          {people.size === 0 && <p class="muted">Join a server first: its members can be added here.</p>}
          {[...people.values()].map((u) => (
            <label class="radio" key={u.id}><input type="checkbox" name="user" value={u.id} /> {displayName(u)} <span class="muted">@{u.username}</span></label>
          ))}
        </fieldset>
      </ActionForm>
    </Modal>
  );
}

export const JoinServerDialog = ({ onClose }: { onClose: () => void }) => (
  <Modal title="Join a server" onClose={onClose}>
    <ActionForm submit="Join" onClose={onClose} action={(f) => joinServer(f.code)}>
      <label>Invite code or link<input name="code" required maxLength={200} autoFocus placeholder="hTKzmak4Rq" /></label>
    </ActionForm>
  </Modal>
);

export function InviteDialog({ server, onClose }: { server: ServerDetail; onClose: () => void }) {
  const me = getState().me!;
  const role = server.members.find((m) => m.user.id === me.id)?.role;
  const [extra, setExtra] = useState<Invite>();
  const link = (code: string) => `${location.origin}/invite/${code}`;
  return (
    <Modal title={`Invite people to ${server.name}`} onClose={onClose}>
      <label>Invite code<input readOnly value={server.inviteCode} data-testid="invite-code" onFocus={(e) => (e.target as HTMLInputElement).select()} /></label>
      <p class="muted">Or share the link <code>{link(server.inviteCode)}</code></p>
      {role !== "member" && (
        <p>
          <button onClick={async () => setExtra(await api<Invite>("POST", `/api/servers/${server.id}/invites`, { maxAgeSeconds: 86400, maxUses: 10 }).catch((e) => { toast(e); return undefined; }))}>
            Create a one-day invite (10 uses)
          </button>
          {extra && <span class="muted"> <code>{extra.code}</code></span>}
        </p>
      )}
      <div class="actions">
        <button onClick={() => void navigator.clipboard?.writeText(link(server.inviteCode)).catch(() => undefined)}>Copy link</button>
        <button class="primary" onClick={onClose}>Done</button>
      </div>
    </Modal>
  );
}

export function ProfileDialog({ onClose }: { onClose: () => void }) {
  const me = getState().me!;
  // An uploaded avatar's URL is Concord's own (maybe relative): the field shows only a link given by hand, and is sent only when edited.
  const linked = /^https?:\/\//.test(me.avatarUrl ?? "") ? me.avatarUrl! : "";
  return (
    <Modal title="Edit profile" onClose={onClose}>
      <ActionForm submit="Save" onClose={onClose} action={async (f) => {
        // An image picked here is uploaded (the server re-encodes it) and wins over the URL field.
        const image = (f as Record<string, unknown>).avatar;
        if (image instanceof File && image.size > 0) {
          const body = new FormData();
          body.append("file", image);
          await api<User>("PUT", "/api/auth/avatar", body);
        }
        const uploaded = image instanceof File && image.size > 0;
        const user = await api<User>("PATCH", "/api/auth/profile", { displayName: f.displayName, bio: f.bio, ...(uploaded || f.avatarUrl === linked ? {} : { avatarUrl: f.avatarUrl }) });
        setState({ me: user });
      }}>
        <label>Display name<input name="displayName" maxLength={64} defaultValue={me.displayName ?? ""} /></label>
        <label>About me<textarea name="bio" maxLength={190} rows={3} defaultValue={me.bio ?? ""} /></label>
        <label>Avatar image<input name="avatar" type="file" accept="image/png,image/jpeg,image/gif,image/webp" /></label>
        <label>Avatar URL<input name="avatarUrl" type="url" maxLength={2048} defaultValue={linked} placeholder={me.avatarUrl && !linked ? "(an uploaded image)" : "https://…"} /></label>
      </ActionForm>
    </Modal>
  );
}

/** /invite/<code>: what the link leads to, and a button to join it. */
export function InvitePage({ code }: { code: string }) {
  const [preview, setPreview] = useState<{ name: string; memberCount: number } | null>();
  useEffect(() => { api<{ name: string; memberCount: number }>("GET", `/api/invites/${code}`).then(setPreview, () => setPreview(null)); }, [code]);
  return (
    <div class="center">
      <div class="card invite-card">
        {preview === undefined ? <p role="status">Looking up the invite…</p> : preview === null ? (
          <><h1>Invite invalid</h1><p class="muted">This invite may have expired.</p><button onClick={() => void navigate({ kind: "home" })}>Go home</button></>
        ) : (
          <><p class="muted">You have been invited to join</p><h1>{preview.name}</h1><p class="muted">{preview.memberCount} members</p>
            <button class="primary" onClick={() => joinServer(code).catch(toast)}>Accept invite</button></>
        )}
      </div>
    </div>
  );
}
