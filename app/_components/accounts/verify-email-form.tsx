"use client";
// Confirms an address from the emailed link. It waits for a click rather than confirming on page
// load, so mail scanners that open links cannot use the token up.
import { useMutation } from "@tanstack/react-query";
import Link from "next/link";
import { useEffect, useState } from "react";
import { ErrorMessage } from "../error-message.tsx";
import { useTRPC } from "../trpc.tsx";
import styles from "./forms.module.css";
import { tokenFromHash } from "./token-from-hash.ts";

export function VerifyEmailForm() {
  const trpc = useTRPC();
  const [token, setToken] = useState<string | null | undefined>(undefined);
  const verify = useMutation(trpc.auth.verifyEmail.mutationOptions());
  useEffect(() => setToken(tokenFromHash(window.location.hash)), []);

  if (token === undefined) return null;
  if (token === null) {
    return (
      <p role="alert" className="error">
        This page needs the link from your email. Open the newest “Confirm your email address” email and use
        its link, or <Link href="/sign-in">sign in</Link> to have a new one sent.
      </p>
    );
  }
  if (verify.data) {
    return (
      <p role="status" className={styles.success} data-testid="email-verified">
        Thank you: {verify.data.email} is confirmed. <Link href="/sign-in">Sign in</Link> to start fixing
        charts.
      </p>
    );
  }
  return (
    <>
      <p>Confirm this address to sign in and to help fix and verify charts.</p>
      <div className="actions">
        <button type="button" onClick={() => verify.mutate({ token })} disabled={verify.isPending}>
          {verify.isPending ? "Confirming…" : "Confirm my email address"}
        </button>
      </div>
      <ErrorMessage error={verify.error} />
    </>
  );
}
