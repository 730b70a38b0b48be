// REST client: the session cookie travels by itself; unsafe requests echo the session's CSRF token.
export type UserSummary = { id: string; username: string; displayName?: string | null; avatarUrl?: string | null };
export type User = UserSummary & { email: string; bio?: string | null; createdAt: string };
export type Role = "owner" | "admin" | "member";
export type Presence = "online" | "idle" | "offline";
export type Server = { id: string; name: string; iconUrl?: string | null; ownerId: string; inviteCode: string; createdAt: string };
export type Channel = { id: string; serverId: string; name: string; type: "text" | "voice"; position: number };
export type Member = { user: UserSummary; role: Role; joinedAt: string; presence?: Presence };
export type ServerDetail = Server & { memberCount: number; channels: Channel[]; members: Member[] };
export type Preview = { size: "small" | "large"; width: number; height: number; url: string };
export type Attachment = {
  id: string; filename: string; contentType: string; size: number; width?: number | null; height?: number | null;
  url: string; placeholder?: string | null; previews?: Preview[];
};
export type Message = {
  id: string; channelId?: string; serverId?: string; conversationId?: string; author: UserSummary;
  content: string; createdAt: string; editedAt?: string | null; nonce?: string | null; attachments?: Attachment[];
  pending?: boolean; failed?: string;
};
export type MentionCount = { channelId: string; serverId: string; count: number; lastMessageId: string };
export type Conversation = { id: string; isGroup: boolean; name?: string | null; participants: UserSummary[]; lastMessage?: Message | null; createdAt: string };
export type Invite = { code: string; serverId: string; maxUses?: number | null; uses: number; expiresAt?: string | null };

export class ApiError extends Error {
  constructor(public status: number, public code: string, message: string, public errors?: Record<string, string[]>) {
    super(message);
  }
}

let csrf = "";
let onSessionEnded = () => {};
/** Called when the server no longer knows our session (signed out elsewhere, expired, every session ended). */
export const whenSessionEnds = (f: () => void) => { onSessionEnded = f; };
export const setCsrf = (token: string) => { csrf = token; };

export async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = {};
  const form = body instanceof FormData;
  if (body !== undefined && !form) headers["content-type"] = "application/json";
  if (method !== "GET" && csrf) headers["x-csrf-token"] = csrf;
  const res = await fetch(path, { method, headers, credentials: "same-origin", body: body === undefined ? undefined : form ? body : JSON.stringify(body) });
  const token = res.headers.get("x-csrf-token");
  if (token) csrf = token;
  if (res.status === 401 && !/^\/api\/auth\/(login|register|token)/.test(path)) onSessionEnded();
  if (res.status === 204) return undefined as T;
  const data = await res.json().catch(() => ({}));
  if (!res.ok) {
    const first = data.errors ? Object.values(data.errors as Record<string, string[]>)[0]?.[0] : undefined;
    throw new ApiError(res.status, data.code ?? "error", first ?? data.detail ?? data.title ?? res.statusText, data.errors);
  }
  return data as T;
}

/** One file to POST /api/uploads (multipart, part "file"): the attachment, not yet in any message. */
export function upload(file: File): Promise<Attachment> {
  const body = new FormData();
  body.append("file", file);
  return api<Attachment>("POST", "/api/uploads", body);
}

export const displayName = (u?: UserSummary | null) => (u ? u.displayName || u.username : "someone");

/** Snowflakes are 64-bit: compare as BigInt, never as numbers. */
export const cmpId = (a: string, b: string) => { const x = BigInt(a), y = BigInt(b); return x < y ? -1 : x > y ? 1 : 0; };
