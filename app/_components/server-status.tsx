"use client";
// A small live indicator of the server and database, from the system.health procedure.
import { useQuery } from "@tanstack/react-query";
import { useTRPC } from "./trpc.tsx";

export function ServerStatus() {
  const trpc = useTRPC();
  const health = useQuery(trpc.system.health.queryOptions(undefined, { refetchInterval: 60_000 }));
  let text = "Checking the server…";
  let state = "pending";
  if (health.isError) {
    text = "Server unreachable — work on this device continues; syncing waits until it is back.";
    state = "down";
  } else if (health.data) {
    state = health.data.status;
    text =
      health.data.status === "ok"
        ? `Server online · database ${health.data.db.mode} · ${health.data.db.latencyMs ?? "?"} ms`
        : health.data.db.state === "down"
          ? "Server up, database not answering — work on this device continues; syncing waits until it is back."
          : "Server degraded: the database was restarted several times lately.";
  }
  return (
    <p className="server-status" data-state={state} data-testid="server-status" aria-live="polite">
      <span className="dot" aria-hidden="true" /> {text}
    </p>
  );
}
