// Tempo maps. `TempoMap` reads a chart's Timing (ms ↔ beats, downbeats); `TickTempoMap` is the
// tick-based map of MIDI and .chart (ticks ↔ ms), shared by importers and exporters.
import { roundMs } from "./canonical.ts";
import { BeatmapError } from "./errors.ts";
import type { Timing, TimingPoint } from "./schema.ts";

export const DEFAULT_BPM = 120;

export interface TimeSignature {
  numerator: number;
  denominator: number;
}

export function parseTimeSignature(ts: string | undefined): TimeSignature {
  const [n, d] = (ts ?? "4/4").split("/").map(Number);
  return n && d ? { numerator: n, denominator: d } : { numerator: 4, denominator: 4 };
}

export const formatTimeSignature = (ts: TimeSignature): string => `${ts.numerator}/${ts.denominator}`;

interface Segment {
  ms: number;
  /** Quarter-note beats since the chart's Offset. */
  beat: number;
  bpm: number;
  ts: TimeSignature;
  /** Beat at which the current time signature started (measures count from there). */
  tsBeat: number;
}

/** Last index i with key(items[i]) ≤ value, or 0. */
function lastAtOrBefore<T>(items: readonly T[], value: number, key: (t: T) => number): number {
  let lo = 0;
  let hi = items.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (key(items[mid]!) <= value) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** A chart's tempo map in ms. BPM counts quarter notes, as MIDI and .chart do. */
export class TempoMap {
  private constructor(readonly segments: readonly Segment[]) {}

  static fromTiming(timing: Timing | undefined): TempoMap {
    const t = timing ?? { Bpm: DEFAULT_BPM, Offset: 0, TimeSignature: "4/4", TimingPoints: [] };
    let ts = parseTimeSignature(t.TimeSignature);
    const first: Segment = { ms: t.Offset, beat: 0, bpm: t.Bpm, ts, tsBeat: 0 };
    const segments: Segment[] = [first];
    // Points at or before the Offset are ignored except an exact match, which restates the start
    // (lint reports the others).
    const points = [...t.TimingPoints].sort((a, b) => a.Time - b.Time);
    for (const p of points) {
      const last = segments[segments.length - 1]!;
      if (p.Time < t.Offset) continue;
      if (p.Time - last.ms < 0.001) {
        last.bpm = p.Bpm;
        if (p.TimeSignature) {
          ts = parseTimeSignature(p.TimeSignature);
          last.ts = ts;
        }
        continue;
      }
      const beat = last.beat + ((p.Time - last.ms) * last.bpm) / 60_000;
      const changed = p.TimeSignature !== undefined;
      if (changed) ts = parseTimeSignature(p.TimeSignature);
      segments.push({ ms: p.Time, beat, bpm: p.Bpm, ts, tsBeat: changed ? beat : last.tsBeat });
    }
    return new TempoMap(segments);
  }

  get offsetMs(): number {
    return this.segments[0]!.ms;
  }

  msToBeat(ms: number): number {
    const s = this.segments[lastAtOrBefore(this.segments, ms, (x) => x.ms)]!;
    return s.beat + ((ms - s.ms) * s.bpm) / 60_000;
  }

  beatToMs(beat: number): number {
    const s = this.segments[lastAtOrBefore(this.segments, beat, (x) => x.beat)]!;
    return s.ms + ((beat - s.beat) * 60_000) / s.bpm;
  }

  /** Position within the measure in quarter-note beats, and the measure's length. */
  measurePosition(beat: number): { inMeasure: number; measureBeats: number } {
    const s = this.segments[lastAtOrBefore(this.segments, beat, (x) => x.beat)]!;
    const measureBeats = (s.ts.numerator * 4) / s.ts.denominator;
    const since = beat - s.tsBeat;
    const inMeasure = since - Math.floor(since / measureBeats + 1e-9) * measureBeats;
    return { inMeasure, measureBeats };
  }

  bpmAt(ms: number): number {
    return this.segments[lastAtOrBefore(this.segments, ms, (x) => x.ms)]!.bpm;
  }
}

export interface TickTempoEvent {
  tick: number;
  bpm: number;
}
export interface TickTimeSignatureEvent {
  tick: number;
  ts: TimeSignature;
}

interface TickSegment {
  tick: number;
  ms: number;
  bpm: number;
}

/** A tick-based tempo map (MIDI ticks per quarter note, .chart Resolution). */
export class TickTempoMap {
  private readonly segments: TickSegment[] = [];

  constructor(
    readonly resolution: number,
    firstBpm: number,
  ) {
    this.segments.push({ tick: 0, ms: 0, bpm: firstBpm });
  }

  /** Builds from tempo events (any order; the last event at a tick wins; none means 120 BPM). */
  static fromEvents(resolution: number, events: readonly TickTempoEvent[]): TickTempoMap {
    const sorted = [...events].sort((a, b) => a.tick - b.tick);
    const map = new TickTempoMap(resolution, sorted[0]?.tick === 0 ? sorted[0].bpm : DEFAULT_BPM);
    for (const e of sorted) map.push(e.tick, e.bpm);
    return map;
  }

  /** Adds a tempo change at `tick` (≥ the last one). */
  push(tick: number, bpm: number): void {
    const last = this.segments[this.segments.length - 1]!;
    if (tick <= last.tick) {
      last.bpm = bpm;
      return;
    }
    this.segments.push({ tick, ms: this.tickToMs(tick), bpm });
  }

  get events(): TickTempoEvent[] {
    return this.segments.map((s) => ({ tick: s.tick, bpm: s.bpm }));
  }

  tickToMs(tick: number): number {
    const s = this.segments[lastAtOrBefore(this.segments, tick, (x) => x.tick)]!;
    return s.ms + ((tick - s.tick) * 60_000) / (s.bpm * this.resolution);
  }

  msToTick(ms: number): number {
    const s = this.segments[lastAtOrBefore(this.segments, ms, (x) => x.ms)]!;
    return s.tick + ((ms - s.ms) * s.bpm * this.resolution) / 60_000;
  }

  /**
   * The Timing of a chart imported from ticks. Tick 0 is 0 ms; the first beat is tick 0, or the end
   * of a lead-in bar (see `leadInEnd`): then the Offset is that bar line's time, and the lead-in's
   * tempo and time signature are not part of the Timing (its notes keep their times).
   */
  toTiming(timeSignatures: readonly TickTimeSignatureEvent[]): Timing {
    const tsSorted = [...timeSignatures].sort((a, b) => a.tick - b.tick);
    const leadIn = leadInEnd(this.resolution, tsSorted);
    const start = leadIn?.tick ?? 0;
    const firstTs = leadIn
      ? leadIn.ts
      : tsSorted[0]?.tick === 0
        ? tsSorted[0].ts
        : { numerator: 4, denominator: 4 };
    const byTick = new Map<number, TimingPoint>();
    for (const s of this.segments) {
      if (s.tick > start) byTick.set(s.tick, { Time: roundMs(s.ms), Bpm: s.bpm });
    }
    for (const e of tsSorted) {
      if (e.tick <= start) continue;
      const point = byTick.get(e.tick) ?? {
        Time: roundMs(this.tickToMs(e.tick)),
        Bpm: this.bpmAtTick(e.tick),
      };
      point.TimeSignature = formatTimeSignature(e.ts);
      byTick.set(e.tick, point);
    }
    return {
      Bpm: this.bpmAtTick(start),
      Offset: start > 0 ? roundMs(this.tickToMs(start)) : 0,
      TimeSignature: formatTimeSignature(firstTs),
      TimingPoints: [...byTick.entries()].sort((a, b) => a[0] - b[0]).map(([, p]) => p),
    };
  }

  private bpmAtTick(tick: number): number {
    return this.segments[lastAtOrBefore(this.segments, tick, (x) => x.tick)]!.bpm;
  }
}

/**
 * The lead-in of a tick map, if it has one: the first time-signature event after tick 0, when the
 * stretch before it (the file's first bar) is shorter than one bar of that event's signature and
 * is not a whole number of quarter notes. Exporters write the time before a chart's first beat as
 * such a bar (`chooseLeadIn`). A first bar of whole beats (a 2/4 pickup before 4/4, as notation
 * programs write one) or one at least a full bar long (9/8 before 4/4) is music, and so is any
 * stretch that no time-signature event ends: those keep tick 0 as the first beat.
 */
export function leadInEnd(
  resolution: number,
  timeSignatures: readonly TickTimeSignatureEvent[],
): TickTimeSignatureEvent | undefined {
  const sorted = [...timeSignatures].sort((a, b) => a.tick - b.tick);
  const tick = sorted.find((e) => e.tick > 0)?.tick;
  if (tick === undefined) return undefined;
  // The last event at that tick wins, as in `toTiming`.
  const next = sorted.filter((e) => e.tick === tick).at(-1)!;
  const wholeBeats = tick % resolution === 0;
  const shorterThanABar = tick < resolution * measureBeatsOf(next.ts);
  return !wholeBeats && shorterThanABar ? next : undefined;
}

// ---------------------------------------------------------------------------------------------
// Export: the tempo map MIDI, .chart and .osu files get.
//
// The written map keeps the chart's grid: every beat and bar line of the chart from its first
// beat on is where the chart has it (within what the format can store), and so is every note.
// Two things need care: the time before the first beat (Offset), which tick formats can only
// write as more music, and tempos outside what players and DAWs accept.

/** Exports never write a tempo outside this range (BPM, quarter notes per minute). */
export const EXPORT_MIN_BPM = 20;
export const EXPORT_MAX_BPM = 400;
/**
 * How far (ms) a written grid may stray from the chart's before a section's tempo is adjusted to
 * land exactly on the next section's start: within it, a section keeps the chart's own tempo
 * (rounded to what the format stores), so clean tempos stay clean and every beat and bar line
 * stays within this of the chart's.
 */
export const GRID_TOLERANCE_MS = 0.75;
/** An Offset up to this is not worth a lead-in: the written grid moves by at most this much. */
const NO_LEAD_IN_MS = 0.5;
/**
 * Note values a lead-in bar counts in (n/d, n odd, 1–31: never whole beats, so `leadInEnd` reads
 * it back). 1/128 only where nothing coarser fits: offsets of 4.7–9.4 ms.
 */
const LEAD_IN_DENOMINATORS = [8, 16, 32, 64] as const;
const FINEST_LEAD_IN_DENOMINATOR = 128;
/** The shortest lead-in: a 1/128 note at 400 BPM (4.6875 ms). Shorter offsets are absorbed. */
const MIN_LEAD_IN_MS = ((60_000 / EXPORT_MAX_BPM) * 4) / FINEST_LEAD_IN_DENOMINATOR;
/** A section start this close to a bar line (beats; under half a tick at 480 per beat) is on it. */
const BAR_EPS = 1e-3;
const EPS = 1e-9;
/** Metrical levels tried for an out-of-range tempo: written BPM = BPM × 2^k, |k| ≤ this. */
const MAX_LEVEL = 8;

export const measureBeatsOf = (ts: TimeSignature): number => (ts.numerator * 4) / ts.denominator;

const clampBpm = (bpm: number): number => Math.min(EXPORT_MAX_BPM, Math.max(EXPORT_MIN_BPM, bpm));

/** One stretch of the written tempo map, described on the chart's own grid. */
export interface ExportSection {
  /** Quarter-note beats since the chart's Offset (the chart's TempoMap beats). */
  beat: number;
  /** The chart's time of `beat`, ms. */
  ms: number;
  /** The chart's BPM here. */
  bpm: number;
  /**
   * Metrical level: a power of two, 1 unless the chart's BPM is outside 20–400. The file's
   * quarter note is 1/scale of the chart's, so the written BPM is bpm × scale and the written
   * time signature describes the same bar in the file's notes (4/4 at 520 BPM → 4/8 at 260).
   */
  scale: number;
  /** The chart's time signature. */
  ts: TimeSignature;
  /** Bar lines of this stretch lie at regionBeat + k × the bar's length. */
  regionBeat: number;
  /** Starts a bar of the chart. */
  barStart: boolean;
  /** Starts a new bar structure (time signature or metrical level): a time-signature event goes here. */
  newMeter: boolean;
}

export interface LeadIn {
  /** Time signature of the lead-in bar(s). */
  ts: TimeSignature;
  bars: number;
  /** Length in quarter notes. */
  beats: number;
  /** Tempo that makes it last exactly until the first bar line. */
  bpm: number;
}

export interface ExportPlan {
  sections: ExportSection[];
  /** The chart's time of the first section (its first bar line at or after 0 ms). */
  anchorMs: number;
  /**
   * How the time before `anchorMs` is written by tick formats: "lead-in" (a bar of its own, see
   * `chooseLeadIn`), "absorbed" (the first bar starts at 0 and ends where the chart's second bar
   * starts: offsets under 4.6875 ms, too short for a lead-in within 20–400 BPM) or "none"
   * (≤ 0.5 ms: the grid starts at 0).
   */
  start: "lead-in" | "absorbed" | "none";
  leadIn?: LeadIn;
}

/** Whether a format can write a bar of `ts` at metrical level `scale`, exactly or only roughly. */
export type MeterFit = "exact" | "approx" | undefined;

export interface ExportPlanOptions {
  /** Names the format in error messages. */
  format: string;
  /** Tick formats: the first section starts at the chart's first bar line at or after 0 ms. */
  leadIn: boolean;
  meter: (ts: TimeSignature, scale: number) => MeterFit;
  /** After a section that starts mid-bar, start another at the next bar line (.osu restarts bars at every timing point). */
  resyncAfterMidBar?: boolean;
}

/** The time signature of a bar written at metrical level `scale`, if MIDI and .chart can hold it. */
export function scaleTimeSignature(ts: TimeSignature, scale: number): TimeSignature | undefined {
  if (scale === 1) return ts;
  const d = ts.denominator / scale;
  if (Number.isInteger(d) && d >= 1 && d <= 64) return { numerator: ts.numerator, denominator: d };
  for (const denominator of [1, 2, 4, 8, 16, 32, 64]) {
    const numerator = (ts.numerator * scale * denominator) / ts.denominator;
    if (Number.isInteger(numerator) && numerator >= 1 && numerator <= 32) return { numerator, denominator };
  }
  return undefined;
}

/** Levels k (written BPM = bpm × 2^k) that keep `bpm` within 20–400. */
function levelRange(bpm: number): [number, number] {
  const lo = Math.ceil(Math.log2(EXPORT_MIN_BPM / bpm) - EPS);
  const hi = Math.floor(Math.log2(EXPORT_MAX_BPM / bpm) + EPS);
  return [Math.max(lo, -MAX_LEVEL), Math.min(hi, MAX_LEVEL)];
}

const fmtBpm = (bpm: number): string => String(Math.round(bpm * 1000) / 1000);
const fmtTime = (ms: number): string => {
  const s = Math.max(0, ms) / 1000;
  return `${Math.floor(s / 60)}:${(s % 60).toFixed(3).padStart(6, "0")}`;
};

/** The chart's first bar line at or after `beat`. */
function firstBarLineFrom(tempo: TempoMap, beat: number): number {
  const segs = tempo.segments;
  for (let i = 0; i < segs.length; i++) {
    const s = segs[i]!;
    const end = segs[i + 1]?.beat ?? Number.POSITIVE_INFINITY;
    if (end <= beat + EPS) continue;
    const from = Math.max(beat, s.beat);
    const measure = measureBeatsOf(s.ts);
    const bar = s.tsBeat + Math.ceil((from - s.tsBeat) / measure - EPS) * measure;
    if (bar < end - EPS) return bar;
  }
  return segs[segs.length - 1]!.beat;
}

/**
 * The lead-in for an offset of `ms` before the first bar line, at a tempo within 20–400 BPM that
 * makes it last exactly `ms`. It is one bar that the importers read back as a lead-in (`leadInEnd`):
 * n/d with n odd (so not a whole number of quarter notes), d 8 … 64, shorter than the first bar
 * (`measureBeats` quarter notes as written): the coarsest note value with a lead-in within half an
 * octave (× or ÷ √2) of the chart's first tempo, else the lead-in closest to it (log ratio), else
 * 1/128 (4.7–9.4 ms). When no such bar fits (an intro longer than about three bars), whole beats:
 * n/4 or bars of 4/4 near the chart's tempo, read back as a section of the chart. Undefined when
 * nothing fits (ms < 4.6875).
 */
export function chooseLeadIn(ms: number, targetBpm: number, measureBeats: number): LeadIn | undefined {
  type Candidate = LeadIn & { d: number };
  const make = (ts: TimeSignature, bars: number): Candidate | undefined => {
    const beats = bars * measureBeatsOf(ts);
    const bpm = (beats * 60_000) / ms;
    return bpm >= EXPORT_MIN_BPM - EPS && bpm <= EXPORT_MAX_BPM + EPS
      ? { ts, bars, beats, bpm, d: ts.denominator }
      : undefined;
  };
  const distance = (c: { bpm: number }) => Math.abs(Math.log(c.bpm / targetBpm));
  const closest = (list: readonly Candidate[]) =>
    list.reduce<Candidate | undefined>(
      (best, c) => (best === undefined || distance(c) < distance(best) - EPS ? c : best),
      undefined,
    );
  const bars = (denominator: number): Candidate[] => {
    const out: Candidate[] = [];
    for (let numerator = 1; numerator <= 31; numerator += 2) {
      if ((numerator * 4) / denominator >= measureBeats - EPS) break;
      const c = make({ numerator, denominator }, 1);
      if (c) out.push(c);
    }
    return out;
  };

  const readable = LEAD_IN_DENOMINATORS.flatMap(bars);
  for (const d of LEAD_IN_DENOMINATORS) {
    const best = closest(readable.filter((c) => c.d === d));
    if (best && distance(best) <= Math.LN2 / 2 + EPS) return strip(best);
  }
  const best = closest(readable) ?? closest(bars(FINEST_LEAD_IN_DENOMINATOR));
  if (best) return strip(best);

  // Long intros: whole beats, one bar of n/4 or several of 4/4.
  const whole: Candidate[] = [];
  const add = (c: Candidate | undefined) => c && whole.push(c);
  for (let numerator = 1; numerator <= 32; numerator++) add(make({ numerator, denominator: 4 }, 1));
  const most = Math.floor((EXPORT_MAX_BPM * ms) / 240_000);
  const least = Math.max(2, Math.ceil((EXPORT_MIN_BPM * ms) / 240_000));
  const near = Math.min(most, Math.max(least, Math.round((targetBpm * ms) / 240_000)));
  for (const n of new Set([near - 1, near, near + 1])) {
    if (n >= least && n <= most) add(make({ numerator: 4, denominator: 4 }, n));
  }
  const fallback = closest(whole);
  return fallback && strip(fallback);
}

const strip = ({ d: _, ...leadIn }: LeadIn & { d: number }): LeadIn => leadIn;

/**
 * Plans the tempo map an exporter writes: the chart's tempo sections from its first bar line at
 * or after 0 ms, each with the metrical level that keeps its tempo within 20–400 BPM, plus how the
 * time before that bar line is written. Throws a BeatmapError when a bar holds tempos that no
 * single level can write (e.g. 10 and 450 BPM in one bar).
 */
export function planExport(timing: Timing | undefined, options: ExportPlanOptions): ExportPlan {
  const tempo = TempoMap.fromTiming(timing);
  const segs = tempo.segments;
  const anchorBeat = options.leadIn ? firstBarLineFrom(tempo, tempo.msToBeat(-NO_LEAD_IN_MS)) : 0;

  const sections: ExportSection[] = [];
  segs.forEach((s, i) => {
    const end = segs[i + 1]?.beat ?? Number.POSITIVE_INFINITY;
    if (end <= anchorBeat + EPS) return;
    const beat = Math.max(s.beat, anchorBeat);
    const newMeter = sections.length === 0 || s.ts !== segs[i - 1]!.ts;
    sections.push({
      beat,
      ms: beat === s.beat ? s.ms : tempo.beatToMs(beat),
      bpm: s.bpm,
      scale: 1,
      ts: s.ts,
      regionBeat: s.tsBeat,
      barStart: newMeter || onBarLine(beat, s.tsBeat, measureBeatsOf(s.ts)),
      newMeter,
    });
  });
  /** Starts a section at `beat` inside section `i` (found when not given). */
  const splitAt = (beat: number, at?: number): void => {
    const i = at ?? sections.findIndex((s, j) => s.beat < beat && (sections[j + 1]?.beat ?? Infinity) > beat);
    if (i < 0) return;
    const s = sections[i]!;
    sections.splice(i + 1, 0, {
      ...s,
      beat,
      ms: tempo.beatToMs(beat),
      barStart: onBarLine(beat, s.regionBeat, measureBeatsOf(s.ts)),
      newMeter: false,
    });
  };
  const startsAt = (beat: number) => sections.some((s) => Math.abs(s.beat - beat) < BAR_EPS);

  const anchorMs = sections[0]!.ms;
  let start: ExportPlan["start"] = "none";
  if (options.leadIn && anchorMs > NO_LEAD_IN_MS) {
    start = anchorMs >= MIN_LEAD_IN_MS - EPS ? "lead-in" : "absorbed";
  }
  // Absorbed: the first bar (or its stretch up to a tempo change inside it) runs from 0 ms, a
  // little slower, and ends exactly where the chart's second bar (or that change) starts.
  let absorbedBpm: number | undefined;
  if (start === "absorbed") {
    const first = sections[0]!;
    const barEnd = first.beat + measureBeatsOf(first.ts);
    const next = sections[1]?.beat ?? Number.POSITIVE_INFINITY;
    const end = next < barEnd + BAR_EPS ? next : barEnd;
    if (!startsAt(end)) splitAt(end, 0);
    absorbedBpm = ((end - first.beat) * 60_000) / tempo.beatToMs(end);
  }

  // Tempos outside 20–400 BPM (a hand-made chart may hold any BPM > 0) are written at another
  // metrical level rather than refused or clamped: halving or doubling the file's beat against
  // the chart's changes no time at all (notes, beats and bar lines keep their ms, the bar's time
  // signature is rewritten to the same length), while clamping the tempo would move every later
  // note and refusing would lose a chart that the format can hold. A level can change only at a
  // bar line (a time-signature event starts a bar), so every bar gets one level that fits all
  // tempos in it; the level nearest 1 wins (1 whenever the bar's tempos are in range). Only a bar
  // that no level fits (10 and 450 BPM in one bar) makes the export fail, with a BeatmapError.
  const ranges = sections.map((s, i) => {
    const [lo, hi] = levelRange(s.bpm);
    if (i > 0 || absorbedBpm === undefined) return [lo, hi] as const;
    const [alo, ahi] = levelRange(absorbedBpm);
    return [Math.max(lo, alo), Math.min(hi, ahi)] as const;
  });
  if (ranges.some(([lo, hi]) => lo > 0 || hi < 0)) {
    const levels = chooseLevels(sections, ranges, options);
    // Levels and sections are both in beat order: split where a level starts inside a section.
    for (let li = 0, i = 0; li < levels.length; li++) {
      const beat = levels[li]!.beat;
      while (i + 1 < sections.length && sections[i + 1]!.beat <= beat + BAR_EPS) i++;
      if (Math.abs(sections[i]!.beat - beat) >= BAR_EPS) splitAt(beat, i);
    }
    let li = 0;
    sections.forEach((s, i) => {
      while (li + 1 < levels.length && levels[li + 1]!.beat <= s.beat + BAR_EPS) li++;
      s.scale = 2 ** levels[li]!.k;
      if (i > 0 && s.scale !== sections[i - 1]!.scale) {
        s.newMeter = true;
        s.barStart = true;
      }
    });
  }

  if (options.resyncAfterMidBar) {
    for (let i = 0; i < sections.length; i++) {
      const s = sections[i]!;
      if (s.barStart || options.meter(s.ts, s.scale) !== "exact") continue;
      const bar = nextBarLine(s.beat, s.regionBeat, measureBeatsOf(s.ts));
      if (bar < (sections[i + 1]?.beat ?? Number.POSITIVE_INFINITY) - BAR_EPS) splitAt(bar, i);
    }
  }

  const first = sections[0]!;
  const leadIn =
    start === "lead-in"
      ? chooseLeadIn(anchorMs, first.bpm * first.scale, measureBeatsOf(first.ts) * first.scale)
      : undefined;
  return { sections, anchorMs, start, ...(leadIn ? { leadIn } : {}) };
}

function onBarLine(beat: number, regionBeat: number, measure: number): boolean {
  const x = (beat - regionBeat) / measure;
  return Math.abs(x - Math.round(x)) * measure < BAR_EPS;
}

/** The first bar line after `beat` (a beat just before a bar line counts as on it). */
function nextBarLine(beat: number, regionBeat: number, measure: number): number {
  return regionBeat + (Math.floor((beat - regionBeat + BAR_EPS) / measure) + 1) * measure;
}

/** Level changes (at bar lines) for the sections, as {beat, k}: written BPM = BPM × 2^k. */
function chooseLevels(
  sections: readonly ExportSection[],
  ranges: readonly (readonly [number, number])[],
  options: ExportPlanOptions,
): { beat: number; k: number }[] {
  const levels: { beat: number; k: number }[] = [];
  const pick = (lo: number, hi: number, ts: TimeSignature): number | undefined => {
    if (lo <= 0 && hi >= 0 && options.meter(ts, 1) !== undefined) return 0;
    const ks: number[] = [];
    for (let k = lo; k <= hi; k++) ks.push(k);
    ks.sort((a, b) => Math.abs(a) - Math.abs(b));
    return (
      ks.find((k) => options.meter(ts, 2 ** k) === "exact") ??
      ks.find((k) => options.meter(ts, 2 ** k) !== undefined)
    );
  };
  for (let p = 0; p < sections.length; ) {
    // A region: sections under one time signature (a new one starts a bar).
    let q = p;
    while (q + 1 < sections.length && !sections[q + 1]!.newMeter) q++;
    const regionStart = sections[p]!.beat;
    const regionEnd = sections[q + 1]?.beat ?? Number.POSITIVE_INFINITY;
    const ts = sections[p]!.ts;
    const measure = measureBeatsOf(ts);
    let i = p;
    let bar = regionStart;
    for (;;) {
      while (i < q && sections[i + 1]!.beat <= bar + BAR_EPS) i++;
      const barEnd = Math.min(bar + measure, regionEnd);
      let j = i;
      while (j < q && sections[j + 1]!.beat < barEnd - BAR_EPS) j++;
      let lo = -MAX_LEVEL;
      let hi = MAX_LEVEL;
      for (let x = i; x <= j; x++) {
        lo = Math.max(lo, ranges[x]![0]);
        hi = Math.min(hi, ranges[x]![1]);
      }
      const k = pick(lo, hi, ts);
      if (k === undefined) {
        const bpms = sections.slice(i, j + 1).map((s) => s.bpm);
        const span =
          bpms.length > 1
            ? `holds tempos from ${fmtBpm(Math.min(...bpms))} to ${fmtBpm(Math.max(...bpms))} BPM`
            : `is at ${fmtBpm(bpms[0]!)} BPM in ${formatTimeSignature(ts)}`;
        throw new BeatmapError(
          "invalid_schema",
          `Timing: the bar at ${fmtTime(sections[i]!.ms)} ${span}. ${options.format} exports write only 20–400 BPM, ` +
            "halving or doubling the note values of a whole bar to get there, and no such level fits this bar, " +
            "so the chart was not written. Put the tempo change on a bar line or correct the BPM.",
        );
      }
      if (levels.at(-1)?.k !== k) levels.push({ beat: bar, k });
      if (barEnd >= regionEnd - BAR_EPS) break;
      if (j === i) {
        // This bar lies inside one section: so do the bars up to the next section's start.
        if (i === q) break;
        const bars = Math.floor((sections[i + 1]!.beat - regionStart + BAR_EPS) / measure);
        bar = Math.max(bar + measure, regionStart + bars * measure);
      } else bar += measure;
    }
    p = q + 1;
  }
  return levels;
}

export interface ExportTempo {
  map: TickTempoMap;
  timeSignatures: TickTimeSignatureEvent[];
  plan: ExportPlan;
}

/**
 * Builds the tick tempo map an exporter writes for a chart. `quantize` rounds a BPM to what the
 * format can store (MIDI: whole µs per beat; .chart: 1/1000 BPM); note ticks are then computed
 * through the quantized map, so a reader recovers every note within half a tick.
 *
 * Tick 0 is 0 ms. The chart's first bar line at or after 0 ms (beat 0 at the Offset, unless the
 * Offset is negative) is preceded by a lead-in (see `chooseLeadIn`), absorbed into the first bar
 * (offsets under 4.6875 ms) or nothing (≤ 0.5 ms). Each section's start tick comes from its beat,
 * so the beats and bar lines of the file are the chart's; each section's tempo is the one that
 * takes it from where the written map actually is to where the chart's next section starts, so
 * rounding never adds up across sections. Every tempo written is within 20–400 BPM.
 */
export function buildExportTempo(
  timing: Timing | undefined,
  resolution: number,
  quantize: (bpm: number) => number,
  format = "MIDI",
): ExportTempo {
  const plan = planExport(timing, {
    format,
    leadIn: true,
    meter: (ts, scale) => (scaleTimeSignature(ts, scale) ? "exact" : undefined),
  });
  const secs = plan.sections;
  const written = (bpm: number) => clampBpm(quantize(clampBpm(bpm)));
  const leadTicks = plan.leadIn ? Math.round(plan.leadIn.beats * resolution) : 0;
  const ticks: number[] = [];
  let at = leadTicks;
  secs.forEach((s, i) => {
    if (i > 0) at += (s.beat - secs[i - 1]!.beat) * resolution * secs[i - 1]!.scale;
    ticks.push(Math.round(at));
  });
  const first = secs[0]!;
  const map = new TickTempoMap(resolution, written(plan.leadIn?.bpm ?? first.bpm * first.scale));
  const timeSignatures: TickTimeSignatureEvent[] = [];
  if (plan.leadIn) timeSignatures.push({ tick: 0, ts: plan.leadIn.ts });
  let meterPending = false;
  for (let i = 0; i < secs.length; i++) {
    const s = secs[i]!;
    const tick = ticks[i]!;
    const nextTick = ticks[i + 1];
    if (nextTick !== undefined && nextTick <= tick) {
      // Shorter than a tick: the next section starts at the same tick.
      meterPending ||= s.newMeter;
      continue;
    }
    let bpm = written(s.bpm * s.scale);
    if (nextTick !== undefined) {
      const startMs = map.tickToMs(tick);
      const endMs = startMs + ((nextTick - tick) * 60_000) / (resolution * bpm);
      // Without a lead-in the grid starts at tick 0 = 0 ms, up to 0.5 ms from the chart's first
      // beat; that is within the tolerance, so a lone section keeps its tempo.
      const wantedEnd = secs[i + 1]!.ms;
      if (Math.abs(endMs - wantedEnd) > GRID_TOLERANCE_MS) {
        const landing = ((nextTick - tick) * 60_000) / (resolution * (wantedEnd - startMs));
        if (wantedEnd > startMs && Number.isFinite(landing)) bpm = written(landing);
      }
    }
    map.push(tick, bpm);
    if (s.newMeter || meterPending) {
      timeSignatures.push({ tick, ts: scaleTimeSignature(s.ts, s.scale) ?? s.ts });
      meterPending = false;
    }
  }
  return { map, timeSignatures, plan };
}

/** The warning for a chart whose tempo sections carry Confidence or Feel, which `format` cannot hold. */
export function lostTimingDetails(timing: Timing | undefined, format: string): string[] {
  if (!timing) return [];
  const has = (x: { Confidence?: number | undefined; Feel?: string | undefined }) =>
    x.Confidence !== undefined || x.Feel !== undefined;
  if (!has(timing) && !timing.TimingPoints.some(has)) return [];
  return [
    `${format}: the tempo sections' grid confidence and feel (swing) are not written; the format has no place for them.`,
  ];
}
