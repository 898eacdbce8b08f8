// The song's clock on the engraved score: which bar of the staff sounds at a song time, and how
// far into it; which song time a bar spans; which bar of the chart's grid it is (the practice
// controller loops grid bars). The score's bars are laid on the chart's own tempo map, so a
// tempo the notation rounded (a metronome mark of 120 for 119.6 BPM) never lets the cursor drift:
// the notation's measure 1 starts at the chart's first beat (lib/notation/model.ts), a pickup
// before it.
import type { TempoMap } from "@/lib/beatmap/tempo.ts";
import { barIndex } from "@/lib/practice/session.ts";

export interface StaffPlace {
  /** 0-based bar of the score. */
  bar: number;
  /** How far into the bar, 0–1, on the beat axis. */
  fraction: number;
}

export class StaffTiming {
  /** Beat (quarter notes since the chart's Offset) at each bar line, one more than bars. */
  private readonly lines: Float64Array;

  /** `barBeats`: each score bar's length in quarter notes; `pickup`: the first precedes beat 0. */
  constructor(
    private readonly tempo: TempoMap,
    barBeats: readonly number[],
    pickup: boolean,
  ) {
    this.lines = new Float64Array(barBeats.length + 1);
    let beat = pickup ? -(barBeats[0] ?? 0) : 0;
    barBeats.forEach((length, i) => {
      this.lines[i] = beat;
      beat += length;
    });
    this.lines[barBeats.length] = beat;
  }

  get barCount(): number {
    return this.lines.length - 1;
  }

  /** The score bar sounding at `songMs`; before the first bar its start, after the last its end. */
  placeAt(songMs: number): StaffPlace | null {
    const n = this.barCount;
    if (n === 0) return null;
    const beat = this.tempo.msToBeat(songMs);
    if (beat <= this.lines[0]!) return { bar: 0, fraction: 0 };
    if (beat >= this.lines[n]!) return { bar: n - 1, fraction: 1 };
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.lines[mid]! <= beat) lo = mid;
      else hi = mid - 1;
    }
    const start = this.lines[lo]!;
    return { bar: lo, fraction: (beat - start) / (this.lines[lo + 1]! - start) };
  }

  /** The song time a score bar spans, ms. */
  spanMs(bar: number): { a: number; b: number } {
    return { a: this.tempo.beatToMs(this.lines[bar]!), b: this.tempo.beatToMs(this.lines[bar + 1]!) };
  }

  /**
   * The bar of the chart's grid (from 1, as PracticeController.loopBars counts) that a score bar
   * starts; null for a pickup, which lies before the grid's first bar.
   */
  gridBar(bar: number): number | null {
    const start = this.lines[bar]!;
    if (start < -1e-6) return null;
    // A little way in: inside the grid bar whose line the score's bar line sits on.
    const into = Math.min(0.5, (this.lines[bar + 1]! - start) / 2);
    return barIndex(this.tempo, this.tempo.beatToMs(start + into)) + 1;
  }
}
