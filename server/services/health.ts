// Health of this process and its database, for GET /api/health, the /health page and monitors.
import type { Runtime } from "../runtime.ts";

export interface Health {
  status: "ok" | "degraded";
  db: { mode: Runtime["dbMode"]; migrationVersion: string | null; latencyMs: number | null; error?: string };
  uptimeSeconds: number;
  version: string;
}

const version = process.env.npm_package_version ?? "0.1.0";

export async function checkHealth(runtime: Runtime, now = Date.now()): Promise<Health> {
  const started = performance.now();
  let latencyMs: number | null = null;
  let error: string | undefined;
  try {
    await runtime.db.$queryRaw`SELECT 1`;
    latencyMs = Math.round((performance.now() - started) * 100) / 100;
  } catch (e) {
    error = e instanceof Error ? e.message : String(e);
  }
  return {
    status: error ? "degraded" : "ok",
    db: {
      mode: runtime.dbMode,
      migrationVersion: runtime.migrationVersion,
      latencyMs,
      ...(error ? { error } : {}),
    },
    uptimeSeconds: Math.round((now - runtime.startedAt.getTime()) / 1000),
    version,
  };
}
