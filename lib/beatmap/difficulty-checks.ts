// What a drummer expects of a reduced chart, measured against the Expert chart it came from. Kept
// apart from the reducer (difficulty.ts) and written from the tempo grid directly, so the tests
// and scripts/measure-levels.ts check the reductions instead of repeating them.
import { type Component, isFootComponent, velocityClass } from "./lanes.ts";
import { isCompound, pulseOf, Sections } from "./pulse.ts";
import type { Beatmap, HitObject } from "./schema.ts";
import { TempoMap } from "./tempo.ts";

export type CheckedLevel = "hard" | "medium" | "easy";

export interface LevelCheck {
  notes: number;
  notesPerSecond: number;
  /** Notes not on the level's grid (see GRID_RULE), the downbeat crash excepted. */
  offGrid: HitObject[];
  /** Expert's backbeat snares (normal or accented) missing at this level. */
  backbeatsLost: HitObject[];
  /** Expert's kicks on the bar's strong beats (1 and 3 in 4/4, 1 elsewhere) missing at this level. */
  strongKicksLost: HitObject[];
  /** Most notes played by hands at one moment. */
  maxHands: number;
  /** Notes Expert does not have at that time on that drum. */
  invented: HitObject[];
  /** Hi-hat and ride notes (the time-keeping hand). */
  timekeeping: number;
}

/** Where a level's notes may sit: "pulse" = the felt beat; "eighths" = its 8th notes (swung, or thirds in compound meters). */
export const GRID_RULE: Readonly<
  Record<CheckedLevel, { feet: "pulse" | "eighths" | "any"; hands: "pulse" | "eighths" | "any" }>
> = {
  hard: { feet: "any", hands: "any" },
  medium: { feet: "pulse", hands: "eighths" },
  easy: { feet: "pulse", hands: "pulse" },
};

export const MAX_HANDS: Readonly<Record<CheckedLevel, number>> = { hard: 2, medium: 2, easy: 1 };

const SAME_MS = 5;

export interface GridPosition {
  /** Index of the pulse within its bar (0 = the downbeat). */
  pulseInBar: number;
  pulsesPerBar: number;
  /** ms to the nearest pulse, to the nearest 8th of this section's feel. */
  pulseErrorMs: number;
  eighthErrorMs: number;
  /** Length of this pulse, ms. */
  pulseMs: number;
  /** When the nearest pulse is, ms. */
  pulseAtMs: number;
}

/** How far from the grid a note may sit and count as on it: fixed, or by the pulse's length. */
export type Tolerance = number | ((pulseMs: number) => number);

/** A played part: within a tenth of the beat, or 50 ms. */
export const PLAYED: Tolerance = (pulseMs) => Math.max(50, 0.1 * pulseMs);

/** A note's place on the chart's grid, in the bar's felt beats. */
export function gridPosition(tempo: TempoMap, sections: Sections, ms: number): GridPosition {
  const beat = tempo.msToBeat(ms);
  const { inMeasure, measureBeats } = tempo.measurePosition(beat);
  const barStart = beat - inMeasure;
  const { ts, feel } = sections.at(ms);
  const pulse = pulseOf(ts);
  const pulsesPerBar = Math.max(1, Math.round(measureBeats / pulse));
  const inPulses = inMeasure / pulse;
  const nearestPulse = Math.round(inPulses);
  const errMs = (beatValue: number) => Math.abs(tempo.beatToMs(beatValue) - ms);
  const compound = isCompound(ts);
  const swing = !compound && feel === "swing";
  const eighths = compound ? [0, 1 / 3, 2 / 3, 1] : swing ? [0, 2 / 3, 1] : [0, 1 / 2, 1];
  const base = Math.floor(inPulses);
  const eighthErrorMs = Math.min(...eighths.map((e) => errMs(barStart + (base + e) * pulse)));
  return {
    pulseInBar: nearestPulse % pulsesPerBar,
    pulsesPerBar,
    pulseErrorMs: errMs(barStart + nearestPulse * pulse),
    pulseAtMs: tempo.beatToMs(barStart + nearestPulse * pulse),
    eighthErrorMs,
    pulseMs: Math.abs(
      tempo.beatToMs(barStart + (nearestPulse + 1) * pulse) - tempo.beatToMs(barStart + nearestPulse * pulse),
    ),
  };
}

