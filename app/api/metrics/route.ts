// GET /api/metrics: Prometheus text format. Readable with `Authorization: Bearer $METRICS_TOKEN`
// (for the scraper) or by a signed-in admin (ops.view); anyone else gets 401/403.
import { timingSafeEqual } from "node:crypto";
import { can, loadActor } from "@/server/auth/permissions.ts";
import { guarded } from "@/server/http/guard.ts";
import { jobsConfig } from "@/server/jobs/config.ts";
import { metricsRegistry } from "@/server/jobs/metrics.ts";

export const dynamic = "force-dynamic";

function tokenMatches(header: string | null, token: string | undefined): boolean {
  if (!token || !header?.startsWith("Bearer ")) return false;
  const given = Buffer.from(header.slice(7));
  const wanted = Buffer.from(token);
  return given.length === wanted.length && timingSafeEqual(given, wanted);
}

export const GET = guarded({ session: "optional" }, async (req, { db, session }) => {
  if (!tokenMatches(req.headers.get("authorization"), jobsConfig().METRICS_TOKEN)) {
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
