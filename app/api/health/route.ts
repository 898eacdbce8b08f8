import { getRuntime } from "@/server/runtime.ts";
import { checkHealth } from "@/server/services/health.ts";

export const dynamic = "force-dynamic";

export async function GET(): Promise<Response> {
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
}
