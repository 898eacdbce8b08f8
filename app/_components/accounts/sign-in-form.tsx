"use client";
// Sign in with email and password, with a one-time link emailed to the address typed in, or with
// a passkey (no email needed: the authenticator offers the passkeys it holds for this site). After
// many wrong passwords on an account a password alone no longer signs in (server/services/sign-in.ts):
// the refusal says so and points at the link and passkey buttons below.
import { startAuthentication } from "@simplewebauthn/browser";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { type FormEvent, useRef, useState } from "react";
import { ErrorMessage } from "../error-message.tsx";
import { flushNow } from "../pwa/outbox-sync.ts";
import { useTRPC } from "../trpc.tsx";
import { Field } from "./field.tsx";
import styles from "./forms.module.css";
import { passkeyErrorMessage } from "./passkey-errors.ts";
import { safeNextPath } from "./token-from-hash.ts";

export function SignInForm() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const router = useRouter();
  const [passkeyError, setPasskeyError] = useState<string | null>(null);
  const [passkeyBusy, setPasskeyBusy] = useState(false);
  const formRef = useRef<HTMLFormElement>(null);

  async function signedIn() {
    // Everything cached so far was fetched as nobody.
    await queryClient.invalidateQueries();
    // Changes that waited for an account (practice results) can go now.
    void flushNow().catch(() => undefined);
    router.push(safeNextPath(new URLSearchParams(window.location.search).get("next")));
  }

  const signIn = useMutation(trpc.auth.signIn.mutationOptions({ onSuccess: signedIn }));
  const passkeyOptions = useMutation(trpc.auth.passkeyAuthenticationOptions.mutationOptions());
  const passkeySignIn = useMutation(trpc.auth.signInWithPasskey.mutationOptions({ onSuccess: signedIn }));
  const link = useMutation(trpc.auth.requestSignInLink.mutationOptions());

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setPasskeyError(null);
    signIn.mutate({ email: String(form.get("email")), password: String(form.get("password")) });
  }

  function emailLink() {
    const email = formRef.current?.elements.namedItem("email");
    if (!(email instanceof HTMLInputElement) || !email.reportValidity()) return;
    setPasskeyError(null);
    link.mutate({ email: email.value });
  }

  async function withPasskey() {
    signIn.reset();
    setPasskeyError(null);
    setPasskeyBusy(true);
    try {
      const optionsJSON = await passkeyOptions.mutateAsync();
      const response = await startAuthentication({ optionsJSON });
      await passkeySignIn.mutateAsync({ response });
    } catch (error) {
      setPasskeyError(passkeyErrorMessage(error, "sign in"));
    } finally {
      setPasskeyBusy(false);
    }
  }

  const busy = signIn.isPending || passkeyBusy;
  return (
    <>
      <form ref={formRef} className={styles.form} onSubmit={onSubmit} aria-describedby="sign-in-error">
        <Field label="Email" name="email" type="email" autoComplete="username" required />
        <Field label="Password" name="password" type="password" autoComplete="current-password" required />
        <div id="sign-in-error">
          <ErrorMessage error={signIn.error} />
        </div>
        <div className="actions">
          <button type="submit" disabled={busy}>
            {signIn.isPending ? "Signing in…" : "Sign in"}
          </button>
          <Link href="/reset-password">Forgot your password?</Link>
        </div>
      </form>
      <p className={styles.divider}>or</p>
      <div className="actions">
        <button type="button" className="secondary" onClick={emailLink} disabled={busy || link.isPending}>
          {link.isPending ? "Sending…" : "Email me a sign-in link"}
        </button>
        <button type="button" className="secondary" onClick={withPasskey} disabled={busy}>
          {passkeyBusy ? "Waiting for your passkey…" : "Sign in with a passkey"}
        </button>
      </div>
      {link.data ? (
        <p role="status" className={styles.success}>
          {link.data.message}
        </p>
      ) : null}
      <ErrorMessage error={link.error} />
      {passkeyError ? (
        <p role="alert" className="error">
          {passkeyError}
        </p>
      ) : null}
      <p>
        New here? <Link href="/sign-up">Create an account</Link>.
      </p>
    </>
  );
}
