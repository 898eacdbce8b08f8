import type { Metadata } from "next";
import { getRuntime } from "@/server/runtime.ts";
import { checkHealth, type Health } from "@/server/services/health.ts";

export const metadata: Metadata = { title: "Status" };
export const dynamic = "force-dynamic";

/** The database line: how it answers now and, for the embedded server, how its supervisor sees it. */
function describeDatabase(db: Health["db"]): string {
  const answer = db.state === "up" ? `${db.latencyMs} ms round trip` : "not answering";
  const supervisor = db.supervisor;
  if (!supervisor) return `${db.mode} PostgreSQL, ${answer}`;
  const restarts =
    supervisor.restarts > 0
      ? `, restarted ${supervisor.restarts}× (last ${supervisor.lastRestartAt ?? "never"})`
      : "";
  const states: Record<string, string> = {
    up: "running",
    restarting: "being restarted",
    "crash-loop": "keeps stopping (crash loop; see the server log)",
    stopped: "stopped",
  };
  return `${db.mode} PostgreSQL, ${answer}; server ${states[supervisor.state] ?? supervisor.state}${restarts}`;
}

export default async function HealthPage() {
  // States only, as /api/health: the reasons for a failure are in the server's log.
  const health = await checkHealth(await getRuntime());
  return (
    <section aria-labelledby="health-title">
      <h1 id="health-title">Status</h1>
      <dl className="facts" data-testid="health">
        <dt>Server</dt>
        <dd>{health.status}</dd>
        <dt>Database</dt>
        <dd>{describeDatabase(health.db)}</dd>
        <dt>Schema</dt>
        <dd>{health.db.migrationVersion ?? "no migrations"}</dd>
        <dt>Uptime</dt>
        <dd>{health.uptimeSeconds} s</dd>
        <dt>Version</dt>
        <dd>{health.version}</dd>
      </dl>
      <p>
        Machine-readable: <a href="/api/health">/api/health</a>
      </p>
    </section>
  );
}
