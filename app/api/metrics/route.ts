// GET /api/metrics: this web process's Prometheus metrics (server/metrics.ts; each process is
// scraped on its own). Readable with `Authorization: Bearer $METRICS_TOKEN` (for the scraper) or
// by a signed-in admin (ops.view); anyone else gets 401/403.
import { can, loadActor } from "@/server/auth/permissions.ts";
import { bearerTokenMatches } from "@/server/http/bearer-token.ts";
import { guarded } from "@/server/http/guard.ts";
import { jobsConfig } from "@/server/jobs/config.ts";
import { metricsRegistry } from "@/server/jobs/metrics.ts";

export const dynamic = "force-dynamic";

export const GET = guarded({ session: "optional" }, async (req, { db, session }) => {
  const token = jobsConfig().METRICS_TOKEN;
  if (!token || !bearerTokenMatches(req.headers.get("authorization"), token)) {
    if (!session) {
      return new Response("Metrics need a bearer token (METRICS_TOKEN) or an admin session.\n", {
        status: 401,
        headers: { "www-authenticate": "Bearer" },
      });
    }
    if (!can(await loadActor(db, session.user.id), "ops.view")) {
      return new Response("Only admins may read the metrics.\n", { status: 403 });
    }
  }
  const registry = metricsRegistry(db);
  return new Response(await registry.metrics(), { headers: { "content-type": registry.contentType } });
});
