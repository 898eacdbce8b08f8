"use client";
// The account page: who you are, your karma and roles, passkeys and signed-in devices.
import { startRegistration } from "@simplewebauthn/browser";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { type FormEvent, useState } from "react";
import { ErrorMessage } from "../error-message.tsx";
import { useTRPC } from "../trpc.tsx";
import { Field } from "./field.tsx";
import styles from "./forms.module.css";
import { passkeyErrorMessage } from "./passkey-errors.ts";
import { describeUserAgent } from "./user-agent.ts";

const ROLE_NAMES = { fixer: "Fixer", verifier: "Verifier", curator: "Curator", admin: "Admin" } as const;

function when(date: Date | null): string {
  return date ? date.toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" }) : "never";
}

export function AccountView() {
  const trpc = useTRPC();
  const me = useQuery(trpc.auth.me.queryOptions());
  if (me.isPending) return <p role="status">Loading your account…</p>;
  if (me.error) return <ErrorMessage error={me.error} action="Reload the page to try again." />;
  if (me.data === null) {
    return (
      <div data-testid="signed-out">
        <p>
          You are not signed in. Practising and generating charts work without an account; sign in to keep
          your results across devices and to help verify charts.
        </p>
        <div className="actions">
          <Link className="button" href="/sign-in?next=/me">
            Sign in
          </Link>
          <Link href="/sign-up">Create an account</Link>
        </div>
      </div>
    );
  }
  return (
    <>
      <Profile />
      <Passkeys />
      <Sessions />
    </>
  );
}

function Profile() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const router = useRouter();
  const account = useQuery(trpc.auth.account.queryOptions());
  const resend = useMutation(trpc.auth.resendVerification.mutationOptions());
  const [editing, setEditing] = useState(false);
  const rename = useMutation(
    trpc.auth.updateProfile.mutationOptions({
      onSuccess: async () => {
        setEditing(false);
        await queryClient.invalidateQueries(trpc.auth.pathFilter());
      },
    }),
  );
  const signOut = useMutation(
    trpc.auth.signOut.mutationOptions({
      onSuccess: async () => {
        await queryClient.invalidateQueries();
        router.push("/");
      },
    }),
  );
  if (account.isPending) return <p role="status">Loading your account…</p>;
  if (account.error) return <ErrorMessage error={account.error} action="Reload the page to try again." />;
  const { user, karma, roles } = account.data;

  function onRename(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    rename.mutate({ displayName: String(new FormData(event.currentTarget).get("displayName")) });
  }

  return (
    <section aria-labelledby="profile-title" className="card">
      <h2 id="profile-title">Profile</h2>
      <dl className="facts">
        <dt>Name</dt>
        <dd data-testid="account-name">{user.displayName}</dd>
        <dt>Email</dt>
        <dd>
          {user.email} {user.emailVerified ? "(confirmed)" : "(not confirmed yet)"}
        </dd>
        <dt>Karma</dt>
        <dd data-testid="karma">{karma}</dd>
        <dt>Roles</dt>
        <dd>
          {roles.length > 0 ? (
            <ul className={styles.roles} aria-label="Your roles">
              {roles.map((r) => (
                <li key={r}>{ROLE_NAMES[r]}</li>
              ))}
            </ul>
          ) : (
            "None yet: confirm your email address to become a fixer."
          )}
        </dd>
      </dl>
      {!user.emailVerified ? (
        <div className="actions">
          <button
            type="button"
            className="secondary"
            onClick={() => resend.mutate()}
            disabled={resend.isPending}
          >
            Send a new confirmation link
          </button>
          {resend.data ? <p role="status">{resend.data.message}</p> : null}
          <ErrorMessage error={resend.error} />
        </div>
      ) : null}
      {editing ? (
        <form className={styles.form} onSubmit={onRename}>
          <Field label="Name" name="displayName" defaultValue={user.displayName} maxLength={64} required />
          <ErrorMessage error={rename.error} />
          <div className="actions">
            <button type="submit" disabled={rename.isPending}>
              Save name
            </button>
            <button type="button" className="secondary" onClick={() => setEditing(false)}>
              Cancel
            </button>
          </div>
        </form>
      ) : (
        <div className="actions">
          <button type="button" className="secondary" onClick={() => setEditing(true)}>
            Change name
          </button>
          <button
            type="button"
            className="secondary"
            onClick={() => signOut.mutate()}
            disabled={signOut.isPending}
          >
            Sign out
          </button>
        </div>
      )}
      <ErrorMessage error={signOut.error} />
    </section>
  );
}