/** Backbeat pulses: 2 and 4 of four, the middle of two (6/8), 2 and 3 of a waltz. */
export function isBackbeat(p: GridPosition): boolean {
  if (p.pulsesPerBar === 3) return p.pulseInBar > 0;
  return p.pulseInBar % 2 === 1;
}

/** Strong beats for the kick: 1 and 3 of four, 1 elsewhere. */
export function isStrongBeat(p: GridPosition): boolean {
  return p.pulseInBar === 0 || (p.pulsesPerBar === 4 && p.pulseInBar === 2);
}

const isSnare = (c: Component) => c === "snare" || c === "snare_rimshot";
const isTimekeeping = (c: Component) =>
  (c.startsWith("hihat") && c !== "hihat_pedal") || c.startsWith("ride");

export function notesPerSecond(b: Beatmap): number {
  const notes = b.HitObjects;
  if (notes.length < 2) return 0;
  const spanS = (notes.at(-1)!.Time - notes[0]!.Time) / 1000;
  return spanS > 0 ? notes.length / spanS : 0;
}

/**
 * Checks `reduced` against `expert`. `tolerance` is how far from the grid a note may be played
 * and still count as on it: a ms or two for quantised charts, PLAYED for human performances.
 */
export function checkLevel(
  expert: Beatmap,
  reduced: Beatmap,
  level: CheckedLevel,
  tolerance: Tolerance,
): LevelCheck {
  const tempo = TempoMap.fromTiming(expert.Timing);
  const sections = Sections.fromTiming(expert.Timing);
  const has = (notes: readonly HitObject[], time: number, test: (c: Component) => boolean) =>
    notes.some((h) => Math.abs(h.Time - time) <= SAME_MS && test(h.Component));
  const rule = GRID_RULE[level];
  const within = (ms: number, p: GridPosition) =>
    ms <= (typeof tolerance === "number" ? tolerance : tolerance(p.pulseMs));
  const offGrid = reduced.HitObjects.filter((h) => {
    const where = isFootComponent(h.Component) ? rule.feet : rule.hands;
    const p = gridPosition(tempo, sections, h.Time);
    const crashOnOne =
      (h.Lane === 0 || h.Component === "splash") && p.pulseInBar === 0 && within(p.pulseErrorMs, p);
    if (crashOnOne || where === "any") return false;
    return !within(where === "pulse" ? p.pulseErrorMs : p.eighthErrorMs, p);
  });
  // A beat is still marked when a note of that drum stays on it (of a drag and the stroke it leads
  // into, either one will do).
  const marked = (p: GridPosition, test: (c: Component) => boolean) =>
    reduced.HitObjects.some((r) => test(r.Component) && within(Math.abs(r.Time - p.pulseAtMs), p));
  const backbeatsLost = expert.HitObjects.filter((h) => {
    if (!isSnare(h.Component) || velocityClass(h.Velocity) === "ghost") return false;
    const p = gridPosition(tempo, sections, h.Time);
    return within(p.pulseErrorMs, p) && isBackbeat(p) && !marked(p, isSnare);
  });
  const strongKicksLost = expert.HitObjects.filter((h) => {
    if (h.Component !== "kick" || velocityClass(h.Velocity) === "ghost") return false;
    const p = gridPosition(tempo, sections, h.Time);
    return within(p.pulseErrorMs, p) && isStrongBeat(p) && !marked(p, (c) => c === "kick");
  });
  let maxHands = 0;
  const notes = reduced.HitObjects;
  for (let i = 0; i < notes.length; ) {
    let j = i;
    while (j < notes.length && notes[j]!.Time - notes[i]!.Time <= SAME_MS) j++;
    const hands = notes.slice(i, j).filter((h) => !isFootComponent(h.Component)).length;
    maxHands = Math.max(maxHands, hands);
    i = j;
  }
  const invented = notes.filter((h) => !has(expert.HitObjects, h.Time, (c) => c === h.Component));
  return {
    notes: notes.length,
    notesPerSecond: notesPerSecond(reduced),
    offGrid,
    backbeatsLost,
    strongKicksLost,
    maxHands,
    invented,
    timekeeping: notes.filter((h) => isTimekeeping(h.Component)).length,
  };
}
