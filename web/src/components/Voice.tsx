import { useEffect, useRef, useState } from "preact/hooks";
import { displayName, type UserSummary } from "../api";
import { useStore } from "../store";
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
  const members = useStore((s) => Object.values(s.details).flatMap((d) => d.members));
  const userOf = (id: string) => members.find((m) => m.user.id === id)?.user;
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
