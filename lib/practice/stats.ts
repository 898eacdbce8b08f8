// Score, combo, accuracy and the numbers a drummer learns from: per lane, per limb, early/late,
// and the bars missed most. Fed with the judge's results; pure.
import { LANE_COUNT } from "../beatmap/lanes.ts";
import { type DynamicsVerdict, judgeDynamics, type VelocityCalibration } from "./dynamics.ts";
import type { Judgment } from "./hit-windows.ts";
import type { HitResult, JudgedNote } from "./judge.ts";

export const JUDGMENT_POINTS: Readonly<Record<Judgment, number>> = {
  perfect: 300,
  great: 200,
  good: 100,
  miss: 0,
};

export type Counts = Record<Judgment, number>;
export type Limb = "hands" | "feet";

export interface TimingStats {
  /** Hits with a timing error (misses excluded). */
  count: number;
  /** Mean signed error, real ms (positive = late). */
  meanMs: number;
  /** Standard deviation of the error, real ms. */
  sdMs: number;
}

export interface LaneSummary extends TimingStats {
  lane: number;
  counts: Counts;
}

export interface RunSummary {
  score: number;
  maxCombo: number;
  /** 0–1: points earned over the points of all perfect. */
  accuracy: number;
  counts: Counts;
  strays: number;
  early: number;
  late: number;
  notes: number;
  lanes: LaneSummary[];
  limbs: Record<Limb, TimingStats>;
  /** Bars (0-based) with misses, most missed first, at most 8. */
  missedBars: { bar: number; misses: number }[];
  /** Ghosts and accents played with a velocity (MIDI): how many were right, too loud, too soft. */
  dynamics: Record<DynamicsVerdict, number>;
}

const emptyCounts = (): Counts => ({ perfect: 0, great: 0, good: 0, miss: 0 });

class Welford {
  n = 0;
  mean = 0;
  private m2 = 0;
  add(x: number): void {
    this.n++;
    const d = x - this.mean;
    this.mean += d / this.n;
    this.m2 += d * (x - this.mean);
  }
  get stats(): TimingStats {
    return {
      count: this.n,
      meanMs: this.n ? this.mean : 0,
      sdMs: this.n > 1 ? Math.sqrt(this.m2 / this.n) : 0,
    };
  }
}

export interface NoteContext {
  limb: Limb;
  /** 0-based bar index. */
  bar: number;
  /** The note's velocity 0–1 (for dynamics). */
  velocity?: number;
}

export class ScoreKeeper {
  score = 0;
  combo = 0;
  maxCombo = 0;
  private readonly counts = emptyCounts();
  private strays = 0;
  private early = 0;
  private late = 0;
  private readonly laneCounts = Array.from({ length: LANE_COUNT }, emptyCounts);
  private readonly laneTiming = Array.from({ length: LANE_COUNT }, () => new Welford());
  private readonly limbTiming: Record<Limb, Welford> = { hands: new Welford(), feet: new Welford() };
  private readonly barMisses = new Map<number, number>();
  private readonly dynamics: Record<DynamicsVerdict, number> = { ok: 0, "too-loud": 0, "too-soft": 0 };

  /** `context(i)` says which limb plays note i, in which bar it sits and how loud it is. */
  constructor(
    private readonly context: (index: number) => NoteContext,
    private readonly velocityCalibration?: VelocityCalibration,
  ) {}

  add(result: HitResult): void {
    if (result.kind === "stray") {
      this.strays++;
      return;
    }
    this.addJudged(result);
  }

  private addJudged(r: JudgedNote): void {
    this.counts[r.judgment]++;
    this.laneCounts[r.lane]![r.judgment]++;
    this.score += JUDGMENT_POINTS[r.judgment];
    const ctx = this.context(r.index);
    if (r.judgment === "miss") {
      this.combo = 0;
      this.barMisses.set(ctx.bar, (this.barMisses.get(ctx.bar) ?? 0) + 1);
      return;
    }
    this.combo++;
    this.maxCombo = Math.max(this.maxCombo, this.combo);
    this.laneTiming[r.lane]!.add(r.errorMs);
    this.limbTiming[ctx.limb].add(r.errorMs);
    if (r.hitVelocity !== undefined && ctx.velocity !== undefined) {
      this.dynamics[judgeDynamics(ctx.velocity, r.hitVelocity, this.velocityCalibration)]++;
    }
    if (r.judgment !== "perfect") {
      if (r.errorMs < 0) this.early++;
      else this.late++;
    }
  }

  get judged(): number {
    const c = this.counts;
    return c.perfect + c.great + c.good + c.miss;
  }

  get accuracy(): number {
    const n = this.judged;
    return n === 0 ? 1 : this.score / (n * JUDGMENT_POINTS.perfect);
  }

  summary(): RunSummary {
    return {
      score: this.score,
      maxCombo: this.maxCombo,
      accuracy: this.accuracy,
      counts: { ...this.counts },
      strays: this.strays,
      early: this.early,
      late: this.late,
      notes: this.judged,
      lanes: this.laneCounts.map((counts, lane) => ({
        lane,
        counts: { ...counts },
        ...this.laneTiming[lane]!.stats,
      })),
      limbs: { hands: this.limbTiming.hands.stats, feet: this.limbTiming.feet.stats },
      missedBars: [...this.barMisses.entries()]
        .sort((a, b) => b[1] - a[1] || a[0] - b[0])
        .slice(0, 8)
        .map(([bar, misses]) => ({ bar, misses })),
      dynamics: { ...this.dynamics },
    };
  }
}

/** A letter grade for the results screen. */
export function grade(accuracy: number, counts: Counts): string {
  if (counts.miss === 0 && counts.good === 0 && counts.great === 0 && counts.perfect > 0) return "SS";
  if (accuracy >= 0.95) return "S";
  if (accuracy >= 0.9) return "A";
  if (accuracy >= 0.8) return "B";
  if (accuracy >= 0.7) return "C";
  return "D";
}
