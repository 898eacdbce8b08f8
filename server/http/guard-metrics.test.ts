// The guard times every answer for the metrics and runs the handler inside the request's context.
import { describe, expect, it } from "vitest";
import { processMetrics } from "../metrics.ts";
import { currentRequestId } from "../request-context.ts";
import { guarded } from "./guard.ts";

async function observations(route: string) {
  const { values } = await processMetrics().httpDuration.get();
  return values.filter((v) => v.labels.route === route && v.metricName?.endsWith("_count"));
}

describe("guarded() and the HTTP metrics", () => {
  it("counts each request under its route pattern, method and status class", async () => {
    const handler = guarded({ session: "none" }, async () => Response.json({ id: currentRequestId() }));
    const before = await observations("/api/jobs/[id]/events");
    const answer = await handler(
      new Request("http://beatsight.test/api/jobs/5b0c6b8e-3c53-4f0e-9d3a-0c6f3c1d2e4f/events", {
        headers: { "x-request-id": "edge-request-0001" },
      }),
    );
    // The handler ran in the request's context, with the id the edge sent.
    expect(await answer.json()).toEqual({ id: "edge-request-0001" });
    expect(answer.headers.get("x-request-id")).toBe("edge-request-0001");
    const after = await observations("/api/jobs/[id]/events");
    const ok = after.find((v) => v.labels.method === "GET" && v.labels.status === "2xx");
    const okBefore = before.find((v) => v.labels.method === "GET" && v.labels.status === "2xx");
    expect((ok?.value ?? 0) - (okBefore?.value ?? 0)).toBe(1);
  });

  it("counts refusals and failures by their class, and no URL ever becomes a label", async () => {
    const failing = guarded({ session: "none" }, async () => {
      throw new Error("boom");
    });
    const refused = await failing(
      new Request("http://beatsight.test/api/trpc/songs.identify,maps.get", {
        method: "POST",
        headers: { origin: "https://evil.example", host: "beatsight.test" },
      }),
    );
    expect(refused.status).toBe(403);
    const failed = await failing(new Request("http://beatsight.test/api/trpc/songs.identify"));
    expect(failed.status).toBe(500);
    const series = await observations("/api/trpc/[trpc]");
    expect(series.find((v) => v.labels.method === "POST")?.labels.status).toBe("4xx");
    expect(series.find((v) => v.labels.method === "GET")?.labels.status).toBe("5xx");
    const { values } = await processMetrics().httpDuration.get();
    expect(values.some((v) => String(v.labels.route).includes("songs."))).toBe(false);
  });
});
