// Health of this process and its database, for GET /api/health, the /health page, the app shell's
// status line and monitors. Anyone may ask, so the answer is states only: never a connection
// string, host, port or error text (a failed probe's error goes to the log instead).
import { moduleLogger } from "../log.ts";
import type { Runtime } from "../runtime.ts";

export type HealthStatus = "ok" | "degraded" | "down";

export interface Health {
  /** ok: serving; degraded: serving, but the database was restarted too often lately; down: no database. */
  status: HealthStatus;
  db: {
    mode: Runtime["dbMode"];
    /** Whether the database answered a query just now. */
    state: "up" | "down";
    latencyMs: number | null;
    migrationVersion: string | null;
    /** The embedded server's supervisor; null with an external server. */
    supervisor: { state: string; restarts: number; lastRestartAt: string | null } | null;
  };
  uptimeSeconds: number;
  version: string;
}

const version = process.env.npm_package_version ?? "0.1.0";
const log = moduleLogger("health");
let probeFailing = false;

export async function checkHealth(runtime: Runtime, now = Date.now()): Promise<Health> {
  const started = performance.now();
  let latencyMs: number | null = null;
  try {
    await runtime.db.$queryRaw`SELECT 1`;
    latencyMs = Math.round((performance.now() - started) * 100) / 100;
    if (probeFailing) log.info("database health probe answers again");
    probeFailing = false;
  } catch (error) {
    // Once per outage at warn (monitors poll every few seconds); the rest at debug.
    if (probeFailing) log.debug({ err: error }, "database health probe failed");
    else log.warn({ err: error }, "database health probe failed");
    probeFailing = true;
  }
  const supervisor = runtime.dbSupervisor?.() ?? null;
  const up = latencyMs !== null;
  const troubled = supervisor !== null && supervisor.state !== "up";
  return {
    status: !up ? "down" : troubled ? "degraded" : "ok",
    db: {
      mode: runtime.dbMode,
      state: up ? "up" : "down",
      latencyMs,
      migrationVersion: runtime.migrationVersion,
      supervisor: supervisor && {
        state: supervisor.state,
        restarts: supervisor.restarts,
        lastRestartAt: supervisor.lastRestartAt?.toISOString() ?? null,
      },
    },
    uptimeSeconds: Math.round((now - runtime.startedAt.getTime()) / 1000),
    version,
  };
}

/** What health says while the process has no runtime at all (its database never started). */
export function bootingHealth(): Pick<Health, "status" | "version"> {
  return { status: "down", version };
}
