// A worker process has no web server, yet its counters (attempts, stage seconds, costs) live only
// in it: with WORKER_METRICS_PORT set it answers GET /metrics for Prometheus, with the same bearer
// token as the web processes' /api/metrics (METRICS_TOKEN, required here: there is no session to
// fall back on).
import http from "node:http";
import type { AddressInfo } from "node:net";
import type client from "prom-client";
import { bearerTokenMatches } from "../http/bearer-token.ts";

export interface WorkerMetricsServer {
  port: number;
  close(): Promise<void>;
}

/** Serves `registry` at /metrics on `port` (0 = any free port) on every interface. */
export async function serveWorkerMetrics(options: {
  port: number;
  token: string | undefined;
  registry: () => client.Registry;
}): Promise<WorkerMetricsServer> {
  const { token } = options;
  if (!token) {
    throw new Error(
      "WORKER_METRICS_PORT is set but METRICS_TOKEN is not: set METRICS_TOKEN (at least 16 characters) so only your Prometheus can read the worker's metrics, or unset WORKER_METRICS_PORT.",
    );
  }
  const server = http.createServer((req, res) => {
    const path = new URL(req.url ?? "/", "http://worker").pathname;
    if (req.method !== "GET" || path !== "/metrics") {
      res.writeHead(404, { "content-type": "text/plain" }).end("Only GET /metrics is served here.\n");
      return;
    }
    if (!bearerTokenMatches(req.headers.authorization, token)) {
      res
        .writeHead(401, { "content-type": "text/plain", "www-authenticate": "Bearer" })
        .end("Metrics need the bearer token (METRICS_TOKEN).\n");
      return;
    }
    const registry = options.registry();
    registry.metrics().then(
      (text) => res.writeHead(200, { "content-type": registry.contentType }).end(text),
      (error: unknown) =>
        res
          .writeHead(500, { "content-type": "text/plain" })
          .end(`Metrics could not be collected: ${error instanceof Error ? error.message : String(error)}\n`),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", (error: NodeJS.ErrnoException) =>
      reject(
        new Error(
          error.code === "EADDRINUSE"
            ? `WORKER_METRICS_PORT ${options.port} is taken by another process: choose a free port for each worker on this machine.`
            : `The worker's metrics server could not listen on port ${options.port}: ${error.message}`,
          { cause: error },
        ),
      ),
    );
    server.listen(options.port, () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
