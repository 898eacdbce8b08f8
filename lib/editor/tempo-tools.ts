// Grid fixes for one tempo section at a time: set its BPM, start, meter and feel, the metrical
// level fixes (×2, ×½, ×3⁄2, ×2⁄3), moving its grid so a bar line lands on a heard downbeat,
// splitting a section and removing one. Each returns the next Timing (or a Refusal); the editor
// commits it through actions.ts's setTiming, so it is an ordinary change (undo, autosave, diff,
// proposal) and notes keep their time unless "move notes with the grid" is on.
//
// A section a person edited (or marked as right) gets Confidence 1 when the chart had a
// confidence for it: the generator's doubt no longer describes it. A hand-made chart (no
// confidence) stays without one. Feel and Confidence carry over to later sections that do not
// state their own (lib/beatmap/grid-sections.ts), so an edit pins the next section's values
// first: changing one section never changes another.
import { type GridSection, gridSections, sectionIndexAt } from "../beatmap/grid-sections.ts";
import type { Feel, Timing, TimingPoint } from "../beatmap/index.ts";
import { parseTimeSignature, TempoMap } from "../beatmap/tempo.ts";
import type { Refusal } from "./actions.ts";
import { gridBetween, type SnapDivisor } from "./snap.ts";
import { lowerBound } from "./viewport.ts";

const refuse = (refused: string): Refusal => ({ refused });
const SAME_MS = 0.001;
const roundMs = (ms: number) => Math.round(ms * 1000) / 1000;
const roundBpm = (bpm: number) => Math.round(bpm * 10_000) / 10_000;
const seconds = (ms: number) => `${(ms / 1000).toFixed(3)} s`;

export const MIN_BPM = 20;
export const MAX_BPM = 1000;

export interface SectionPatch {
  bpm?: number;
  startMs?: number;
  timeSignature?: string;
  feel?: Feel;
  /** Make the section start a new bar (state its meter) even when the meter does not change. */
  startsBar?: boolean;
}

/**
 * The same Timing with points at the Offset folded into the first section and points at the same
 * time merged, as TempoMap reads them; so every section has exactly one place that holds it.
 */
function normalize(t: Timing): Timing {
  const base: Timing = { ...t };
  const points: TimingPoint[] = [];
  const merge = (into: { Bpm: number } & Partial<TimingPoint>, p: TimingPoint) => {
    into.Bpm = p.Bpm;
    if (p.TimeSignature !== undefined) into.TimeSignature = p.TimeSignature;
    if (p.Feel !== undefined) into.Feel = p.Feel;
    if (p.Confidence !== undefined) into.Confidence = p.Confidence;
  };
  const sorted = t.TimingPoints.map((p, i) => ({ p, i }))
    .sort((a, b) => a.p.Time - b.p.Time || a.i - b.i)
    .map(({ p }) => p);
  for (const p of sorted) {
    const last = points.at(-1);
    if (Math.abs(p.Time - t.Offset) < SAME_MS) merge(base, p);
    else if (last && Math.abs(p.Time - last.Time) < SAME_MS) merge(last, p);
    else points.push({ ...p });
  }
  return { ...base, TimingPoints: points };
}

const sectionsOf = (t: Timing) => gridSections(t, t.Offset);

function barMsOf(s: GridSection): number {
  const { numerator, denominator } = parseTimeSignature(s.timeSignature);
  return (((numerator * 4) / denominator) * 60_000) / s.bpm;
}

/**
 * Sets one section's fields (notes keep their time: it is the grid that moves). Refuses a BPM
 * outside 20–1000 and a start that would pass a neighbouring section.
 */
