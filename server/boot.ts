// Start-up of a server process: the database is started and migrated before the first request,
// so the first request is fast and a broken configuration stops the server at once with a message
// that says what to fix. Shutdown stops the embedded database this process started.
import { getJobSystem, jobsEnabled } from "./jobs/runtime.ts";
import { startNotificationDelivery, stopNotificationDelivery } from "./notifications/delivery-loop.ts";
import { getRuntime } from "./runtime.ts";
import { startTracing } from "./telemetry.ts";

export async function bootServer(): Promise<void> {
  try {
    // First, so the spans of everything after it have a tracer (a no-op unless OTEL_EXPORTER_OTLP_ENDPOINT).
    await startTracing("beatsight-web");
    const runtime = await getRuntime();
    // The queue (and, in the embedded default, a worker) runs beside the web server.
    const jobs = jobsEnabled() ? await getJobSystem() : null;
    // Notification emails and pushes go out from every process, with or without server generation.
    startNotificationDelivery(runtime.db);
    const stop = async () => {
      await jobs?.stop().catch(() => {});
      await stopNotificationDelivery().catch(() => {});
      await runtime.shutdown().catch(() => {});
      process.exit(0);
    };
    process.once("SIGTERM", stop);
    process.once("SIGINT", stop);
  } catch (error) {
    // Plain stderr: the logger itself may be what failed (invalid configuration).
    console.error(`\nBeatSight could not start: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  }
}
