import { useState } from "preact/hooks";
import { useStore } from "../store";
import { Auth } from "./Auth";
import { Sidebar } from "./Sidebar";
import { Chat } from "./Chat";
import { Members } from "./Members";
import { InvitePage } from "./Dialogs";
import { setState } from "../store";
import { Icon } from "./Icon";

export function App() {
  const me = useStore((s) => s.me);
  const route = useStore((s) => s.route);
  const toast = useStore((s) => s.toast);
  const [nav, setNav] = useState(false);
  const [members, setMembers] = useState(false);
  if (me === undefined) return <div class="splash" role="status">Loading Concord…</div>;
  if (me === null) return <Auth notice={toast} />;
  return (
    <div class={`shell${route.kind === "channel" ? " with-members" : ""}${nav ? " nav-open" : ""}${members ? " members-open" : ""}`}>
      <a class="skip" href="#composer">Skip to message box</a>
      <Sidebar onNavigate={() => setNav(false)} />
      <div class="scrim" onClick={() => { setNav(false); setMembers(false); }} aria-hidden="true" />
      <main class="main" aria-label="Conversation">
        {route.kind === "invite" ? <InvitePage code={route.code} /> :
          <Chat onOpenNav={() => setNav(true)} onToggleMembers={() => setMembers((m) => !m)} membersOpen={members} />}
      </main>
      {route.kind === "channel" && <Members serverId={route.serverId} />}
      {toast && (
        <div class="toast" role="alert">
          <span>{toast}</span>
          <button class="icon-btn" aria-label="Dismiss" onClick={() => setState({ toast: undefined })}><Icon name="close" size={16} /></button>
        </div>
      )}
    </div>
  );
}