export function editSection(
  timing: Timing,
  index: number,
  patch: SectionPatch,
  options: { checked?: boolean } = {},
): Timing | Refusal {
  const t = normalize(timing);
  const sections = sectionsOf(t);
  const s = sections[index];
  if (!s) return refuse("That tempo section is not there any more.");
  const prev = sections[index - 1];
  const next = sections[index + 1];
  if (patch.bpm !== undefined && !(patch.bpm >= MIN_BPM && patch.bpm <= MAX_BPM)) {
    return refuse(`Keep every BPM between ${MIN_BPM} and ${MAX_BPM}.`);
  }
  if (patch.startMs !== undefined) {
    if (!(patch.startMs >= 0)) return refuse("A section cannot start before the song does.");
    if (prev && patch.startMs <= prev.startMs + SAME_MS) {
      return refuse(
        `The section before starts at ${seconds(prev.startMs)}: start this one later, or remove that one first.`,
      );
    }
    if (next && patch.startMs >= next.startMs - SAME_MS) {
      return refuse(
        `The next section starts at ${seconds(next.startMs)}: start this one earlier, or remove that one first.`,
      );
    }
  }
  if (patch.timeSignature !== undefined && !/^\d{1,2}\/\d{1,2}$/.test(patch.timeSignature)) {
    return refuse('Write the time signature like "4/4" or "7/8".');
  }
  const bpm = patch.bpm ?? s.bpm;
  const startMs = patch.startMs ?? s.startMs;
  const ts = patch.timeSignature ?? s.timeSignature;
  const feel = patch.feel ?? s.feel;
  const confidence = s.confidence === undefined ? undefined : 1;
  const newBar = patch.startsBar === true || ts !== s.timeSignature;
  const changed =
    bpm !== s.bpm ||
    Math.abs(startMs - s.startMs) >= SAME_MS ||
    ts !== s.timeSignature ||
    (newBar && !s.ownTimeSignature) ||
    feel !== s.feel;
  if (!changed && !(options.checked && confidence !== s.confidence)) {
    return refuse(
      options.checked
        ? "This section is already marked as right."
        : "Nothing to change: the section has those.",
    );
  }

  const points = t.TimingPoints.map((p) => ({ ...p }));
  // The next section keeps what it carried from this one.
  if (next && next.pointIndex !== null) {
    const np = points[next.pointIndex]!;
    if (!next.ownFeel && next.feel !== feel) np.Feel = next.feel;
    if (!next.ownConfidence && next.confidence !== undefined && next.confidence !== confidence) {
      np.Confidence = next.confidence;
    }
  }
  if (index === 0 || s.pointIndex === null) {
    const out: Timing = {
      ...t,
      Bpm: roundBpm(bpm),
      Offset: roundMs(startMs),
      TimeSignature: ts,
      TimingPoints: points,
    };
    if (feel === "swing") out.Feel = "swing";
    else delete out.Feel;
    if (confidence !== undefined) out.Confidence = confidence;
    return out;
  }
  const point: TimingPoint = { Time: roundMs(startMs), Bpm: roundBpm(bpm) };
  if (s.ownTimeSignature || newBar) point.TimeSignature = ts;
  // Feel and Confidence are stated only where they differ from what the section would carry.
  if (feel !== prev!.feel) point.Feel = feel;
  if (confidence !== undefined && confidence !== prev!.confidence) point.Confidence = confidence;
  points[s.pointIndex] = point;
  return { ...t, TimingPoints: points.sort((a, b) => a.Time - b.Time) };
}

/** "The grid is right": the section keeps its grid and stops asking to be checked. */
export function confirmSectionGrid(timing: Timing, index: number): Timing | Refusal {
  const s = sectionsOf(normalize(timing))[index];
  if (s && s.confidence === undefined) return refuse("This section has no confidence to confirm.");
  return editSection(timing, index, {}, { checked: true });
}

/** The metrical level fixes: the beat the generator found was twice, half, 2/3 or 3/2 the real one. */
export const METRIC_FIXES = [
  { id: "double", num: 2, den: 1, symbol: "×2", label: "Double the BPM" },
  { id: "halve", num: 1, den: 2, symbol: "×½", label: "Halve the BPM" },
  { id: "threeHalves", num: 3, den: 2, symbol: "×3⁄2", label: "BPM times three halves" },
  { id: "twoThirds", num: 2, den: 3, symbol: "×2⁄3", label: "BPM times two thirds" },
] as const;
export type MetricFix = (typeof METRIC_FIXES)[number];

/** Multiplies a section's BPM (its start stays; the beats and bar lines after it move). */
export function scaleSectionTempo(timing: Timing, index: number, fix: MetricFix): Timing | Refusal {
  const s = sectionsOf(normalize(timing))[index];
  if (!s) return refuse("That tempo section is not there any more.");
  return editSection(timing, index, { bpm: roundBpm((s.bpm * fix.num) / fix.den) });
}

/**
 * Moves the grid of the section holding the bar line at `barMs` so that a bar line lands at
 * `droppedMs` (a downbeat dragged onto the one heard). The section's start moves by the least
 * amount that does it (the grid repeats every bar), staying between its neighbours; a later
 * section then starts a new bar at its start. The BPM stays.
 */
export function moveBarLine(timing: Timing, barMs: number, droppedMs: number): Timing | Refusal {
  const t = normalize(timing);
  const sections = sectionsOf(t);
  const index = sectionIndexAt(sections, barMs);
  const s = sections[index]!;
  const delta = droppedMs - barMs;
  if (Math.abs(delta) < 0.5) return refuse("The bar line did not move.");
  const bar = barMsOf(s);
  const lower = index === 0 ? 0 : sections[index - 1]!.startMs + 1;
  const upper = sections[index + 1] ? sections[index + 1]!.startMs - 1 : Number.POSITIVE_INFINITY;
  const n0 = Math.round(delta / bar);
  let best: number | null = null;
  for (const n of [n0, n0 - 1, n0 + 1, n0 - 2, n0 + 2]) {
    const start = s.startMs + delta - n * bar;
    if (start < lower || start > upper) continue;
    if (best === null || Math.abs(start - s.startMs) < Math.abs(best - s.startMs)) best = start;
  }
  if (best === null) {
    return refuse("There is no room to move this section's grid there: its neighbours are too close.");
  }
  return editSection(t, index, { startMs: roundMs(best), startsBar: index > 0 });
}

