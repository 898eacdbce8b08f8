// What server generation costs: measured seconds × configurable unit prices, one cost_records row
// per resource, and the projections /ops shows beside the seed cost model
// (/work/shared/seed/web_compute_costs.md, summarised in docs/SERVER_JOBS.md).
import type { JobsConfig } from "./config.ts";

export type Prices = Pick<
  JobsConfig,
  "PRICE_GPU_SECOND_USD" | "PRICE_CPU_SECOND_USD" | "PRICE_EMAIL_USD" | "PRICE_PUSH_USD"
>;

export interface CostLine {
  kind: "gpu" | "cpu" | "email" | "push";
  quantity: number;
  unit: "gpu_seconds" | "cpu_seconds" | "emails" | "pushes";
  amountUsd: number;
}

/** Stages that run on the accelerator when the worker has one. */
const GPU_STAGES = ["separate", "transcribe"] as const;

/**
 * One attempt's cost. CPU seconds are the process's own (user + system) CPU time, so idle waiting
 * costs nothing and several cores working count several times; GPU seconds are the wall time of
 * the inference stages when they ran on CUDA.
 */
export function jobCostLines(
  run: { backend: string; cpuSeconds: number; stageSeconds: Record<string, number> },
  prices: Prices,
): CostLine[] {
  const lines: CostLine[] = [
    {
      kind: "cpu",
      quantity: round(run.cpuSeconds, 3),
      unit: "cpu_seconds",
      amountUsd: round(run.cpuSeconds * prices.PRICE_CPU_SECOND_USD, 6),
    },
  ];
  if (run.backend.includes("cuda")) {
    const gpuSeconds = GPU_STAGES.reduce((s, st) => s + (run.stageSeconds[st] ?? 0), 0);
    lines.push({
      kind: "gpu",
      quantity: round(gpuSeconds, 3),
      unit: "gpu_seconds",
      amountUsd: round(gpuSeconds * prices.PRICE_GPU_SECOND_USD, 6),
    });
  }
  return lines;
}

export function notificationCostLine(kind: "email" | "push", prices: Prices): CostLine {
  return kind === "email"
    ? { kind, quantity: 1, unit: "emails", amountUsd: prices.PRICE_EMAIL_USD }
    : { kind, quantity: 1, unit: "pushes", amountUsd: prices.PRICE_PUSH_USD };
}

/** The seed's monthly variable cost per scenario, for comparison. */
export const SEED_MONTHLY_USD = { 1000: 56.4, 10000: 564, 50000: 2_820 } as const;
/** Seed assumptions: 2 new songs per user and month, half of them already charted. */
export const SEED_NEW_SONGS_PER_USER = 2;
export const SEED_DEDUP_SHARE = 0.5;
export const SEED_COST_PER_SONG_USD = 0.0564;

export interface ProjectionInput {
  /** Measured $ per song generated on the server (compute + notifications); null: no data yet. */
  costPerServerSongUsd: number | null;
  /** Share of song requests answered without generating (existing chart or joined job); null: none yet. */
  dedupShare: number | null;
  /** Share of generated charts made on the server rather than in browsers; null: none yet. */
  serverShare: number | null;
}

export interface Projection {
  mau: number;
  monthlyUsd: number;
  seedMonthlyUsd: number;
  /** Which inputs were measured here and which fell back to the seed's assumptions. */
  basis: string;
}

/**
 * Monthly cost at a number of monthly active users: each user brings the seed's 2 songs, dedup
 * answers a share of them, browsers chart a share of the rest, the server charts what is left at
 * the measured $ per song. Missing measurements fall back to the seed's assumptions (server share
 * 1: the seed had no browser inference).
 */
export function projectMonthlyCost(
  input: ProjectionInput,
  mauScenarios = [1_000, 10_000, 50_000],
): Projection[] {
  const perSong = input.costPerServerSongUsd ?? SEED_COST_PER_SONG_USD;
  const dedup = input.dedupShare ?? SEED_DEDUP_SHARE;
  const server = input.serverShare ?? 1;
  const measured = [
    input.costPerServerSongUsd !== null ? "$/song" : null,
    input.dedupShare !== null ? "dedup share" : null,
    input.serverShare !== null ? "server share" : null,
  ].filter(Boolean);
  const basis =
    measured.length > 0 ? `measured: ${measured.join(", ")}; rest from the seed` : "seed assumptions";
  return mauScenarios.map((mau) => ({
    mau,
    monthlyUsd: round(mau * SEED_NEW_SONGS_PER_USER * (1 - dedup) * server * perSong, 2),
    seedMonthlyUsd: SEED_MONTHLY_USD[mau as keyof typeof SEED_MONTHLY_USD] ?? round(mau * 0.0564, 2),
    basis,
  }));
}

/** This month's spend extrapolated to the whole month at the rate so far. */
export function projectThisMonth(spentUsd: number, now: Date): number {
  const start = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1);
  const end = Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1);
  // The first hours of a month say little: extrapolate from at least one day.
  const elapsed = Math.max(now.getTime() - start, 24 * 3600 * 1000);
  return round((spentUsd * (end - start)) / elapsed, 4);
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
