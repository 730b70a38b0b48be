import { displayName, type Presence, type UserSummary } from "../api";

const hue = (id: string) => Number(BigInt(id) % 360n);

export function Avatar({ user, presence, size = 32 }: { user: UserSummary; presence?: Presence; size?: number }) {
  const name = displayName(user);
  return (
    <span class="avatar" style={{ width: `${size}px`, height: `${size}px`, background: user.avatarUrl ? undefined : `hsl(${hue(user.id)} 50% 36%)` }} aria-hidden="true">
      {user.avatarUrl ? <img src={user.avatarUrl} alt="" /> : name.slice(0, 1).toUpperCase()}
      {presence && <span class={`dot ${presence}`} />}
    </span>
  );
}
