// The felt beat of a chart's sections: what a drummer counts. BPM counts quarter notes (tempo.ts),
// but a 6/8 bar is counted in two dotted quarters and a swing section's 8th notes fall on the
// triplet's last third; the difficulty levels (difficulty.ts) and their checks keep to this pulse.
import type { Feel, Timing } from "./schema.ts";
import { parseTimeSignature, type TimeSignature } from "./tempo.ts";

/** The felt beat in quarter notes: a dotted quarter in compound meters (6/8, 9/8, 12/8), an 8th in 5/8 or 7/8. */
export function pulseOf(ts: TimeSignature): number {
  if (ts.denominator === 8) return ts.numerator % 3 === 0 ? 1.5 : 0.5;
  return 4 / ts.denominator;
}

/** Compound meters count their 8th notes in threes. */
export const isCompound = (ts: TimeSignature): boolean => pulseOf(ts) === 1.5;

export interface Section {
  ms: number;
  ts: TimeSignature;
  feel: Feel;
}

/** The time signature and feel of each stretch of a chart, looked up by time. */
export class Sections {
  private constructor(private readonly list: readonly Section[]) {}

  static fromTiming(timing: Timing | undefined): Sections {
    if (!timing) return new Sections([{ ms: 0, ts: { numerator: 4, denominator: 4 }, feel: "straight" }]);
    let current: Section = {
      ms: timing.Offset,
      ts: parseTimeSignature(timing.TimeSignature),
      feel: timing.Feel ?? "straight",
    };
    const list = [current];
    for (const p of [...timing.TimingPoints].sort((a, b) => a.Time - b.Time)) {
      if (!p.TimeSignature && !p.Feel) continue;
      current = {
        ms: p.Time,
        ts: p.TimeSignature ? parseTimeSignature(p.TimeSignature) : current.ts,
        feel: p.Feel ?? current.feel,
      };
      list.push(current);
    }
    return new Sections(list);
  }

  /** The section in force at `ms` (the first one before the Offset). */
  at(ms: number): Section {
    let lo = 0;
    let hi = this.list.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.list[mid]!.ms <= ms) lo = mid;
      else hi = mid - 1;
    }
    return this.list[lo]!;
  }
}
