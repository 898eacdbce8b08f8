// GET /api/health: anonymous, for monitors and load balancers. 200 while the database answers
// (status ok or degraded), 503 with Retry-After while it does not. States only, never addresses or
// error text (server/services/health.ts); the reasons are in the server's log.
import { RETRY_POLICY } from "@/server/db/transaction.ts";
import { guarded } from "@/server/http/guard.ts";
import { moduleLogger } from "@/server/log.ts";
import { getRuntime } from "@/server/runtime.ts";
import { bootingHealth, checkHealth } from "@/server/services/health.ts";

export const dynamic = "force-dynamic";

// session "none": health must answer while the database is down.
export const GET = guarded({ session: "none" }, async () => {
  let body: object;
  let down: boolean;
  try {
    const health = await checkHealth(await getRuntime());
    body = health;
    down = health.status === "down";
  } catch (error) {
    moduleLogger("health").error({ err: error }, "health check failed: the server has no database");
    body = bootingHealth();
    down = true;
  }
  return Response.json(body, {
    status: down ? 503 : 200,
    headers: {
      "Cache-Control": "no-store",
      ...(down ? { "Retry-After": String(RETRY_POLICY.retryAfterSeconds) } : {}),
    },
  });
});
