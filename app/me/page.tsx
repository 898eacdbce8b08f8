"use client";
import { useQuery } from "@tanstack/react-query";
import { ErrorMessage } from "../_components/error-message.tsx";
import { useTRPC } from "../_components/trpc.tsx";

export default function MePage() {
  const trpc = useTRPC();
  const me = useQuery(trpc.auth.me.queryOptions());
  return (
    <section aria-labelledby="me-title">
      <h1 id="me-title">Me</h1>
      {me.isPending ? <p role="status">Loading your account…</p> : null}
      <ErrorMessage error={me.error} action="Reload the page to try again." />
      {me.data === null ? (
        <p data-testid="signed-out">
          You are not signed in. Practising and generating charts work without an account; sign in to keep
          your results across devices and to help verify charts.
        </p>
      ) : null}
      {me.data ? (
        <dl className="facts">
          <dt>Name</dt>
          <dd>{me.data.displayName}</dd>
          <dt>Email</dt>
          <dd>
            {me.data.email} {me.data.emailVerified ? "(verified)" : "(not verified yet)"}
          </dd>
        </dl>
      ) : null}
    </section>
  );
}
