import { useState } from "preact/hooks";
import { displayName, type Attachment, type Message, type UserSummary } from "../api";
import { deleteMessage, discard, editMessage, fromWire, send, toast, toWire } from "../chat";
import { Avatar } from "./Avatar";
import { Icon } from "./Icon";

const time = (iso: string) => new Date(iso).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
const MENTION = /(<@!?\d+>)/;
export const mentions = (content: string, userId: string) => content.includes(`<@${userId}>`) || content.includes(`<@!${userId}>`);

type Props = { m: Message; grouped: boolean; tlKey: string; mine: boolean; canDelete: boolean; users: UserSummary[]; meId: string };

export function MessageRow({ m, grouped, tlKey, mine, canDelete, users, meId }: Props) {
  const [editing, setEditing] = useState(false);
  const save = async (content: string) => {
    try {
      const wire = toWire(content.trim(), users);
      if (wire && wire !== m.content) await editMessage(tlKey, m, wire);
      setEditing(false);
    } catch (e) { toast(e); }
  };
  const forMe = mentions(m.content, meId);
  // The author as we know them now (a name or avatar changed since the message was loaded shows at once).
  const author = users.find((u) => u.id === m.author.id) ?? m.author;
  return (
    <li class={`msg${grouped ? " grouped" : ""}${m.pending ? " pending" : ""}${m.failed ? " failed" : ""}${forMe ? " mentions-me" : ""}`}
      data-message-id={m.id} data-testid="message">
      {grouped ? <span class="gutter muted" aria-hidden="true">{time(m.createdAt)}</span> : <Avatar user={author} size={40} />}
      <div class="msg-body">
        {!grouped && <div class="msg-meta"><strong>{displayName(author)}</strong><time dateTime={m.createdAt} class="muted">{time(m.createdAt)}</time></div>}
        {editing ? (
          <textarea class="edit" aria-label="Edit message" defaultValue={fromWire(m.content, users)} autoFocus rows={2}
            onKeyDown={(e) => {
              if (e.key === "Escape") setEditing(false);
              if (e.key === "Enter" && !e.shiftKey) { e.preventDefault(); void save((e.target as HTMLTextAreaElement).value); }
            }} />
        ) : (m.content || m.editedAt) && (
          <p class="content"><Content text={m.content} users={users} meId={meId} />{m.editedAt && <span class="muted edited"> (edited)</span>}</p>
        )}
        {!!m.attachments?.length && <Attachments items={m.attachments} />}
        {m.failed && (
          <p class="error">Not sent: {m.failed} <button class="link" onClick={() => { discard(tlKey, m.nonce!); void send(tlKey, m.content, m.nonce!, m.attachments); }}>Retry</button>
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

/** The text with `<@id>` shown as a highlighted @name (ours stands out more). */
function Content({ text, users, meId }: { text: string; users: UserSummary[]; meId: string }) {
  return (
    <>
      {text.split(MENTION).map((part, i) => {
        const id = i % 2 ? /\d+/.exec(part)?.[0] : undefined;
        if (!id) return part;
        const u = users.find((u) => u.id === id);
        return <span key={i} class={`mention${id === meId ? " self" : ""}`} data-testid="mention" data-user-id={id}>@{u ? displayName(u) : "unknown"}</span>;
      })}
    </>
  );
}

const sizeOf = (n: number) => (n < 1024 ? `${n} B` : n < 1024 * 1024 ? `${(n / 1024).toFixed(1)} KB` : `${(n / 1024 / 1024).toFixed(1)} MB`);

const isImage = (a: Attachment): a is Attachment & { width: number; height: number } => a.contentType.startsWith("image/") && !!a.width && !!a.height;

/** Images inline at their final size from the start (no jump when they load), from a preview when there is one; other files as links. */
function Attachments({ items }: { items: Attachment[] }) {
  return (
    <ul class="attachments" aria-label="Attachments">
      {[...items].sort((a, b) => Number(!isImage(a)) - Number(!isImage(b))).map((a) => {
        if (isImage(a)) {
          const scale = Math.min(1, 400 / a.width, 300 / a.height);
          const w = Math.max(1, Math.round(a.width * scale)), h = Math.max(1, Math.round(a.height * scale));
          const preview = a.previews?.find((p) => p.width >= w && p.height >= h) ?? a.previews?.find((p) => p.size === "large");
          return (
            <li key={a.id}>
              <a class="image" href={a.url} target="_blank" rel="noopener noreferrer" data-testid="attachment-image">
                <img src={preview?.url ?? a.url} alt={a.filename} width={w} height={h} loading="lazy" decoding="async"
                  style={a.placeholder ? { backgroundImage: `url("${a.placeholder}")` } : undefined} />
              </a>
            </li>
          );
        }
        return (
          <li key={a.id}>
            <a class="file" href={a.url} target="_blank" rel="noopener noreferrer" download={a.filename} data-testid="attachment-file">
              <Icon name="file" size={22} /><span class="ellipsis">{a.filename}</span><span class="muted">{sizeOf(a.size)}</span>
            </a>
          </li>
        );
      })}
    </ul>
  );
}
