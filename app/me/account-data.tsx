"use client";
// "Download my data" and "Delete my account" on the account page. Both send a fresh proof that the
// account holder is here with the request itself (server/services/reauthentication.ts): the current
// password, or a passkey, for accounts that have one.
import { startAuthentication } from "@simplewebauthn/browser";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { type FormEvent, type ReactNode, useState } from "react";
import { Field } from "../_components/accounts/field.tsx";
import formStyles from "../_components/accounts/forms.module.css";
import { passkeyErrorMessage } from "../_components/accounts/passkey-errors.ts";
import { ErrorMessage } from "../_components/error-message.tsx";
import { useTRPC } from "../_components/trpc.tsx";
import styles from "./account-data.module.css";

type PasskeyResponse = Awaited<ReturnType<typeof startAuthentication>>;
type Proof = { password: string } | { passkey: PasskeyResponse };
type Outcome = { ok: boolean; text: string } | null;

/** Asks the browser for a passkey signature over a fresh server challenge. */
function usePasskeyProof(): () => Promise<Proof> {
  const trpc = useTRPC();
  const options = useMutation(trpc.auth.passkeyAuthenticationOptions.mutationOptions());
  return async () => ({ passkey: await startAuthentication({ optionsJSON: await options.mutateAsync() }) });
}

function proofErrorText(error: unknown): string {
  const name = error instanceof Error ? error.name : "";
  if (name === "NotAllowedError" || name === "AbortError") {
    return "The passkey prompt was closed or timed out. Nothing was changed; try again, or use your password.";
  }
  return passkeyErrorMessage(error, "sign in");
}

function passwordFrom(form: HTMLFormElement): Proof {
  return { password: String(new FormData(form).get("password") ?? "") };
}

/** The JSON document as a file the browser saves. */
function saveJson(data: unknown, filename: string): void {
  const blob = new Blob([JSON.stringify(data, null, 2)], { type: "application/json" });
  const url = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = url;
  a.download = filename;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

function OutcomeText({ outcome }: { outcome: Outcome }) {
  if (!outcome) return null;
  return (
    <p role={outcome.ok ? "status" : "alert"} className={outcome.ok ? formStyles.success : "error"}>
      {outcome.text}
    </p>
  );
}

interface ProofFormProps {
  /** The form's accessible name. */
  name: string;
  methods: Methods;
  busy: boolean;
  /** Extra reason the buttons are off (e.g. a confirmation not ticked). */
  blocked?: boolean;
  passwordHint?: string;
  labels: { password: string; busy: string; passkeyInstead: string; passkeyOnly: string };
  /** Class of the main action's button (the danger style for deleting). */
  actionClass?: string;
  /** Sends the request with a proof; `form` is the password form when the password was used. */
  onProof: (proof: () => Promise<Proof>, form?: HTMLFormElement) => void;
  children?: ReactNode;
}

/**
 * The re-authentication form both panels use: the current password (where the account has one)
 * and/or "with a passkey", each button sending the panel's request with that proof.
 */
function ProofForm({
  name,
  methods,
  busy,
  blocked = false,
  passwordHint,
  labels,
  actionClass,
  onProof,
  children,
}: ProofFormProps) {
  const passkeyProof = usePasskeyProof();
  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    onProof(async () => passwordFrom(form), form);
  }
  return (
    <form className={formStyles.form} onSubmit={onSubmit} aria-label={name}>
      {children}
      {methods.password ? (
        <Field
          label="Your current password"
          name="password"
          type="password"
          autoComplete="current-password"
          required
          hint={passwordHint}
        />
      ) : null}
      <div className="actions">
        {methods.password ? (
          <button type="submit" className={actionClass} disabled={busy || blocked}>
            {busy ? labels.busy : labels.password}
          </button>
        ) : null}
        {methods.passkey ? (
          <button
            type="button"
            className={methods.password ? "secondary" : actionClass}
            disabled={busy || blocked}
            onClick={() => onProof(passkeyProof)}
          >
            {methods.password ? labels.passkeyInstead : labels.passkeyOnly}
          </button>
        ) : null}
      </div>
    </form>
  );
}

/** Both panels, for a signed-in visitor; nothing otherwise. */
export function AccountData({ onDeleted }: { onDeleted: () => void }) {
  const trpc = useTRPC();
  const me = useQuery(trpc.auth.me.queryOptions());
  const methods = useQuery({ ...trpc.account.proofMethods.queryOptions(), enabled: Boolean(me.data) });
  if (!me.data) return null;
  if (methods.error) return <ErrorMessage error={methods.error} action="Reload the page to try again." />;
  if (!methods.data) return null;
  if (!methods.data.password && !methods.data.passkey) {
    // Only accounts made outside sign-up lack both; a reset link sets a password.
    return (
      <section aria-labelledby="your-data-title" className="card">
        <h2 id="your-data-title">Your data</h2>
        <p>
          Downloading your data or deleting your account needs your password or a passkey, and this account
          has neither. Set a password with <Link href="/reset-password">a reset link</Link> first.
        </p>
      </section>
    );
  }
  return (
    <>
      <DownloadData methods={methods.data} />
      <DeleteAccount methods={methods.data} onDeleted={onDeleted} />
    </>
  );
}

