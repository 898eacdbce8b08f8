// The transport timeline: how song time follows the AudioContext clock through a count-in, a
// tempo change and A–B loop passes. Pure, so the engine's scheduling and the highway's positions
// come from one set of formulas (and unit tests pin loop boundaries and tempo changes).
import type { TempoMap } from "../beatmap/tempo.ts";

export interface LoopRange {
  /** Song ms, a < b. */
  a: number;
  b: number;
}

export interface TransportPlan {
  /** AudioContext time (s) at which song time equals `songStart`. */
  ctxStart: number;
  /** Song ms at ctxStart; earlier than `audioFrom` during a count-in. */
  songStart: number;
  /** Song ms where the audio starts on the first pass (after the count-in). */
  audioFrom: number;
  /** Song ms per real ms (0.25–1.5). */
  rate: number;
  loop?: LoopRange;
}

/**
 * A linear piece of the timeline: from ctx time `ctxFrom`, song time runs from `songFrom` to
 * `songTo` (exclusive; Infinity without a loop). Piece 0 holds the count-in; each later piece is a
 * loop pass starting at A.
 */
export interface Piece {
  pass: number;
  ctxFrom: number;
  songFrom: number;
  songTo: number;
  /** Song ms where audio starts in this piece (≥ songFrom). */
  audioFrom: number;
}

const MS = 1000;

export function planStart(options: {
  ctxNow: number;
  /** Scheduling margin so the first sample is not late, s. */
  leadS?: number;
  fromMs: number;
  rate: number;
  countInBeats?: number;
  tempo: TempoMap;
  loop?: LoopRange;
}): TransportPlan {
  const { ctxNow, leadS = 0.1, fromMs, rate, countInBeats = 0, tempo, loop } = options;
  const from = loop ? Math.min(Math.max(fromMs, loop.a), loop.b) : fromMs;
  const songStart = countInBeats > 0 ? tempo.beatToMs(tempo.msToBeat(from) - countInBeats) : from;
  return { ctxStart: ctxNow + leadS, songStart, audioFrom: from, rate, ...(loop ? { loop } : {}) };
}

/** The ctx time at which piece `pass` starts. */
function passCtx(plan: TransportPlan, pass: number): number {
  if (pass === 0) return plan.ctxStart;
  const loop = plan.loop!;
  const first = (loop.b - plan.songStart) / plan.rate / MS;
  return plan.ctxStart + first + ((pass - 1) * (loop.b - loop.a)) / plan.rate / MS;
}

export function pieceAt(plan: TransportPlan, pass: number): Piece {
  const ctxFrom = passCtx(plan, pass);
  if (pass === 0) {
    return {
      pass,
      ctxFrom,
      songFrom: plan.songStart,
      songTo: plan.loop ? plan.loop.b : Number.POSITIVE_INFINITY,
      audioFrom: plan.audioFrom,
    };
  }
  const loop = plan.loop!;
  return { pass, ctxFrom, songFrom: loop.a, songTo: loop.b, audioFrom: loop.a };
}

/** Which pass is playing at ctx time `t` (0 before and during the first). */
export function passAt(plan: TransportPlan, t: number): number {
  if (!plan.loop) return 0;
  const loop = plan.loop;
  const first = plan.ctxStart + (loop.b - plan.songStart) / plan.rate / MS;
  if (t < first) return 0;
  const len = (loop.b - loop.a) / plan.rate / MS;
  return 1 + Math.floor((t - first) / len + 1e-9);
}

/** Song ms at ctx time `t`. Before ctxStart it runs backwards from songStart (a lead-in). */
export function songAt(plan: TransportPlan, t: number): number {
  const p = pieceAt(plan, passAt(plan, t));
  return p.songFrom + (t - p.ctxFrom) * MS * plan.rate;
}

/** Ctx time at which song time `songMs` is reached in pass `pass`. */
export function ctxAt(plan: TransportPlan, songMs: number, pass = 0): number {
  const p = pieceAt(plan, pass);
  return p.ctxFrom + (songMs - p.songFrom) / plan.rate / MS;
}

/** Pieces that overlap the ctx window [t0, t1). */
export function piecesBetween(plan: TransportPlan, t0: number, t1: number): Piece[] {
  const out: Piece[] = [];
  for (let pass = passAt(plan, t0); ; pass++) {
    const p = pieceAt(plan, pass);
    if (p.ctxFrom >= t1) break;
    out.push(p);
    if (!plan.loop) break;
    if (out.length > 10_000) break; // a degenerate loop; never in practice (loops are ≥ 1 beat)
  }
  return out;
}

export interface Click {
  /** Ctx time, s. */
  ctx: number;
  songMs: number;
  /** First beat of a bar. */
  downbeat: boolean;
  /** A count-in click (before the audio starts). */
  countIn: boolean;
}

/** Metronome beat times (song ms) in [fromMs, toMs), one per beat unit of the time signature. */
export function beatsBetween(
  tempo: TempoMap,
  fromMs: number,
  toMs: number,
): { ms: number; downbeat: boolean }[] {
  const out: { ms: number; downbeat: boolean }[] = [];
  if (!(toMs > fromMs)) return out;
  // Walk in quarter notes from the first beat at or after fromMs; steps of the time signature's
  // unit (an eighth in 6/8) are found from the measure position.
  let beat = Math.ceil(tempo.msToBeat(fromMs) * 2 - 1e-6) / 2;
  for (let guard = 0; guard < 100_000; guard++, beat += 0.5) {
    const ms = tempo.beatToMs(beat);
    if (ms >= toMs - 1e-6) break;
    if (ms < fromMs - 1e-6) continue;
    const { inMeasure, measureBeats } = tempo.measurePosition(beat);
    const unit = measureBeats / measureUnitCount(measureBeats, tempo, beat);
    const onUnit = Math.abs(inMeasure / unit - Math.round(inMeasure / unit)) < 1e-6;
    if (!onUnit) continue;
    out.push({ ms, downbeat: inMeasure < 1e-6 || measureBeats - inMeasure < 1e-6 });
  }
  return out;
}

/** Clicks per measure: the time signature's numerator (4 in 4/4, 6 in 6/8, 7 in 7/8). */
function measureUnitCount(measureBeats: number, tempo: TempoMap, beat: number): number {
  const seg = tempo.segments.findLast((s) => s.beat <= beat + 1e-9) ?? tempo.segments[0]!;
  return seg.ts.numerator || Math.round(measureBeats);
}

/** Metronome clicks to schedule in the ctx window [t0, t1), across count-in and loop passes. */
export function clicksBetween(plan: TransportPlan, tempo: TempoMap, t0: number, t1: number): Click[] {
  const out: Click[] = [];
  for (const p of piecesBetween(plan, t0, t1)) {
    const pieceEndCtx = Number.isFinite(p.songTo) ? ctxAt(plan, p.songTo, p.pass) : Number.POSITIVE_INFINITY;
    const from = p.songFrom + (Math.max(t0, p.ctxFrom) - p.ctxFrom) * MS * plan.rate;
    const to = Math.min(p.songTo, p.songFrom + (Math.min(t1, pieceEndCtx) - p.ctxFrom) * MS * plan.rate);
    for (const b of beatsBetween(tempo, from, to)) {
      out.push({
        ctx: ctxAt(plan, b.ms, p.pass),
        songMs: b.ms,
        downbeat: b.downbeat,
        countIn: b.ms < p.audioFrom - 1e-6,
      });
    }
  }
  return out;
}