/** The bar line nearest to `ms` on the chart's grid. */
export function nearestBarMs(timing: Timing, ms: number): number {
  const tempo = TempoMap.fromTiming(timing);
  const beat = tempo.msToBeat(ms);
  const { inMeasure, measureBeats } = tempo.measurePosition(beat);
  const before = tempo.beatToMs(beat - inMeasure);
  const after = tempo.beatToMs(beat - inMeasure + measureBeats);
  return roundMs(ms - before <= after - ms ? before : after);
}

/**
 * Where "new section" splits near `ms`: the nearest bar line that is after the first beat and not
 * already a section's start (so the new section starts a bar and the grid does not move), or null.
 */
export function splitBarNear(timing: Timing, ms: number): number | null {
  const t = normalize(timing);
  const starts = sectionsOf(t).map((s) => s.startMs);
  const tempo = TempoMap.fromTiming(t);
  const span = Math.max(60_000, ...starts.map((s) => Math.abs(s - ms)));
  const bars = gridBetween(tempo, Math.max(t.Offset, ms - span), ms + span, 1, 4000)
    .filter((g) => g.kind === "bar")
    .map((g) => roundMs(g.ms))
    .filter((b) => b > t.Offset + SAME_MS && starts.every((s) => Math.abs(s - b) >= 1))
    .sort((a, b) => Math.abs(a - ms) - Math.abs(b - ms));
  return bars[0] ?? null;
}

/**
 * Splits the section playing at `atMs`: a new section starts there with the same BPM (and carries
 * the same meter, feel and confidence), so the grid does not move until it is edited.
 */
export function addSectionAt(timing: Timing, atMs: number): Timing | Refusal {
  const t = normalize(timing);
  const at = roundMs(atMs);
  if (at <= t.Offset + SAME_MS) {
    return refuse(`A new section must start after the first beat (${seconds(t.Offset)}).`);
  }
  const sections = sectionsOf(t);
  if (sections.some((s) => Math.abs(s.startMs - at) < 1)) return refuse("A section already starts there.");
  const s = sections[sectionIndexAt(sections, at)]!;
  return {
    ...t,
    TimingPoints: [...t.TimingPoints, { Time: at, Bpm: s.bpm }].sort((a, b) => a.Time - b.Time),
  };
}

/** Removes a section (not the first): the one before runs on over its time. */
export function removeSection(timing: Timing, index: number): Timing | Refusal {
  if (index === 0) return refuse("The first section cannot be removed: change its BPM and start instead.");
  const t = normalize(timing);
  const sections = sectionsOf(t);
  const s = sections[index];
  if (!s || s.pointIndex === null) return refuse("That tempo section is not there any more.");
  const prev = sections[index - 1]!;
  const next = sections[index + 1];
  const points = t.TimingPoints.map((p) => ({ ...p }));
  if (next && next.pointIndex !== null) {
    const np = points[next.pointIndex]!;
    if (!next.ownFeel && next.feel !== prev.feel) np.Feel = next.feel;
    if (!next.ownConfidence && next.confidence !== undefined && next.confidence !== prev.confidence) {
      np.Confidence = next.confidence;
    }
  }
  return { ...t, TimingPoints: points.filter((_, i) => i !== s.pointIndex) };
}

/** The snap that fits a feel: swing plays on the triplet grid, straight on the even one. */
export function snapForFeel(d: SnapDivisor, feel: Feel): SnapDivisor {
  if (feel === "swing") return d === 1 || d === 2 || d === 3 ? 3 : d === 4 || d === 6 ? 6 : 12;
  return d === 3 ? 2 : d === 6 ? 4 : d === 12 ? 8 : d;
}

/** The note time nearest to `ms` within `slackMs` (a dragged bar line drops onto a kick), or null. */
export function nearestNoteMs(
  notes: readonly { Time: number }[],
  ms: number,
  slackMs: number,
): number | null {
  let best: number | null = null;
  for (let i = lowerBound(notes, ms - slackMs); i < notes.length; i++) {
    const t = notes[i]!.Time;
    if (t > ms + slackMs) break;
    if (best === null || Math.abs(t - ms) < Math.abs(best - ms)) best = t;
  }
  return best;
}

/** The bar line within `slackMs` of `ms` on the drawn grid (the one a press on the ruler grabs), or null. */
export function barLineNear(tempo: TempoMap, ms: number, slackMs: number): number | null {
  let best: number | null = null;
  for (const g of gridBetween(tempo, ms - slackMs, ms + slackMs, 1, 64)) {
    if (g.kind !== "bar") continue;
    if (best === null || Math.abs(g.ms - ms) < Math.abs(best - ms)) best = g.ms;
  }
  return best;
}
