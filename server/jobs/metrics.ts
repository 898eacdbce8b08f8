// What a scrape reads from the database: the queue as it is now and the uploads still kept, each
// one query answered from an index and bounded by live rows (queued and running jobs, uploads not
// yet deleted), never by history. Everything cumulative (jobs done, stage seconds, costs,
// requests) is counted when it happens (server/metrics.ts), so a scrape costs the same after a
// million jobs as after ten; metrics.int.test.ts checks each statement's plan.
import client from "prom-client";
import { type Db, poolStats } from "../db/client.ts";
import { processMetrics } from "../metrics.ts";

interface DatabaseGauges {
  /** The client the gauges read; the runtime's, replaced when another is passed (tests). */
  db: Db;
}

const g = globalThis as typeof globalThis & { __beatsightDatabaseGauges?: DatabaseGauges };

/** The process's registry, with the database gauges read through `db`. */
export function metricsRegistry(db: Db): client.Registry {
  const { registry } = processMetrics();
  if (g.__beatsightDatabaseGauges) {
    g.__beatsightDatabaseGauges.db = db;
    return registry;
  }
  const source: DatabaseGauges = { db };
  g.__beatsightDatabaseGauges = source;
  const registers = [registry];

  new client.Gauge({
    name: "beatsight_jobs_live",
    help: "Server jobs queued or processing now (all processes: read from the database)",
    labelNames: ["state"],
    registers,
    async collect() {
      // ai_jobs_state_priority_created_at_idx: only the live jobs' index entries are read.
      const rows = await source.db.$queryRaw<{ state: string; jobs: number }[]>`
        SELECT state::text AS state, count(*)::int AS jobs FROM ai_jobs
         WHERE state IN ('queued', 'processing') GROUP BY state`;
      this.reset();
      this.set({ state: "queued" }, 0);
      this.set({ state: "processing" }, 0);
      for (const row of rows) this.set({ state: row.state }, row.jobs);
    },
  });
  new client.Gauge({
    name: "beatsight_job_queue_oldest_seconds",
    help: "Age of the oldest queued job (0 when none waits)",
    registers,
    async collect() {
      const [row] = await source.db.$queryRaw<{ oldest: Date | null }[]>`
        SELECT min(created_at) AS oldest FROM ai_jobs WHERE state = 'queued'`;
      this.set(row?.oldest ? Math.max(0, (Date.now() - row.oldest.getTime()) / 1000) : 0);
    },
  });
  new client.Gauge({
    name: "beatsight_uploads_kept",
    help: "Uploaded audio files not yet deleted by retention",
    registers,
    async collect() {
      // ai_jobs_upload_pending_idx is partial on exactly this condition.
      const [row] = await source.db.$queryRaw<{ kept: number }[]>`
        SELECT count(*)::int AS kept FROM ai_jobs WHERE upload_key IS NOT NULL AND upload_deleted_at IS NULL`;
      this.set(row?.kept ?? 0);
    },
  });
  new client.Gauge({
    name: "beatsight_db_pool_connections",
    help: "This process's database pool (DB_POOL_MAX): connections open, idle, and queries waiting for one",
    labelNames: ["state"],
    registers,
    collect() {
      const stats = poolStats(source.db);
      if (!stats) return;
      this.set({ state: "max" }, stats.max);
      this.set({ state: "open" }, stats.open);
      this.set({ state: "idle" }, stats.idle);
      this.set({ state: "waiting" }, stats.waiting);
    },
  });
  return registry;
}
