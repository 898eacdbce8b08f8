import { guarded } from "@/server/http/guard.ts";
import { getRuntime } from "@/server/runtime.ts";
import { checkHealth } from "@/server/services/health.ts";

export const dynamic = "force-dynamic";

// session "none": health must answer while the database is down.
export const GET = guarded({ session: "none" }, async () => {
  try {
    const health = await checkHealth(await getRuntime());
    return Response.json(health, {
      status: health.status === "ok" ? 200 : 503,
      headers: { "Cache-Control": "no-store" },
    });
  } catch (error) {
    return Response.json(
      { status: "down", error: error instanceof Error ? error.message : String(error) },
      { status: 503, headers: { "Cache-Control": "no-store" } },
    );
  }
});
