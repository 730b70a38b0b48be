import { useEffect, useRef, useState } from "preact/hooks";
import { displayName, upload, type Attachment, type UserSummary } from "../api";
import { send, sent, toWire, typing } from "../chat";
import { Avatar } from "./Avatar";
import { Icon } from "./Icon";

type Upload = { key: string; name: string; attachment?: Attachment; error?: string };
type Suggest = { start: number; end: number; options: UserSummary[]; active: number };
let uploads = 0;

/**
 * The message box: Enter sends, Shift+Enter breaks the line; `@` offers the people here (arrows, Enter or Tab to
 * pick), sent as `<@id>`; files (picked, dropped or pasted) upload at once and go with the next message.
 */
export function Composer({ tlKey, placeholder, users, meId, attachments }: { tlKey: string; placeholder: string; users: UserSummary[]; meId: string; attachments: boolean }) {
  const ref = useRef<HTMLTextAreaElement>(null);
  const [files, setFiles] = useState<Upload[]>([]);
  const [suggest, setSuggest] = useState<Suggest>();
  useEffect(() => { if (matchMedia("(min-width: 900px)").matches) ref.current?.focus(); }, []);

  const addFiles = (list: FileList | File[] | null) => {
    for (const file of list ?? []) {
      const key = `u${++uploads}`;
      setFiles((fs) => [...fs, { key, name: file.name }]);
      upload(file).then(
        (attachment) => setFiles((fs) => fs.map((f) => (f.key === key ? { ...f, attachment } : f))),
        (e: Error) => setFiles((fs) => fs.map((f) => (f.key === key ? { ...f, error: e.message } : f))),
      );
    }
  };
  const busy = files.some((f) => !f.attachment && !f.error);

  const submit = () => {
    const el = ref.current!;
    const content = el.value.trim();
    const ready = files.flatMap((f) => (f.attachment ? [f.attachment] : []));
    if ((!content && !ready.length) || busy) return;
    el.value = "";
    el.style.height = "";
    setFiles([]);
    setSuggest(undefined);
    sent();
    void send(tlKey, toWire(content, users), undefined, ready);
  };

  // The "@word" just before the caret, if any, and who it could be.
  const findMention = () => {
    const el = ref.current!;
    const before = el.value.slice(0, el.selectionStart);
    const m = /(^|\s)@([A-Za-z0-9_.-]*)$/.exec(before);
    if (!m) return setSuggest(undefined);
    const q = m[2].toLowerCase();
    const options = users.filter((u) => u.id !== meId && (u.username.toLowerCase().startsWith(q) || displayName(u).toLowerCase().startsWith(q))).slice(0, 8);
    setSuggest(options.length ? { start: before.length - m[2].length - 1, end: el.selectionStart, options, active: 0 } : undefined);
  };
  const pick = (u: UserSummary) => {
    const el = ref.current!;
    if (!suggest) return;
    el.value = `${el.value.slice(0, suggest.start)}@${u.username} ${el.value.slice(suggest.end)}`;
    const caret = suggest.start + u.username.length + 2;
    el.setSelectionRange(caret, caret);
    el.focus();
    setSuggest(undefined);
  };

  return (
    <form class="composer-wrap" onSubmit={(e) => { e.preventDefault(); submit(); }}
      onDragOver={(e) => { if (attachments && e.dataTransfer?.types.includes("Files")) e.preventDefault(); }}
      onDrop={(e) => { if (attachments && e.dataTransfer?.files.length) { e.preventDefault(); addFiles(e.dataTransfer.files); } }}>
      {suggest && (
        <ul class="suggest" role="listbox" id="mention-options" aria-label="People to mention">
          {suggest.options.map((u, i) => (
            <li key={u.id} id={`mention-${u.id}`} role="option" aria-selected={i === suggest.active}
              onMouseDown={(e) => { e.preventDefault(); pick(u); }}>
              <Avatar user={u} size={24} /><strong>{displayName(u)}</strong><span class="muted">@{u.username}</span>
            </li>
          ))}
        </ul>
      )}
      {files.length > 0 && (
        <ul class="uploads" aria-label="Files to send">
          {files.map((f) => (
            <li key={f.key} class={f.error ? "failed" : f.attachment ? "" : "busy"} data-testid="upload">
              <Icon name="file" size={16} /><span class="ellipsis">{f.name}</span>
              <span class="muted">{f.error ? `Failed: ${f.error}` : f.attachment ? "" : "Uploading…"}</span>
              <button type="button" class="icon-btn" aria-label={`Remove ${f.name}`} onClick={() => setFiles((fs) => fs.filter((x) => x.key !== f.key))}><Icon name="close" size={14} /></button>
            </li>
          ))}
        </ul>
      )}
      <div class="composer">
        {attachments && (
          <label class="icon-btn attach" title="Attach files">
            <Icon name="clip" size={18} />
            <input type="file" multiple class="sr-only" aria-label="Attach files"
              onChange={(e) => { const input = e.target as HTMLInputElement; addFiles(input.files); input.value = ""; }} />
          </label>
        )}
        <textarea id="composer" ref={ref} rows={1} maxLength={2000} aria-label={placeholder} placeholder={placeholder}
          aria-autocomplete="list" aria-controls={suggest ? "mention-options" : undefined}
          aria-activedescendant={suggest ? `mention-${suggest.options[suggest.active].id}` : undefined}
          onInput={(e) => {
            const el = e.target as HTMLTextAreaElement;
            el.style.height = "";
            el.style.height = `${Math.min(el.scrollHeight, 200)}px`;
            if (el.value) typing(tlKey);
            findMention();
          }}
          onClick={findMention}
          onPaste={(e) => { if (attachments && e.clipboardData?.files.length) { e.preventDefault(); addFiles(e.clipboardData.files); } }}
          onKeyDown={(e) => {
            if (suggest) {
              const n = suggest.options.length;
              if (e.key === "ArrowDown" || e.key === "ArrowUp") {
                e.preventDefault();
                setSuggest({ ...suggest, active: (suggest.active + (e.key === "ArrowDown" ? 1 : n - 1)) % n });
                return;
              }
              if ((e.key === "Enter" || e.key === "Tab") && !e.shiftKey) { e.preventDefault(); pick(suggest.options[suggest.active]); return; }
              if (e.key === "Escape") { e.preventDefault(); setSuggest(undefined); return; }
            }
            if (e.key === "Enter" && !e.shiftKey && !e.isComposing) { e.preventDefault(); submit(); }
          }} />
        <button type="submit" class="send" aria-label="Send message" disabled={busy}><Icon name="send" size={18} /></button>
      </div>
    </form>
  );
}
