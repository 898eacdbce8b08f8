"use client";
// Appointing and removing curators and admins (admins only; the server checks and audits).
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { inferRouterOutputs } from "@trpc/server";
import { useState } from "react";
import type { AppRouter } from "@/server/trpc/root.ts";
import { ErrorMessage } from "../../_components/error-message.tsx";
import { useTRPC } from "../../_components/trpc.tsx";

type Person = inferRouterOutputs<AppRouter>["roles"]["list"]["holders"][number];
const ROLES = ["curator", "admin"] as const;

export function RolesAdmin() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [email, setEmail] = useState("");
  const [searched, setSearched] = useState<string | undefined>(undefined);
  const [done, setDone] = useState("");
  const list = useQuery(trpc.roles.list.queryOptions(searched ? { email: searched } : undefined));
  const history = useQuery(trpc.audit.list.queryOptions({ limit: 20 }));
  const refresh = () => {
    void queryClient.invalidateQueries({ queryKey: trpc.roles.list.queryKey() });
    void queryClient.invalidateQueries({ queryKey: trpc.audit.list.queryKey() });
  };
  const appoint = useMutation(
    trpc.roles.appoint.mutationOptions({
      onSuccess: (p) => {
        setDone(`${p.displayName} now holds: ${p.effective.join(", ")}.`);
        refresh();
      },
    }),
  );
  const revoke = useMutation(
    trpc.roles.revoke.mutationOptions({
      onSuccess: (p) => {
        setDone(`${p.displayName} now holds: ${p.effective.join(", ") || "no roles"}.`);
        refresh();
      },
    }),
  );

  if (list.isPending) return <p role="status">Loading…</p>;
  if (list.error) return <ErrorMessage error={list.error} action="Only admins can manage roles." />;

  const row = (p: Person) => (
    <tr key={p.id} data-testid="role-holder">
      <th scope="row">
        {p.displayName} <span className="muted">{p.email}</span>
      </th>
      <td>{p.karma}</td>
      <td>{p.effective.join(", ") || "none"}</td>
      <td>
        {ROLES.map((role) =>
          p.appointed.some((a) => a.role === role) ? (
            <button
              key={role}
              type="button"
              className="secondary"
              disabled={revoke.isPending}
              onClick={() => revoke.mutate({ userId: p.id, role })}
            >
              Remove {role}
            </button>
          ) : (
            <button
              key={role}
              type="button"
              disabled={appoint.isPending || !p.emailVerified}
              onClick={() => appoint.mutate({ userId: p.id, role })}
            >
              Appoint {role}
            </button>
          ),
        )}
      </td>
    </tr>
  );

  return (
    <>
      <p role="status" aria-live="polite">
        {done}
      </p>
      <ErrorMessage error={appoint.error ?? revoke.error} />
      <form
        className="card"
        onSubmit={(e) => {
          e.preventDefault();
          setSearched(email.trim() || undefined);
        }}
      >
        <label htmlFor="role-email">Find a person by email</label>{" "}
        <input id="role-email" type="email" value={email} onChange={(e) => setEmail(e.target.value)} />{" "}
        <button type="submit">Find</button>
        {searched && !list.data.found ? <p>Nobody has signed up with {searched}.</p> : null}
      </form>
      {/* A phone scrolls the table sideways rather than the page. */}
      <div className="table-scroll">
        <table className="card">
          <caption>
            People with appointed roles{list.data.found ? ", and the person you looked up" : ""}
          </caption>
          <thead>
            <tr>
              <th scope="col">Person</th>
              <th scope="col">Karma</th>
              <th scope="col">Roles now</th>
              <th scope="col">Change</th>
            </tr>
          </thead>
          <tbody>
            {list.data.found && !list.data.holders.some((h) => h.id === list.data.found?.id)
              ? row(list.data.found)
              : null}
            {list.data.holders.map(row)}
          </tbody>
        </table>
      </div>
      <section className="card" aria-labelledby="audit-title">
        <h2 id="audit-title">Recent privileged actions</h2>
        <ErrorMessage error={history.error} />
        <ul>
          {history.data?.map((entry) => (
            <li key={entry.id}>
              {new Date(entry.createdAt).toLocaleString()} — {entry.actor?.displayName ?? "system"}:{" "}
              {entry.action} on {entry.subjectType} {entry.subjectId.slice(0, 8)}
            </li>
          ))}
        </ul>
      </section>
    </>
  );
}
