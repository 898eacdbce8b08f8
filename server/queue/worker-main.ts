// `npm run worker`: a process that only works server jobs. Start as many as you like, on this
// machine or others, against the same database (DATABASE_URL; without it, the embedded database
// under DATA_DIR that `npm start` runs on this machine). Uploads live in UPLOAD_DIR, which workers
// on other machines must share (a network volume) until object storage is configured.

import { env } from "../env.ts";
import { jobsConfig } from "../jobs/config.ts";
import { metricsRegistry } from "../jobs/metrics.ts";
import { startJobSystem } from "../jobs/system.ts";
import { logger } from "../log.ts";
import { startNotificationDelivery, stopNotificationDelivery } from "../notifications/delivery-loop.ts";
import { getRuntime } from "../runtime.ts";
import { startTracing } from "../telemetry.ts";
import { serveWorkerMetrics } from "./worker-metrics.ts";

async function main(): Promise<void> {
  // Before anything else, so the job's spans have a tracer (a no-op unless OTEL_EXPORTER_OTLP_ENDPOINT).
  await startTracing("beatsight-worker");
  const runtime = await getRuntime();
  const config = jobsConfig();
  // Before the jobs start, so a wrong setting stops the worker before it takes any.
  const { WORKER_METRICS_PORT } = env();
  const metrics =
    WORKER_METRICS_PORT === undefined
      ? null
      : await serveWorkerMetrics({
          port: WORKER_METRICS_PORT,
          token: config.METRICS_TOKEN,
          registry: () => metricsRegistry(runtime.db),
        });
  const jobs = await startJobSystem({
    db: runtime.db,
    databaseUrl: runtime.databaseUrl,
    config,
    worker: true,
  });
  // Workers send notification emails and pushes too (a worker-only machine may be the only one up).
  startNotificationDelivery(runtime.db);
  logger().info({ workerId: jobs.workerId, metricsPort: metrics?.port }, "BeatSight worker ready");
  const stop = async () => {
    // In-flight jobs go back to the queue for another worker.
    await metrics?.close().catch(() => {});
    await jobs.stop().catch(() => {});
    await stopNotificationDelivery().catch(() => {});
    await runtime.shutdown().catch(() => {});
    process.exit(0);
  };
  process.once("SIGTERM", stop);
  process.once("SIGINT", stop);
}

main().catch((error: unknown) => {
  console.error(
    `\nThe BeatSight worker could not start: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
});
