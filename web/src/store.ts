import { useEffect, useState } from "preact/hooks";
import type { Conversation, Member, Message, Presence, ServerDetail, Server, User } from "./api";

export type Route =
  | { kind: "home" }
  | { kind: "channel"; serverId: string; channelId?: string }
  | { kind: "dm"; conversationId: string }
  | { kind: "invite"; code: string };

export type Timeline = { items: Message[]; hasMore: boolean; loading: boolean; loaded: boolean };
export type Connection = "connecting" | "connected" | "reconnecting" | "offline";
export type VoicePeer = { socketId: string; userId: string; stream?: MediaStream; state: RTCPeerConnectionState };
export type Voice = {
  channelId?: string; conversationId?: string; muted: boolean; camera: boolean;
  local?: MediaStream; peers: Record<string, VoicePeer>; error?: string;
};

export type State = {
  me: User | null | undefined; // undefined while the session is being checked
  route: Route;
  servers: Server[];
  details: Record<string, ServerDetail>;
  conversations: Conversation[];
  timelines: Record<string, Timeline>; // "channel:<id>" | "dm:<id>"
  typing: Record<string, Record<string, { username: string; until: number }>>;
  presence: Record<string, Presence>;
  occupants: Record<string, Record<string, string>>; // voice channel id → socketId → userId
  connection: Connection;
  lastCatchUp?: "recovered" | "refetched";
  voice: Voice;
  toast?: string;
  dismissed?: Record<string, boolean>; // conversation calls we declined to join
  mentions: Record<string, { serverId: string; count: number }>; // channel id → unread mentions of me
};

let state: State = {
  me: undefined, route: { kind: "home" }, servers: [], details: {}, conversations: [], timelines: {}, typing: {},
  presence: {}, occupants: {}, mentions: {}, connection: "connecting", voice: { muted: false, camera: false, peers: {} },
};
const listeners = new Set<() => void>();

export const getState = () => state;
export function setState(patch: Partial<State> | ((s: State) => Partial<State>)) {
  state = { ...state, ...(typeof patch === "function" ? patch(state) : patch) };
  listeners.forEach((l) => l());
}

/** Re-renders the component on every change; selections are computed at render (the state is small). */
export function useStore<T>(select: (s: State) => T): T {
  const [, force] = useState(0);
  useEffect(() => {
    const l = () => force((n) => n + 1);
    listeners.add(l);
    return () => { listeners.delete(l); };
  }, []);
  return select(state);
}

export const memberOf = (s: State, serverId: string, userId: string): Member | undefined =>
  s.details[serverId]?.members.find((m) => m.user.id === userId);
