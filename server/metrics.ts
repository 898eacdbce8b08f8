// The Prometheus metrics of this process (prom-client), defined once here and updated where things
// happen: the route guard times requests, the tRPC middleware times procedures, the worker counts
// jobs, stage seconds and costs. A scrape only reads these (and a few indexed counts,
// server/jobs/metrics.ts), so it costs the same however large the tables grow.
//
// Counters belong to the process that counted: every web process (/api/metrics) and every worker
// (WORKER_METRICS_PORT) is scraped on its own, and Prometheus sums across them (docs/DEPLOY.md).
import client from "prom-client";

/** Seconds: from a cached query (a few ms) to a slow upload or a long batch of calls. */
const REQUEST_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
/** Seconds one pipeline stage of one job takes: a cached model load to a 20-minute song on a CPU. */
const STAGE_BUCKETS = [0.5, 1, 2, 5, 10, 20, 30, 60, 120, 300, 600, 1200];

export interface ProcessMetrics {
  registry: client.Registry;
  /** By route pattern (not the URL: bounded), method and status class (2xx, 4xx, 5xx). */
  httpDuration: client.Histogram<"route" | "method" | "status">;
  /** By procedure path, type, and outcome ("ok" or the tRPC error code). */
  trpcDuration: client.Histogram<"procedure" | "type" | "outcome">;
  /** One per attempt a worker of this process made: complete, failed, retry, interrupted, skipped. */
  workerJobs: client.Counter<"outcome">;
  /** Seconds of each stage of each job this process completed (cpu = process CPU seconds). */
  jobStageSeconds: client.Histogram<"stage">;
  /** Cost this process recorded for the jobs it completed, by kind (cpu, gpu). */
  jobCostUsd: client.Counter<"kind">;
  /** Requests for server generation this process answered: new_job, joined, existing_map. */
  jobRequests: client.Counter<"outcome">;
}

// On globalThis: Next.js bundles route handlers and instrumentation separately, and a metric
// registered twice under one name would throw.
const g = globalThis as typeof globalThis & { __beatsightProcessMetrics?: ProcessMetrics };

export function processMetrics(): ProcessMetrics {
  g.__beatsightProcessMetrics ??= createMetrics();
  return g.__beatsightProcessMetrics;
}

function createMetrics(): ProcessMetrics {
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry, prefix: "beatsight_" });
  const registers = [registry];
  return {
    registry,
    httpDuration: new client.Histogram({
      name: "beatsight_http_request_duration_seconds",
      help: "Time until a route handler answered (headers; a stream's body continues after), by route pattern, method and status class",
      labelNames: ["route", "method", "status"],
      buckets: REQUEST_BUCKETS,
      registers,
    }),
    trpcDuration: new client.Histogram({
      name: "beatsight_trpc_procedure_duration_seconds",
      help: "Time a tRPC procedure took, by procedure, type and outcome (ok or the tRPC error code)",
      labelNames: ["procedure", "type", "outcome"],
      buckets: REQUEST_BUCKETS,
      registers,
    }),
    workerJobs: new client.Counter({
      name: "beatsight_worker_job_attempts_total",
      help: "Server job attempts this process's worker made, by outcome (complete, failed, retry, interrupted, skipped)",
      labelNames: ["outcome"],
      registers,
    }),
    jobStageSeconds: new client.Histogram({
      name: "beatsight_job_stage_seconds",
      help: "Seconds per pipeline stage of server jobs completed by this process (cpu = process CPU seconds)",
      labelNames: ["stage"],
      buckets: STAGE_BUCKETS,
      registers,
    }),
    jobCostUsd: new client.Counter({
      name: "beatsight_job_cost_usd_total",
      help: "Cost recorded for server jobs completed by this process, in USD, by kind (cpu, gpu)",
      labelNames: ["kind"],
      registers,
    }),
    jobRequests: new client.Counter({
      name: "beatsight_job_requests_total",
      help: "Requests for server generation answered by this process, by outcome (new_job, joined, existing_map)",
      labelNames: ["outcome"],
      registers,
    }),
  };
}

/** "2xx", "4xx", "5xx": a bounded label where raw codes would split every series. */
export function statusClass(status: number): string {
  return `${Math.floor(status / 100)}xx`;
}
