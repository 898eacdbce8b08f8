// The judge: matches hits (lane + song time) to the chart's notes and reports misses as the
// playhead passes them. Pure and incremental: O(notes in the window) per hit, O(lanes) per frame.
import { LANE_COUNT } from "../beatmap/lanes.ts";
import { classify, HIT_WINDOWS_MS, type HitWindows, type Judgment, songWindows } from "./hit-windows.ts";

export interface JudgeNote {
  /** Song ms. */
  Time: number;
  Lane: number;
  Velocity: number;
}

export const NOTE_PENDING = 0;
export const NOTE_SKIPPED = 5;
/** Per-note status codes: 0 pending, 1–4 the judgment, 5 outside the part being played. */
export const STATUS_OF: Readonly<Record<Judgment, number>> = { perfect: 1, great: 2, good: 3, miss: 4 };

export interface JudgedNote {
  kind: "note";
  index: number;
  lane: number;
  judgment: Judgment;
  /** Real-time error in ms: positive = late, negative = early; NaN for a miss. */
  errorMs: number;
  /** Song ms of the note. */
  noteMs: number;
  /** Velocity of the hit (MIDI) when known. */
  hitVelocity?: number;
}

export interface StrayHit {
  kind: "stray";
  lane: number;
  songMs: number;
}

export type HitResult = JudgedNote | StrayHit;

export class Judge {
  /** Status of every note (see STATUS_OF); the renderer reads it to hide or colour notes. */
  readonly status: Uint8Array;
  private readonly lanes: number[][];
  private readonly cursor: number[];
  private rate = 1;
  private win: HitWindows;

  constructor(
    readonly notes: readonly JudgeNote[],
    private readonly base: HitWindows = HIT_WINDOWS_MS,
  ) {
    this.status = new Uint8Array(notes.length);
    this.lanes = Array.from({ length: LANE_COUNT }, () => []);
    notes.forEach((n, i) => {
      this.lanes[n.Lane]?.push(i);
    });
    for (const lane of this.lanes) lane.sort((a, b) => notes[a]!.Time - notes[b]!.Time || a - b);
    this.cursor = new Array(LANE_COUNT).fill(0);
    this.win = songWindows(1, base);
  }

  setRate(rate: number): void {
    this.rate = rate;
    this.win = songWindows(rate, this.base);
  }

  get windowsSongMs(): HitWindows {
    return this.win;
  }

  /**
   * Starts a run (or a loop pass) over [fromMs, toMs): those notes become pending, the rest are
   * skipped and never count.
   */
  begin(fromMs: number, toMs = Number.POSITIVE_INFINITY): void {
    this.notes.forEach((n, i) => {
      this.status[i] = n.Time >= fromMs - 1e-6 && n.Time < toMs - 1e-6 ? NOTE_PENDING : NOTE_SKIPPED;
    });
    this.cursor.fill(0);
    for (let lane = 0; lane < LANE_COUNT; lane++) this.skipDone(lane);
  }

  /** A hit on `lane` at song time `songMs`: the pending note in the window closest in time, else a stray. */
  hit(lane: number, songMs: number, velocity?: number): HitResult {
    const ids = this.lanes[lane];
    if (!ids) return { kind: "stray", lane, songMs };
    let best = -1;
    let bestErr = Number.POSITIVE_INFINITY;
    for (let k = this.cursor[lane]!; k < ids.length; k++) {
      const i = ids[k]!;
      const t = this.notes[i]!.Time;
      if (t > songMs + this.win.good) break;
      if (this.status[i] !== NOTE_PENDING) continue;
      const err = Math.abs(songMs - t);
      // Strictly smaller: on a tie the earlier note wins, so doubles are taken in order.
      if (err <= this.win.good && err < bestErr) {
        best = i;
        bestErr = err;
      }
    }
    if (best < 0) return { kind: "stray", lane, songMs };
    const note = this.notes[best]!;
    const errorMs = (songMs - note.Time) / this.rate;
    const judgment = classify(errorMs, this.base);
    this.status[best] = STATUS_OF[judgment];
    this.skipDone(lane);
    return {
      kind: "note",
      index: best,
      lane,
      judgment,
      errorMs,
      noteMs: note.Time,
      ...(velocity === undefined ? {} : { hitVelocity: velocity }),
    };
  }

  /** Marks as missed every pending note whose window closed before `songMs`. */
  advance(songMs: number): JudgedNote[] {
    const missed: JudgedNote[] = [];
    for (let lane = 0; lane < LANE_COUNT; lane++) {
      const ids = this.lanes[lane]!;
      for (let k = this.cursor[lane]!; k < ids.length; k++) {
        const i = ids[k]!;
        const t = this.notes[i]!.Time;
        if (t + this.win.good >= songMs) break;
        if (this.status[i] !== NOTE_PENDING) continue;
        this.status[i] = STATUS_OF.miss;
        missed.push({ kind: "note", index: i, lane, judgment: "miss", errorMs: Number.NaN, noteMs: t });
      }
      this.skipDone(lane);
    }
    return missed;
  }

  /** Whether every note of the run has been judged. */
  get finished(): boolean {
    return this.status.every((s) => s !== NOTE_PENDING);
  }

  private skipDone(lane: number): void {
    const ids = this.lanes[lane]!;
    let k = this.cursor[lane]!;
    while (k < ids.length && this.status[ids[k]!] !== NOTE_PENDING) k++;
    this.cursor[lane] = k;
  }
}
