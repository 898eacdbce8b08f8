"use client";
// Signs in from an emailed one-time link. It waits for a click rather than signing in on page
// load, so mail scanners that open links cannot use the token up.
import { useMutation, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useEffect, useState } from "react";
import { ErrorMessage } from "../error-message.tsx";
import { flushNow } from "../pwa/outbox-sync.ts";
import { useTRPC } from "../trpc.tsx";
import { tokenFromHash } from "./token-from-hash.ts";

export function SignInLinkForm() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const router = useRouter();
  const [token, setToken] = useState<string | null | undefined>(undefined);
  const signIn = useMutation(
    trpc.auth.signInWithLink.mutationOptions({
      onSuccess: async () => {
        // Everything cached so far was fetched as nobody.
        await queryClient.invalidateQueries();
        void flushNow().catch(() => undefined);
        router.push("/me");
      },
    }),
  );
  useEffect(() => setToken(tokenFromHash(window.location.hash)), []);

  if (token === undefined) return null;
  if (token === null) {
    return (
      <p role="alert" className="error">
        This page needs the link from your email. Open the newest “Your BeatSight sign-in link” email and use
        its link, or <Link href="/sign-in">ask for a new one</Link>.
      </p>
    );
  }
  return (
    <>
      <p>This link signs you in once, on this device.</p>
      <div className="actions">
        <button type="button" onClick={() => signIn.mutate({ token })} disabled={signIn.isPending}>
          {signIn.isPending ? "Signing in…" : "Sign me in"}
        </button>
      </div>
      <ErrorMessage error={signIn.error} />
    </>
  );
}