interface Methods {
  password: boolean;
  passkey: boolean;
}

function DownloadData({ methods }: { methods: Methods }) {
  const trpc = useTRPC();
  const exportData = useMutation(trpc.account.exportData.mutationOptions());
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<Outcome>(null);

  async function download(proof: () => Promise<Proof>, form?: HTMLFormElement) {
    setOutcome(null);
    setBusy(true);
    try {
      const data = await exportData.mutateAsync({ proof: await proof() });
      const filename = `beatsight-account-${data.exportedAt.slice(0, 10)}.json`;
      saveJson(data, filename);
      form?.reset();
      setOutcome({ ok: true, text: `Your data is downloaded as ${filename}. Keep it somewhere safe.` });
    } catch (error) {
      setOutcome({ ok: false, text: proofErrorText(error) });
    } finally {
      setBusy(false);
    }
  }

  return (
    <section aria-labelledby="your-data-title" className="card">
      <h2 id="your-data-title">Your data</h2>
      <p>
        Download everything this site stores about your account as one JSON file: your profile, signed-in
        devices, passkeys (names and dates), the maps and charts you made, your fixes, comments, votes,
        ratings, verification decisions, practice results, server jobs, karma, notifications and the security
        log of your account. See the <Link href="/privacy">privacy page</Link> for what is kept and for how
        long.
      </p>
      <ProofForm
        name="Download my data"
        methods={methods}
        busy={busy}
        passwordHint="Asked again so that only you can take a copy, even on a device left signed in."
        labels={{
          password: "Download my data",
          busy: "Preparing your data…",
          passkeyInstead: "Download with a passkey instead",
          passkeyOnly: "Download my data with a passkey",
        }}
        onProof={(proof, form) => void download(proof, form)}
      />
      <OutcomeText outcome={outcome} />
    </section>
  );
}

function DeleteAccount({ methods, onDeleted }: { methods: Methods; onDeleted: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const remove = useMutation(trpc.account.deleteAccount.mutationOptions());
  const [understood, setUnderstood] = useState(false);
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<Outcome>(null);

  async function deleteWith(proof: () => Promise<Proof>) {
    setOutcome(null);
    setBusy(true);
    try {
      await remove.mutateAsync({ proof: await proof(), confirm: true });
      onDeleted();
      // The session cookie is gone: everything cached about the account (the nav's name too) is stale.
      void queryClient.invalidateQueries();
    } catch (error) {
      setOutcome({ ok: false, text: proofErrorText(error) });
      setBusy(false);
    }
  }

  return (
    <section aria-labelledby="delete-account-title" className="card">
      <h2 id="delete-account-title">Delete your account</h2>
      <p>This cannot be undone. Download your data first if you want a copy.</p>
      <div className={styles.columns}>
        <div>
          <h3>Removed at once</h3>
          <ul>
            <li>Your email address, name and password</li>
            <li>Every signed-in device and your passkeys</li>
            <li>Your comments, practice results and notifications</li>
            <li>Your network addresses in the security log, and the names of files you uploaded</li>
            <li>Fixes still waiting for review (withdrawn) and server jobs only you were waiting for</li>
          </ul>
        </div>
        <div>
          <h3>Kept, shown as “Deleted user”</h3>
          <ul>
            <li>Maps and chart versions you made, and fixes that were accepted</li>
            <li>Your votes, ratings and verification decisions</li>
            <li>The karma record and the log of past actions, so chart history stays complete</li>
          </ul>
        </div>
      </div>
      <p className="muted">
        Charts, stems and results saved in this browser are not on the server: remove them in the{" "}
        <Link href="/library">Library</Link>. Your email address can be used for a new account afterwards.
      </p>
      <ProofForm
        name="Delete my account"
        methods={methods}
        busy={busy}
        blocked={!understood}
        labels={{
          password: "Delete my account",
          busy: "Deleting…",
          passkeyInstead: "Delete with a passkey instead",
          passkeyOnly: "Delete my account with a passkey",
        }}
        actionClass={styles.danger}
        onProof={(proof) => void deleteWith(proof)}
      >
        <label className={styles.confirm}>
          <input
            type="checkbox"
            name="understood"
            checked={understood}
            onChange={(event) => setUnderstood(event.currentTarget.checked)}
            required
          />{" "}
          I understand that my account is deleted for good
        </label>
      </ProofForm>
      <OutcomeText outcome={outcome} />
    </section>
  );
}

/** What the page shows once the account is gone. */
export function AccountDeleted() {
  return (
    <section aria-labelledby="deleted-title" className="card" data-testid="account-deleted">
      <h2 id="deleted-title">Your account is deleted</h2>
      <p role="status">
        Your account is deleted and you are signed out on every device. The maps, votes and fixes you
        contributed stay, shown as “Deleted user”.
      </p>
      <p>
        Charts and recordings saved in this browser are still here; manage them in the{" "}
        <Link href="/library">Library</Link>. <Link href="/">Back to the home page</Link>.
      </p>
    </section>
  );
}
