// The speed trainer on a looped section: start slower, step the tempo up after a clean pass, drop
// back after a pass with too many misses. Pure; the player asks it at the end of every loop pass.
import { clampRate } from "./hit-windows.ts";
import type { RunSummary } from "./stats.ts";

export interface SpeedTrainerConfig {
  startRate: number;
  targetRate: number;
  /** Added after a clean pass (0.05 = 5 percentage points). */
  stepUp: number;
  stepDown: number;
  /** A pass is clean with no misses and at least this accuracy. */
  cleanAccuracy: number;
  /** Misses in one pass that make the tempo drop. */
  dropAfterMisses: number;
}

export const DEFAULT_TRAINER: SpeedTrainerConfig = {
  startRate: 0.7,
  targetRate: 1,
  stepUp: 0.05,
  stepDown: 0.05,
  cleanAccuracy: 0.9,
  dropAfterMisses: 2,
};

export type TrainerStep = "up" | "down" | "hold" | "done";

export interface TrainerDecision {
  rate: number;
  step: TrainerStep;
}

const round = (r: number) => Math.round(r * 100) / 100;

export function nextRate(cfg: SpeedTrainerConfig, rate: number, pass: RunSummary): TrainerDecision {
  const notes = pass.counts.perfect + pass.counts.great + pass.counts.good + pass.counts.miss;
  if (notes === 0) return { rate, step: "hold" };
  const clean = pass.counts.miss === 0 && pass.accuracy >= cfg.cleanAccuracy;
  if (clean) {
    if (rate >= cfg.targetRate - 1e-6) return { rate, step: "done" };
    return { rate: round(clampRate(Math.min(cfg.targetRate, rate + cfg.stepUp))), step: "up" };
  }
  if (pass.counts.miss >= cfg.dropAfterMisses) {
    const lower = round(clampRate(Math.max(Math.min(cfg.startRate, rate), rate - cfg.stepDown)));
    return lower < rate ? { rate: lower, step: "down" } : { rate, step: "hold" };
  }
  return { rate, step: "hold" };
}

const pct = (x: number) => `${Math.round(x * 100)} %`;

/** What the trainer did after a pass, as the log beside the loop shows it. */
export function describeTrainerStep(d: TrainerDecision, rate: number, pass: RunSummary): string {
  switch (d.step) {
    case "up":
      return `clean pass: up to ${pct(d.rate)}`;
    case "down":
      return `${pass.counts.miss} missed: back to ${pct(d.rate)}`;
    case "done":
      return `clean at ${pct(d.rate)}: target reached`;
    case "hold":
      return `${pct(rate)} again (${pass.counts.miss} missed, ${(pass.accuracy * 100).toFixed(0)} %)`;
  }
}
