"use client";
// Create an account. The answer is the same whether or not the address already has an account
// (the server emails its owner instead), so this form never reveals who is registered.
import { useMutation } from "@tanstack/react-query";
import Link from "next/link";
import type { FormEvent } from "react";
import { ErrorMessage } from "../error-message.tsx";
import { useTRPC } from "../trpc.tsx";
import { Field } from "./field.tsx";
import styles from "./forms.module.css";

export function SignUpForm() {
  const trpc = useTRPC();
  const signUp = useMutation(trpc.auth.signUp.mutationOptions());

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    signUp.mutate({
      displayName: String(form.get("displayName")),
      email: String(form.get("email")),
      password: String(form.get("password")),
    });
  }

  if (signUp.data) {
    return (
      <p role="status" className={styles.success} data-testid="sign-up-done">
        {signUp.data.message}
      </p>
    );
  }
  return (
    <>
      <form className={styles.form} onSubmit={onSubmit}>
        <Field
          label="Name"
          name="displayName"
          autoComplete="nickname"
          maxLength={64}
          hint="Shown next to your fixes and votes."
          required
        />
        <Field label="Email" name="email" type="email" autoComplete="email" required />
        <Field
          label="Password"
          name="password"
          type="password"
          autoComplete="new-password"
          minLength={10}
          hint="At least 10 characters; a few unrelated words work well."
          required
        />
        <ErrorMessage error={signUp.error} />
        <div className="actions">
          <button type="submit" disabled={signUp.isPending}>
            {signUp.isPending ? "Creating your account…" : "Create account"}
          </button>
        </div>
      </form>
      <p>
        Already have an account? <Link href="/sign-in">Sign in</Link>.
      </p>
    </>
  );
}
