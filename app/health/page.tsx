import type { Metadata } from "next";
import { getRuntime } from "@/server/runtime.ts";
import { checkHealth } from "@/server/services/health.ts";

export const metadata: Metadata = { title: "Status" };
export const dynamic = "force-dynamic";

export default async function HealthPage() {
  const health = await checkHealth(await getRuntime());
  return (
    <section aria-labelledby="health-title">
      <h1 id="health-title">Status</h1>
      <dl className="facts" data-testid="health">
        <dt>Server</dt>
        <dd>{health.status}</dd>
        <dt>Database</dt>
        <dd>
          {health.db.mode} PostgreSQL, {health.db.latencyMs ?? "no"} ms round trip
          {health.db.error ? ` — ${health.db.error}` : ""}
        </dd>
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