function Passkeys() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const passkeys = useQuery(trpc.auth.passkeys.queryOptions());
  const options = useMutation(trpc.auth.passkeyRegistrationOptions.mutationOptions());
  const register = useMutation(trpc.auth.registerPasskey.mutationOptions());
  const remove = useMutation(
    trpc.auth.removePasskey.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries(trpc.auth.passkeys.queryFilter()),
    }),
  );
  const [status, setStatus] = useState<{ ok: boolean; text: string } | null>(null);
  const [busy, setBusy] = useState(false);

  async function onAdd(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const name = String(new FormData(form).get("name")).trim();
    setStatus(null);
    setBusy(true);
    try {
      const optionsJSON = await options.mutateAsync();
      const response = await startRegistration({ optionsJSON });
      const added = await register.mutateAsync({ response, name: name || undefined });
      form.reset();
      setStatus({
        ok: true,
        text: `Passkey “${added.name ?? "Passkey"}” added. You can now sign in with it.`,
      });
      await queryClient.invalidateQueries(trpc.auth.passkeys.queryFilter());
    } catch (error) {
      setStatus({ ok: false, text: passkeyErrorMessage(error, "add a passkey") });
    } finally {
      setBusy(false);
    }
  }

  return (
    <section aria-labelledby="passkeys-title" className="card">
      <h2 id="passkeys-title">Passkeys</h2>
      <p className="muted">
        A passkey signs you in with your device’s screen lock or a security key, without a password.
      </p>
      <ErrorMessage error={passkeys.error} />
      {passkeys.data && passkeys.data.length > 0 ? (
        <ul className={styles.list} aria-label="Your passkeys">
          {passkeys.data.map((p) => (
            <li key={p.id}>
              <span className={styles.what}>
                <strong>{p.name ?? "Passkey"}</strong>
                <br />
                <span className="muted">
                  Added {when(p.createdAt)} · last used {when(p.lastUsedAt)}
                </span>
              </span>
              <button
                type="button"
                className="secondary"
                aria-label={`Remove passkey ${p.name ?? ""}`.trim()}
                onClick={() => remove.mutate({ passkeyId: p.id })}
                disabled={remove.isPending}
              >
                Remove
              </button>
            </li>
          ))}
        </ul>
      ) : passkeys.data ? (
        <p>No passkeys yet.</p>
      ) : null}
      <ErrorMessage error={remove.error} />
      <form className={styles.form} onSubmit={onAdd}>
        <Field
          label="Passkey name"
          name="name"
          maxLength={64}
          placeholder="e.g. My laptop"
          hint="Optional."
        />
        <div className="actions">
          <button type="submit" disabled={busy}>
            {busy ? "Waiting for your device…" : "Add a passkey"}
          </button>
        </div>
      </form>
      {status ? (
        <p role={status.ok ? "status" : "alert"} className={status.ok ? styles.success : "error"}>
          {status.text}
        </p>
      ) : null}
    </section>
  );
}

function Sessions() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const sessions = useQuery(trpc.auth.sessions.queryOptions());
  const refresh = () => queryClient.invalidateQueries(trpc.auth.sessions.queryFilter());
  const revoke = useMutation(trpc.auth.revokeSession.mutationOptions({ onSuccess: refresh }));
  const revokeOthers = useMutation(trpc.auth.revokeOtherSessions.mutationOptions({ onSuccess: refresh }));
  const others = sessions.data?.filter((s) => !s.current).length ?? 0;
  return (
    <section aria-labelledby="sessions-title" className="card">
      <h2 id="sessions-title">Signed-in devices</h2>
      <ErrorMessage error={sessions.error} />
      {sessions.data ? (
        <ul className={styles.list} aria-label="Your sessions">
          {sessions.data.map((s) => (
            <li key={s.id}>
              <span className={styles.what}>
                <strong>{describeUserAgent(s.userAgent)}</strong>
                {s.current ? " (this device)" : null}
                <br />
                <span className="muted">
                  {s.ip ?? "unknown address"} · signed in {when(s.createdAt)} · last active{" "}
                  {when(s.lastSeenAt)}
                </span>
              </span>
              {s.current ? null : (
                <button
                  type="button"
                  className="secondary"
                  aria-label={`Sign out ${describeUserAgent(s.userAgent)}, last active ${when(s.lastSeenAt)}`}
                  onClick={() => revoke.mutate({ sessionId: s.id })}
                  disabled={revoke.isPending}
                >
                  Sign out
                </button>
              )}
            </li>
          ))}
        </ul>
      ) : null}
      <ErrorMessage error={revoke.error ?? revokeOthers.error} />
      {others > 0 ? (
        <div className="actions">
          <button
            type="button"
            className="secondary"
            onClick={() => revokeOthers.mutate()}
            disabled={revokeOthers.isPending}
          >
            Sign out all other devices
          </button>
        </div>
      ) : null}
      {revokeOthers.data ? (
        <p role="status">
          Signed out {revokeOthers.data.ended} other device{revokeOthers.data.ended === 1 ? "" : "s"}.
        </p>
      ) : null}
    </section>
  );
}
