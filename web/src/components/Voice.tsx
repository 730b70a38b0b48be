import { useEffect, useRef } from "preact/hooks";
import { displayName, type UserSummary } from "../api";
import { useStore } from "../store";
import { Avatar } from "./Avatar";

function Tile({ stream, user, muted, label, state }: { stream?: MediaStream; user?: UserSummary; muted?: boolean; label: string; state?: string }) {
  const ref = useRef<HTMLVideoElement>(null);
  useEffect(() => { if (ref.current && stream && ref.current.srcObject !== stream) ref.current.srcObject = stream; }, [stream]);
  return (
    <figure class="tile" data-testid="call-tile" data-state={state}>
      <video ref={ref} autoplay playsinline muted={muted} aria-label={`Video of ${label}`} />
      {user && <div class="tile-avatar"><Avatar user={user} size={56} /></div>}
      <figcaption>{label}{state && state !== "connected" ? ` · ${state}` : ""}</figcaption>
    </figure>
  );
}

export function VoiceStage() {
  const voice = useStore((s) => s.voice);
  const me = useStore((s) => s.me!);
  const members = useStore((s) => Object.values(s.details).flatMap((d) => d.members));
  const userOf = (id: string) => members.find((m) => m.user.id === id)?.user;
  return (
    <section class="stage" aria-label="Call">
      <Tile stream={voice.camera ? voice.local : undefined} user={voice.camera ? undefined : me} muted label={`${displayName(me)} (you)`} />
      {Object.values(voice.peers).map((p) => {
        const u = userOf(p.userId);
        return <Tile key={p.socketId} stream={p.stream} user={u} label={u ? displayName(u) : "Participant"} state={p.state} />;
      })}
    </section>
  );
}
