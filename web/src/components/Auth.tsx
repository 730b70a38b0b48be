import { useState } from "preact/hooks";
import { api, ApiError, type User } from "../api";
import { signedIn } from "../chat";
import { Icon } from "./Icon";

export function Auth({ notice }: { notice?: string }) {
  const [mode, setMode] = useState<"login" | "register">("login");
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    const f = Object.fromEntries(new FormData(e.target as HTMLFormElement)) as Record<string, string>;
    setBusy(true);
    setError(undefined);
    try {
      const user = mode === "login"
        ? await api<User>("POST", "/api/auth/login", { email: f.email, password: f.password })
        : await api<User>("POST", "/api/auth/register", { email: f.email, username: f.username, password: f.password, displayName: f.displayName || undefined });
      await signedIn(user);
    } catch (err) {
      setError(err instanceof ApiError ? err.message : "Could not reach the server.");
      setBusy(false);
    }
  };
  return (
    <main class="auth">
      <form class="card auth-card" onSubmit={submit} aria-labelledby="auth-title">
        <div class="brand"><Icon name="chat" size={26} /></div>
        <h1 id="auth-title">{mode === "login" ? "Welcome back" : "Create an account"}</h1>
        <p class="muted">{mode === "login" ? "Log in to Concord." : "Join your friends on Concord."}</p>
        {notice && <p class="notice" role="alert">{notice}</p>}
        <label>Email<input name="email" type="email" autocomplete="email" required /></label>
        {mode === "register" && <label>Username<input name="username" autocomplete="username" required minLength={2} maxLength={32} pattern="[A-Za-z0-9_.\-]+" /></label>}
        {mode === "register" && <label>Display name <span class="muted">(optional)</span><input name="displayName" maxLength={64} /></label>}
        <label>Password<input name="password" type="password" autocomplete={mode === "login" ? "current-password" : "new-password"} required minLength={8} /></label>
        {error && <p class="error" role="alert">{error}</p>}
        <button class="primary" type="submit" disabled={busy}>{mode === "login" ? "Log in" : "Create account"}</button>
        <p class="muted switch">
          {mode === "login" ? "Need an account? " : "Already have an account? "}
          <button type="button" class="link" onClick={() => { setMode(mode === "login" ? "register" : "login"); setError(undefined); }}>
            {mode === "login" ? "Register" : "Log in"}
          </button>
        </p>
      </form>
    </main>
  );
}
