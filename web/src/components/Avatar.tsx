import { displayName, type Presence, type UserSummary } from "../api";

const hue = (id: string) => Number(BigInt(id) % 360n);

export function Avatar({ user, presence, size = 32 }: { user: UserSummary; presence?: Presence; size?: number }) {
  const name = displayName(user);
  return (
    // The initial is drawn by CSS, so it is not text of the button or link around it (whose name starts with the visible text).
    <span class="avatar" style={{ width: `${size}px`, height: `${size}px`, background: user.avatarUrl ? undefined : `hsl(${hue(user.id)} 50% 36%)` }} aria-hidden="true"
      data-initial={user.avatarUrl ? undefined : name.slice(0, 1).toUpperCase()}>
      {user.avatarUrl && <img src={user.avatarUrl} alt="" />}
      {presence && <span class={`dot ${presence}`} />}
    </span>
  );
}
