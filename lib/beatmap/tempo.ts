// Tempo maps. `TempoMap` reads a chart's Timing (ms ↔ beats, downbeats); `TickTempoMap` is the
// tick-based map of MIDI and .chart (ticks ↔ ms), shared by importers and exporters.
import { roundMs } from "./canonical.ts";
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

  /** The Timing of a chart imported from ticks: tick 0 is 0 ms and the first beat. */
  toTiming(timeSignatures: readonly TickTimeSignatureEvent[]): Timing {
    const tsSorted = [...timeSignatures].sort((a, b) => a.tick - b.tick);
    const firstTs = tsSorted[0]?.tick === 0 ? tsSorted[0].ts : { numerator: 4, denominator: 4 };
    const byTick = new Map<number, TimingPoint>();
    for (const s of this.segments.slice(1)) byTick.set(s.tick, { Time: roundMs(s.ms), Bpm: s.bpm });
    for (const e of tsSorted) {
      if (e.tick === 0) continue;
      const point = byTick.get(e.tick) ?? {
        Time: roundMs(this.tickToMs(e.tick)),
        Bpm: this.bpmAtTick(e.tick),
      };
      point.TimeSignature = formatTimeSignature(e.ts);
      byTick.set(e.tick, point);
    }
    return {
      Bpm: this.segments[0]!.bpm,
      Offset: 0,
      TimeSignature: formatTimeSignature(firstTs),
      TimingPoints: [...byTick.entries()].sort((a, b) => a[0] - b[0]).map(([, p]) => p),
    };
  }

  private bpmAtTick(tick: number): number {
    return this.segments[lastAtOrBefore(this.segments, tick, (x) => x.tick)]!.bpm;
  }
}

export interface ExportTempo {
  map: TickTempoMap;
  timeSignatures: TickTimeSignatureEvent[];
}

/**
 * Builds the tick tempo map an exporter writes for a chart. `quantize` rounds a BPM to what the
 * format can store (MIDI: whole µs per beat; .chart: 1/1000 BPM); note ticks are then computed
 * through the quantized map, so a reader recovers every note within half a tick.
 * A positive Offset becomes a lead-in of whole beats so bar lines fall on the music.
 */
export function buildExportTempo(
  timing: Timing | undefined,
  resolution: number,
  quantize: (bpm: number) => number,
): ExportTempo {
  const tempo = TempoMap.fromTiming(timing);
  const segs = tempo.segments;
  const first = segs[0]!;
  const timeSignatures: TickTimeSignatureEvent[] = [];
  let map: TickTempoMap;
  let firstTick = 0;
  if (first.ms > 0.5) {
    const beatMs = 60_000 / first.bpm;
    const beats = Math.max(1, Math.round(first.ms / beatMs));
    map = new TickTempoMap(resolution, quantize((60_000 * beats) / first.ms));
    firstTick = beats * resolution;
    map.push(firstTick, quantize(first.bpm));
    timeSignatures.push({ tick: 0, ts: { numerator: beats <= 32 ? beats : 4, denominator: 4 } });
  } else {
    map = new TickTempoMap(resolution, quantize(first.bpm));
  }
  timeSignatures.push({ tick: firstTick, ts: first.ts });
  let lastTs = first.ts;
  for (const s of segs.slice(1)) {
    const tick = Math.max(0, Math.round(map.msToTick(s.ms)));
    map.push(tick, quantize(s.bpm));
    if (s.ts !== lastTs) {
      timeSignatures.push({ tick, ts: s.ts });
      lastTs = s.ts;
    }
  }
  return { map, timeSignatures };
}
