import client from "prom-client";
import { afterAll, describe, expect, it } from "vitest";
import { serveWorkerMetrics, type WorkerMetricsServer } from "./worker-metrics.ts";

const TOKEN = "a-token-of-sixteen-chars";
const servers: WorkerMetricsServer[] = [];
afterAll(async () => {
  for (const server of servers) await server.close();
});

describe("a worker's metrics endpoint", () => {
  it("answers GET /metrics with the bearer token only", async () => {
    const registry = new client.Registry();
    new client.Counter({ name: "beatsight_test_total", help: "test", registers: [registry] }).inc(3);
    const server = await serveWorkerMetrics({ port: 0, token: TOKEN, registry: () => registry });
    servers.push(server);
    const url = `http://127.0.0.1:${server.port}`;

    const ok = await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(ok.status).toBe(200);
    expect(await ok.text()).toContain("beatsight_test_total 3");
    expect((await fetch(`${url}/metrics`)).status).toBe(401);
    expect((await fetch(`${url}/metrics`, { headers: { authorization: "Bearer wrong" } })).status).toBe(401);
    expect((await fetch(`${url}/other`, { headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(404);
  });

  it("refuses to start without METRICS_TOKEN, and names a taken port", async () => {
    const registry = () => new client.Registry();
    await expect(serveWorkerMetrics({ port: 0, token: undefined, registry })).rejects.toThrow(
      "set METRICS_TOKEN",
    );
    const first = await serveWorkerMetrics({ port: 0, token: TOKEN, registry });
    servers.push(first);
    await expect(serveWorkerMetrics({ port: first.port, token: TOKEN, registry })).rejects.toThrow(
      `WORKER_METRICS_PORT ${first.port} is taken`,
    );
  });
});
