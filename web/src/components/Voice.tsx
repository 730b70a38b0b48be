import { useEffect, useRef, useState } from "preact/hooks";
import { displayName, type UserSummary } from "../api";
import { getState, setState, useStore } from "../store";
import { joinCall } from "../voice";
import { Avatar } from "./Avatar";

function Tile({ stream, user, muted, label, state }: { stream?: MediaStream; user?: UserSummary; muted?: boolean; label: string; state?: string }) {
  const ref = useRef<HTMLVideoElement>(null);
  const [video, setVideo] = useState(false);
  useEffect(() => { if (ref.current && ref.current.srcObject !== (stream ?? null)) ref.current.srcObject = stream ?? null; }, [stream]);
  // A remote camera that is off sends nothing, so its track is muted: show the avatar then.
  useEffect(() => {
    const track = stream?.getVideoTracks()[0];
    const update = () => setVideo(!!track && !track.muted && track.readyState === "live");
    update();
    track?.addEventListener("mute", update);
    track?.addEventListener("unmute", update);
    stream?.addEventListener("addtrack", update);
    return () => { track?.removeEventListener("mute", update); track?.removeEventListener("unmute", update); stream?.removeEventListener("addtrack", update); };
  }, [stream]);
  return (
    <figure class={`tile${video ? " has-video" : ""}`} data-testid="call-tile" data-state={state}>
      <video ref={ref} autoplay playsinline muted={muted} aria-label={`Video of ${label}`} />
      {user && !video && <div class="tile-avatar"><Avatar user={user} size={56} /></div>}
      <figcaption>{label}{state && state !== "connected" ? ` · ${state}` : ""}</figcaption>
    </figure>
  );
}

export function VoiceStage() {
  const voice = useStore((s) => s.voice);
  const me = useStore((s) => s.me!);
  const users = useStore((s) => Object.values(s.details).flatMap((d) => d.members.map((m) => m.user)).concat(s.conversations.flatMap((c) => c.participants)));
  const userOf = (id: string) => users.find((u) => u.id === id);
  return (
    <section class="stage" aria-label="Call">
      <Tile stream={voice.camera ? voice.local : undefined} user={me} muted label={`${displayName(me)} (you)`} />
      {Object.values(voice.peers).map((p) => {
        const u = userOf(p.userId);
        return <Tile key={p.socketId} stream={p.stream} user={u} label={u ? displayName(u) : "Participant"} state={p.state} />;
      })}
    </section>
  );
}

/** A conversation's call that others are in and we are not: ring, with Join and Dismiss. */
export function IncomingCall() {
  const me = useStore((s) => s.me!);
  const ringing = useStore((s) => s.conversations.find((c) => {
    const inCall = Object.values(s.occupants[`dm:${c.id}`] ?? {});
    return inCall.length > 0 && !inCall.includes(me.id) && s.voice.conversationId !== c.id && !s.dismissed?.[c.id];
  }));
  if (!ringing) return null;
  const caller = ringing.participants.find((p) => Object.values(getState().occupants[`dm:${ringing.id}`] ?? {}).includes(p.id));
  return (
    <div class="ring" role="alert">
      <span><strong>{caller ? displayName(caller) : ringing.name || "Someone"}</strong> is calling{ringing.isGroup && ringing.name ? ` in ${ringing.name}` : ""}…</span>
      <button class="primary" onClick={() => void joinCall({ conversationId: ringing.id })}>Join call</button>
      <button onClick={() => setState((s) => ({ dismissed: { ...s.dismissed, [ringing.id]: true } }))}>Dismiss</button>
    </div>
  );
}
