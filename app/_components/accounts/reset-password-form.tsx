"use client";
// Forgotten password: without a token, ask for a link by email (the same answer for any address);
// with the token from that link, choose a new password.
import { useMutation } from "@tanstack/react-query";
import Link from "next/link";
import { type FormEvent, useEffect, useState } from "react";
import { ErrorMessage } from "../error-message.tsx";
import { useTRPC } from "../trpc.tsx";
import { Field } from "./field.tsx";
import styles from "./forms.module.css";
import { tokenFromHash } from "./token-from-hash.ts";

export function ResetPasswordForm() {
  const [token, setToken] = useState<string | null | undefined>(undefined);
  useEffect(() => setToken(tokenFromHash(window.location.hash)), []);
  if (token === undefined) return null;
  return token ? <NewPassword token={token} /> : <RequestLink />;
}

function RequestLink() {
  const trpc = useTRPC();
  const request = useMutation(trpc.auth.requestPasswordReset.mutationOptions());
  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    request.mutate({ email: String(new FormData(event.currentTarget).get("email")) });
  }
  if (request.data) {
    return (
      <p role="status" className={styles.success}>
        {request.data.message}
      </p>
    );
  }
  return (
    <form className={styles.form} onSubmit={onSubmit}>
      <p className="muted">We will email you a link to choose a new password.</p>
      <Field label="Email" name="email" type="email" autoComplete="username" required />
      <ErrorMessage error={request.error} />
      <div className="actions">
        <button type="submit" disabled={request.isPending}>
          {request.isPending ? "Sending…" : "Email me a link"}
        </button>
      </div>
    </form>
  );
}

function NewPassword({ token }: { token: string }) {
  const trpc = useTRPC();
  const reset = useMutation(trpc.auth.resetPassword.mutationOptions());
  const [mismatch, setMismatch] = useState(false);
  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const password = String(form.get("password"));
    setMismatch(password !== String(form.get("confirm")));
    if (password === String(form.get("confirm"))) reset.mutate({ token, password });
  }
  if (reset.data) {
    return (
      <p role="status" className={styles.success} data-testid="password-changed">
        Your password is changed and every device was signed out. <Link href="/sign-in">Sign in</Link> with
        the new password.
      </p>
    );
  }
  return (
    <form className={styles.form} onSubmit={onSubmit}>
      <Field
        label="New password"
        name="password"
        type="password"
        autoComplete="new-password"
        minLength={10}
        hint="At least 10 characters."
        required
      />
      <Field label="New password again" name="confirm" type="password" autoComplete="new-password" required />
      {mismatch ? (
        <p role="alert" className="error">
          The two passwords differ. Type the same new password twice.
        </p>
      ) : null}
      <ErrorMessage error={reset.error} />
      <div className="actions">
        <button type="submit" disabled={reset.isPending}>
          {reset.isPending ? "Saving…" : "Set new password"}
        </button>
      </div>
    </form>
  );
}
