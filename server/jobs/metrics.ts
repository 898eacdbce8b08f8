// Prometheus metrics (prom-client). Job and cost figures are read from the database at scrape time,
// so they are the same whichever web process is scraped and include workers on other machines.
import client from "prom-client";
import type { Db } from "../db/client.ts";

const g = globalThis as typeof globalThis & { __beatsightMetrics?: client.Registry };

export function metricsRegistry(db: Db): client.Registry {
  if (g.__beatsightMetrics) return g.__beatsightMetrics;
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry, prefix: "beatsight_" });

  new client.Gauge({
    name: "beatsight_jobs",
    help: "Server generation jobs by state (all time)",
    labelNames: ["state"],
    registers: [registry],
    async collect() {
      const rows = await db.aiJob.groupBy({ by: ["state"], _count: true });
      this.reset();
      for (const r of rows) this.set({ state: r.state }, r._count);
    },
  });
  new client.Gauge({
    name: "beatsight_job_queue_oldest_seconds",
    help: "Age of the oldest queued job",
    registers: [registry],
    async collect() {
      const oldest = await db.aiJob.findFirst({ where: { state: "queued" }, orderBy: { createdAt: "asc" } });
      this.set(oldest ? (Date.now() - oldest.createdAt.getTime()) / 1000 : 0);
    },
  });
  new client.Gauge({
    name: "beatsight_cost_usd_total",
    help: "Recorded server cost in USD by kind (all time)",
    labelNames: ["kind"],
    registers: [registry],
    async collect() {
      const rows = await db.costRecord.groupBy({ by: ["kind"], _sum: { amountUsd: true } });
      this.reset();
      for (const r of rows) this.set({ kind: r.kind }, Number(r._sum.amountUsd ?? 0));
    },
  });
  new client.Gauge({
    name: "beatsight_job_seconds_total",
    help: "Seconds spent by completed server jobs, by pipeline stage (cpu = process CPU seconds)",
    labelNames: ["stage"],
    registers: [registry],
    async collect() {
      const rows = await db.$queryRaw<{ stage: string; seconds: number }[]>`
        SELECT key AS stage, sum(value::text::float8) AS seconds
          FROM ai_jobs, jsonb_each(stage_seconds) WHERE state = 'complete' GROUP BY key`;
      this.reset();
      for (const r of rows) this.set({ stage: r.stage }, Number(r.seconds));
    },
  });
  new client.Gauge({
    name: "beatsight_job_requests_total",
    help: "Requests for server generation by outcome (new_job, joined, existing_map)",
    labelNames: ["outcome"],
    registers: [registry],
    async collect() {
      const rows = await db.jobRequest.groupBy({ by: ["outcome"], _count: true });
      this.reset();
      for (const r of rows) this.set({ outcome: r.outcome }, r._count);
    },
  });
  new client.Gauge({
    name: "beatsight_uploads_kept",
    help: "Uploaded audio files not yet deleted by retention",
    registers: [registry],
    async collect() {
      this.set(await db.aiJob.count({ where: { uploadKey: { not: null }, uploadDeletedAt: null } }));
    },
  });
  g.__beatsightMetrics = registry;
  return registry;
}
