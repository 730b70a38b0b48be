import type { Socket } from "socket.io-client";
import { api } from "./api";
import { emit, toast } from "./chat";
import { getState, setState, type VoicePeer } from "./store";

// A mesh call: one RTCPeerConnection per other participant. The newcomer offers to everyone already in the call
// (from join-call's ack), the others answer, so two peers never offer to each other at once.
const peers = new Map<string, RTCPeerConnection>();
const pendingCandidates = new Map<string, RTCIceCandidateInit[]>();
let iceServers: RTCIceServer[] = [];
let local: MediaStream | undefined;

/** Relay-only calls (every packet through TURN): a setting, and how the browser tests prove the TURN path. */
export const relayOnly = () => localStorage.getItem("concord.relayOnly") === "1";

function setPeer(socketId: string, patch: Partial<VoicePeer>) {
  setState((s) => {
    const prev = s.voice.peers[socketId] ?? { socketId, userId: "", state: "new" as RTCPeerConnectionState };
    return { voice: { ...s.voice, peers: { ...s.voice.peers, [socketId]: { ...prev, ...patch } } } };
  });
}

/**
 * Our media on a connection. The offerer creates one audio and one video transceiver; the answerer fills the ones the
 * offer created. Video always has a sender but carries the camera only while it is on: with no track nothing is
 * sent and the other side's track goes `muted`, which is how its tile knows to show an avatar instead.
 */
function attachLocal(pc: RTCPeerConnection, offerer: boolean) {
  if (!local) return;
  const audio = local.getAudioTracks()[0], camera = local.getVideoTracks()[0];
  const cameraOn = getState().voice.camera;
  if (offerer) {
    pc.addTransceiver(audio ?? "audio", { direction: "sendrecv", streams: [local] });
    pc.addTransceiver(cameraOn && camera ? camera : "video", { direction: "sendrecv", streams: [local] });
    return;
  }
  for (const t of pc.getTransceivers()) {
    const kind = t.receiver.track.kind;
    t.direction = "sendrecv";
    t.sender.setStreams(local);
    void t.sender.replaceTrack(kind === "audio" ? audio ?? null : cameraOn && camera ? camera : null);
  }
}

function createPeer(socketId: string, userId: string): RTCPeerConnection {
  peers.get(socketId)?.close();
  const pc = new RTCPeerConnection({ iceServers, iceTransportPolicy: relayOnly() ? "relay" : "all" });
  peers.set(socketId, pc);
  setPeer(socketId, { userId, state: pc.connectionState });
  pc.onicecandidate = (e) => { if (e.candidate) void emit("ice-candidate", { to: socketId, candidate: e.candidate.toJSON() }).catch(() => undefined); };
  pc.ontrack = (e) => setPeer(socketId, { stream: e.streams[0] ?? new MediaStream([e.track]) });
  pc.onconnectionstatechange = () => setPeer(socketId, { state: pc.connectionState });
  return pc;
}

async function flushCandidates(socketId: string, pc: RTCPeerConnection) {
  for (const c of pendingCandidates.get(socketId) ?? []) await pc.addIceCandidate(c).catch(() => undefined);
  pendingCandidates.delete(socketId);
}

function removePeer(socketId: string) {
  peers.get(socketId)?.close();
  peers.delete(socketId);
  pendingCandidates.delete(socketId);
  setState((s) => {
    const next = { ...s.voice.peers };
    delete next[socketId];
    return { voice: { ...s.voice, peers: next } };
  });
}

/** Joins a voice channel's call or a conversation's (which rings the other participants). */
export async function joinCall(target: { channelId?: string; conversationId?: string }) {
  const { voice } = getState();
  if ((target.channelId && voice.channelId === target.channelId) || (target.conversationId && voice.conversationId === target.conversationId)) return;
  await leaveCall();
  try {
    const ice = await api<{ iceServers: RTCIceServer[] }>("GET", "/api/calls/ice-servers");
    iceServers = ice.iceServers;
    local = await navigator.mediaDevices.getUserMedia({ audio: true, video: true });
    setState({ voice: { ...target, muted: false, camera: false, local, peers: {} } });
    const ack = await emit("join-call", target.channelId ? { channelId: target.channelId } : { conversationId: target.conversationId });
    if (!ack.ok) throw new Error(ack.error?.message ?? "Could not join the call.");
    for (const p of ack.participants as { userId: string; socketId: string }[]) {
      const pc = createPeer(p.socketId, p.userId);
      attachLocal(pc, true);
      await pc.setLocalDescription(await pc.createOffer());
      await emit("offer", { to: p.socketId, sdp: pc.localDescription });
    }
  } catch (e) {
    await leaveCall();
    toast(e);
  }
}

export async function leaveCall() {
  const wasIn = getState().voice.channelId || getState().voice.conversationId;
  [...peers.keys()].forEach(removePeer);
  local?.getTracks().forEach((t) => t.stop());
  local = undefined;
  setState({ voice: { muted: false, camera: false, peers: {} } });
  if (wasIn) await emit("leave-call").catch(() => undefined);
}

export function toggleMute() {
  const muted = !getState().voice.muted;
  local?.getAudioTracks().forEach((t) => (t.enabled = !muted));
  setState((s) => ({ voice: { ...s.voice, muted } }));
}
export function toggleCamera() {
  const camera = !getState().voice.camera;
  const track = local?.getVideoTracks()[0];
  for (const pc of peers.values()) {
    const sender = pc.getTransceivers().find((t) => t.receiver.track.kind === "video")?.sender;
    void sender?.replaceTrack(camera && track ? track : null);
  }
  setState((s) => ({ voice: { ...s.voice, camera } }));
}

export function onCallEvent(s: Socket) {
  (window as any).__concordPeers = peers; // the browser tests read getStats() from here
  s.on("offer", async ({ from, fromUserId, sdp }: { from: string; fromUserId: string; sdp: RTCSessionDescriptionInit }) => {
    if (!local) return;
    const pc = createPeer(from, fromUserId);
    await pc.setRemoteDescription(sdp);
    attachLocal(pc, false);
    await flushCandidates(from, pc);
    await pc.setLocalDescription(await pc.createAnswer());
    await emit("answer", { to: from, sdp: pc.localDescription });
  });
  s.on("answer", async ({ from, sdp }: { from: string; sdp: RTCSessionDescriptionInit }) => {
    const pc = peers.get(from);
    if (!pc) return;
    await pc.setRemoteDescription(sdp);
    await flushCandidates(from, pc);
  });
  s.on("ice-candidate", async ({ from, candidate }: { from: string; candidate: RTCIceCandidateInit }) => {
    const pc = peers.get(from);
    if (pc?.remoteDescription) await pc.addIceCandidate(candidate).catch(() => undefined);
    else pendingCandidates.set(from, [...(pendingCandidates.get(from) ?? []), candidate]);
  });
  s.on("user-left-call", ({ socketId }: { socketId: string }) => removePeer(socketId));
  s.on("disconnect", (reason) => { if (reason === "io client disconnect") void leaveCall(); });
}
