// The chart's grid from its notes: bars, beats and meter decoded jointly from the drum hits
// (bar-pointer.ts), beats pinned to their hits and split into steady sections (tempo-sections.ts),
// each section's feel and confidence, written as the chart's Timing: one BPM and offset per
// steady section, a point per beat only where the music moves, a time signature wherever the bar
// length changes, and a pickup bar when the music starts before the first bar line.
import {
  type Component,
  type Feel,
  PUSHED_NOTE_MS,
  type Timing,
  type TimingPoint,
} from "../beatmap/index.ts";
import {
  BAR_POINTER_DEFAULTS,
  type BarPointerOptions,
  type BeatActivations,
  barsToBeats,
  type DecodedBar,
  decodeBars,
  type GridHit,
  hitPathScore,
} from "./bar-pointer.ts";
import { bestNeighbour, type GridHypothesis, sectionConfidence } from "./grid-confidence.ts";
import { METERS, type MeterName, roleOf } from "./meters.ts";
import { fitSections, LineFit, type SectionFit, type SectionOptions } from "./tempo-sections.ts";

export interface GridNote {
  timeMs: number;
  component: Component;
  /** Evidence weight 0–1 (the note's confidence). */
  weight: number;
  /** 0–1; accents say more about the beat than ghost notes (default: normal). */
  velocity?: number;
}

export interface GridOptions {
  decoder?: BarPointerOptions;
  sections?: SectionOptions;
  /**
   * With a beat model: "steadier" (default) keeps its decoding only when it is as steady as the
   * drum hits' own (`chooseGrid`); "always" keeps it (for measuring).
   */
  beatModelChoice?: "steadier" | "always";
}

export interface GridSection {
  startMs: number;
  endMs: number;
  /** First bar number of the section (1 = the chart's first full bar). */
  firstBar: number;
  bpm: number;
  meter: MeterName;
  steady: boolean;
  feel: Feel;
  confidence: number;
  /** Pattern margin over the best metrical neighbour (diagnostics). */
  margin: number;
}

export interface ChartGrid {
  timing: Timing;
  /** Grid beats from the Offset on, ms (counted beats: dotted quarters in 6/8). */
  beatsMs: number[];
  /** Bar lines from the Offset on, ms. */
  downbeatsMs: number[];
  sections: GridSection[];
  /** Snap divisor that suits the feel: 12 (16ths and triplets) for a swing, else 4. */
  snapDivisor: number;
  /**
   * With a beat model: whether its decoding was kept, and the steadiness of both decodings (the
   * drum hits alone first): tempo changes, and the share of beats within 40 ms of one line.
   */
  beatModel?: { used: boolean; tempoChanges: [number, number]; oneGrid: [number, number] };
}

/** The first hit usually opens a bar: counted like a soft crash on beat 1. */
const OPENING_WEIGHT = 0.5;

export function gridHits(notes: readonly GridNote[]): GridHit[] {
  const hits = notes.map((n) => ({
    timeMs: n.timeMs,
    role: roleOf(n.component),
    weight: n.weight * (0.4 + 0.6 * (n.velocity ?? 0.8)),
  }));
  const first = notes.reduce<GridNote | undefined>((a, n) => (a && a.timeMs <= n.timeMs ? a : n), undefined);
  if (first) hits.push({ timeMs: first.timeMs, role: "crash", weight: OPENING_WEIGHT });
  return hits;
}

const round3 = (v: number) => Math.round(v * 1000) / 1000;
const round4 = (v: number) => Math.round(v * 10_000) / 10_000;

/**
 * The feel of beats from..to of a grid: "swing" when off-beats sit on the triplet's last third at
 * least twice as often as halfway (and at least 6 times); "triplets" when the triplet's middle
 * third is played too (at least half as often as the last), the rolling 8ths of a 12/8 groove.
 */
export function detectFeel(
  hits: readonly GridHit[],
  gridMs: readonly number[],
  from: number,
  to: number,
): Feel | "triplets" {
  let straight = 0;
  let first = 0;
  let last = 0;
  let k = from;
  for (const h of hits) {
    if (h.role === "crash" || h.timeMs < gridMs[from]! || h.timeMs >= gridMs[to]!) continue;
    while (k + 1 < to && gridMs[k + 1]! <= h.timeMs) k++;
    const x = (h.timeMs - gridMs[k]!) / (gridMs[k + 1]! - gridMs[k]!);
    if (Math.abs(x - 0.5) < 0.06) straight++;
    else if (Math.abs(x - 1 / 3) < 0.06) first++;
    else if (Math.abs(x - 2 / 3) < 0.06) last++;
  }
  if (last < 6 || last < 2 * straight) return "straight";
  return first >= 0.5 * last ? "triplets" : "swing";
}

function signature(meter: MeterName, beats: number): string {
  return METERS[meter].compound ? `${3 * beats}/8` : `${beats}/4`;
}

/**
 * The grid of a chart's notes, or undefined when there are too few notes to find a beat. A beat
 * model's activations, when given, are a second observation of the decoder; the check against
 * the metrical neighbours stays with the drum pattern alone.
 */
export function buildGrid(
  notes: readonly GridNote[],
  durationMs: number,
  options: GridOptions = {},
  beats?: BeatActivations,
): ChartGrid | undefined {
  const sorted = [...notes].sort((a, b) => a.timeMs - b.timeMs);
  if (sorted.length < 4) return undefined;
  const decoder = { ...BAR_POINTER_DEFAULTS, ...options.decoder };
  const hits = gridHits(sorted);
  const firstNote = sorted[0]!.timeMs;
  const lastNote = sorted[sorted.length - 1]!.timeMs;
  const decode = (activations: BeatActivations | undefined) =>
    decodeGrid(hits, durationMs, firstNote, lastNote, decoder, options.sections, activations);
  const alone = decode(undefined);
  const aloneGrid = alone && gridOf(alone, hits, firstNote, decoder);
  if (!beats || !(decoder.beatWeight > 0)) return aloneGrid;
  const joint = decode(beats);
  const jointGrid = joint && gridOf(joint, hits, firstNote, decoder);
  const evidence = hits.reduce((s, h) => s + Math.max(0, h.weight), 0);
  const barLoss =
    alone && joint && evidence > 0
      ? (hitPathScore(hits, alone.bars, decoder) - hitPathScore(hits, joint.bars, decoder)) / evidence
      : 0;
  return chooseGrid(aloneGrid, jointGrid, barLoss, options.beatModelChoice ?? "steadier");
}

/** Beats within this of one least-squares line count as on one constant grid (chooseGrid). */
const ONE_GRID_MS = 40;
/** How much less of the grid than the hits' own may lie on one line for the beat model to win. */
const ONE_GRID_SLACK = 0.02;

/**
 * The drum hits' grid or the one decoded with the beat model's activations as well. The joint
 * decoding settles what the hits leave open (a sparse groove's level, an off-beat phase, a pickup,
 * a tempo step), but where the activations and a clear drum pattern disagree by a little it slips
 * a phase or splits a steady section, and on a drum stem alone it is out of its depth. Those
 * failures show in the grid itself, so the model's grid is kept only when it is as steady as the
 * hits' own: no more tempo changes, and (within ONE_GRID_SLACK) as many beats on one constant
 * grid. A tempo map the hits write with fewer changes stays theirs, and so do bar lines the drum
 * pattern prefers when the model changes nothing but them (`barLoss`: the hits' score on their own
 * decoding less theirs on the joint one, per unit of hit evidence; hitPathScore).
 */
export function chooseGrid(
  alone: ChartGrid | undefined,
  joint: ChartGrid | undefined,
  barLoss: number,
  choice: "steadier" | "always" = "steadier",
): ChartGrid | undefined {
  if (!alone || !joint) return joint ?? alone;
  const changes: [number, number] = [tempoChanges(alone.timing), tempoChanges(joint.timing)];
  const oneGrid: [number, number] = [oneGridShare(alone.beatsMs), oneGridShare(joint.beatsMs)];
  const steady = changes[1] <= changes[0] && oneGrid[1] >= oneGrid[0] - ONE_GRID_SLACK;
  // The same beats with other bar lines: the downbeat is the model's weak output (held-out F 0.75),
  // so where the drum pattern prefers its own bar lines (by the margin the level check asks of a
  // rival), they stand; where it has no say (hi-hats alone), the model's are taken.
  const barLinesMoved = sharedBeats(alone.beatsMs, joint.beatsMs) >= SAME_BEATS && barLoss > RIVAL_MARGIN;
  const used = choice === "always" || (steady && !barLinesMoved);
  return { ...(used ? joint : alone), beatModel: { used, tempoChanges: changes, oneGrid } };
}

/** Two grids whose beats agree this often (each way, within ONE_GRID_MS) have the same beats. */
const SAME_BEATS = 0.95;

/** The smaller of the shares of a's beats near one of b's and of b's near one of a's. */
function sharedBeats(a: readonly number[], b: readonly number[]): number {
  const near = (xs: readonly number[], ys: readonly number[]) => {
    let j = 0;
    let hits = 0;
    for (const x of xs) {
      while (j + 1 < ys.length && ys[j + 1]! <= x) j++;
      const d = Math.min(
        Math.abs(x - ys[j]!),
        j + 1 < ys.length ? Math.abs(ys[j + 1]! - x) : Number.POSITIVE_INFINITY,
      );
      if (d <= ONE_GRID_MS) hits++;
    }
    return xs.length ? hits / xs.length : 1;
  };
  return Math.min(near(a, b), near(b, a));
}

/** Timing points that change the tempo (not a pickup's or an odd bar's time signature alone). */
export function tempoChanges(timing: Timing): number {
  let bpm = timing.Bpm;
  let changes = 0;
  for (const p of timing.TimingPoints) {
    if (p.Bpm !== undefined && Math.abs(p.Bpm - bpm) > 0.01) changes++;
    bpm = p.Bpm ?? bpm;
  }
  return changes;
}

/** Share of beats within ONE_GRID_MS of the least-squares line through them (time against index). */
export function oneGridShare(beatsMs: readonly number[]): number {
  const fit = new LineFit();
  beatsMs.forEach((t, k) => {
    fit.add(k, t);
  });
  const line = fit.solve();
  if (!line) return 1;
  const on = beatsMs.filter((t, k) => Math.abs(t - line.at(k)) <= ONE_GRID_MS).length;
  return Math.round((on / beatsMs.length) * 1000) / 1000;
}

/** The chart's grid from decoded bars: timing points, sections with their feel and confidence. */
function gridOf(
  decoded: Decoded,
  hits: readonly GridHit[],
  firstNote: number,
  decoder: Required<BarPointerOptions>,
): ChartGrid | undefined {
  const { bars, beats: decodedBeats, fit } = decoded;
  const grid = [...fit.beatsMs];
  // A 4/4 section of rolling triplets is a 12/8 groove: the same beats, written in dotted quarters.
  const feels = fit.sections.map((s) => {
    const meter = bars[decodedBeats[s.from]!.bar]!.meter;
    return METERS[meter].compound ? "straight" : detectFeel(hits, grid, s.from, s.to);
  });
  fit.sections.forEach((s, i) => {
    if (feels[i] !== "triplets") return;
    for (let k = s.from; k < s.to; k++) {
      const bar = bars[decodedBeats[k]!.bar]!;
      if (bar.meter === "4/4") bar.meter = "12/8";
    }
  });
  const meterAt = (k: number) => bars[decodedBeats[k]!.bar]!.meter;

  // The chart starts on the latest beat at or before the first note (a note a hair ahead of a beat
  // is pushed: the beat stays on its section's line), never below 0 ms.
  let start = -1;
  for (let k = 0; k < grid.length; k++)
    if (grid[k]! >= -PUSHED_NOTE_MS && grid[k]! <= firstNote + PUSHED_NOTE_MS) start = k;
  if (start < 0) {
    // Even the first beat at or after 0 ms is well after the first note: start the chart at 0 ms.
    start = grid.findIndex((t) => t >= 0);
    if (start < 0) return undefined;
    grid[start] = 0;
  }
  grid[start] = Math.max(0, grid[start]!);

  // Knots: where a timing point goes. Section starts, every beat of a moving section, and every
  // bar whose length differs from the previous one's (plus the bar after a pickup).
  const knots = new Map<number, { signature?: string; section?: number }>();
  const knot = (k: number) => {
    const v = knots.get(k) ?? {};
    knots.set(k, v);
    return v;
  };
  knot(start);
  const last = grid.length - 1;
  fit.sections.forEach((s, index) => {
    if (s.to <= start) return;
    knot(Math.max(start, s.from)).section = index;
    if (s.kind === "moving") for (let k = Math.max(start, s.from); k < s.to; k++) knot(k);
  });
  let previousSignature = "";
  const firstBarIndex = decodedBeats[start]!.bar;
  for (let b = firstBarIndex; b < bars.length; b++) {
    const k0 = decodedBeats.findIndex((d) => d.bar === b);
    const from = Math.max(k0, start);
    if (from > last) break;
    const sig = signature(bars[b]!.meter, k0 + METERS[bars[b]!.meter].beats - from);
    if (sig !== previousSignature) knot(from).signature = sig;
    previousSignature = sig;
  }
  // A first beat moved to 0 ms by more than the snapping tolerance keeps the rest of its section
  // exact with a point on the next beat.
  if (Math.abs(grid[start]! - fit.beatsMs[start]!) > 2 && start + 1 <= last) knot(start + 1);

  const judgements = judgeSections(decoded, hits, grid, start, decoder);

  const order = [...knots.keys()].filter((k) => k < last).sort((a, b) => a - b);
  if (order.length === 0) return undefined;
  const sections: GridSection[] = [];
  const points: TimingPoint[] = [];
  let barNumber = decodedBeats[start]!.inBar === 0 ? 1 : 0;
  let barOfPrevious = decodedBeats[start]!.bar;
  order.forEach((k, i) => {
    const next = order[i + 1] ?? last;
    const quarters = (next - k) * METERS[meterAt(k)].quartersPerBeat;
    const bpm = round4((60_000 * quarters) / (grid[next]! - grid[k]!));
    const point: TimingPoint = { Time: round3(grid[k]!), Bpm: bpm };
    const info = knots.get(k)!;
    if (info.signature) point.TimeSignature = info.signature;
    barNumber += decodedBeats[k]!.bar - barOfPrevious;
    barOfPrevious = decodedBeats[k]!.bar;
    if (info.section !== undefined) {
      const s = fit.sections[info.section]!;
      const judged = judgements[info.section]!;
      const { from, end, bar, beatMs, conf } = judged;
      const feel = feels[info.section] === "swing" ? "swing" : "straight";
      point.Confidence = judged.confidence;
      if (feel === "swing" || points.length > 0) point.Feel = feel;
      sections.push({
        startMs: grid[from]!,
        endMs: grid[end]!,
        firstBar: Math.max(1, barNumber),
        bpm: round4((60_000 * METERS[bar.meter].quartersPerBeat) / beatMs),
        meter: bar.meter,
        steady: s.kind === "steady",
        feel,
        confidence: point.Confidence,
        margin: conf.margin,
      });
    }
    points.push(point);
  });
  dropRepeatedFeel(points);

  const first = points[0]!;
  const timing: Timing = {
    Bpm: first.Bpm,
    Offset: first.Time,
    TimeSignature: first.TimeSignature ?? "4/4",
    TimingPoints: points.slice(1),
  };
  if (first.Confidence !== undefined) timing.Confidence = first.Confidence;
  if (first.Feel !== undefined) timing.Feel = first.Feel;
  const beatsMs = grid.slice(start);
  const downbeatsMs = decodedBeats.slice(start).flatMap((d, j) => (d.inBar === 0 ? [beatsMs[j]!] : []));
  return {
    timing,
    beatsMs,
    downbeatsMs,
    sections,
    snapDivisor: sections.some((s) => s.feel === "swing") ? 12 : 4,
  };
}

/**
 * Decodes the bars, then checks them: the decoder scores each hit where it falls; the groove's
 * repetition bar to bar is checked over the longest steady section. A neighbouring level or meter
 * that explains it clearly better is decoded again within ±20 % of its tempo (which keeps out the
 * 4:3, 3:2 and 2:1 levels).
 */
function decodeGrid(
  hits: readonly GridHit[],
  durationMs: number,
  firstNote: number,
  lastNote: number,
  decoder: Required<BarPointerOptions>,
  sections: SectionOptions | undefined,
  beats: BeatActivations | undefined,
): Decoded | undefined {
  const decoded = decodeAndFit(hits, durationMs, firstNote, lastNote, decoder, sections, beats);
  // The metrical level is the drum pattern's call (a backbeat on 2 and 4, the kick on 1): the beat
  // model, trained on one convention, hears some songs at double or half the notated tempo.
  const rival = decoded && rivalLevel(decoded, hits, decoder);
  if (!rival) return decoded;
  const m = METERS[rival.meter];
  const simpleBpm = (60_000 / rival.beatMs) * (m.compound ? 1.5 : 1);
  const meters: MeterName[] = m.compound ? [rival.meter] : [rival.meter, "2/4"];
  const narrowed = { ...decoder, meters, minBpm: simpleBpm / 1.2, maxBpm: simpleBpm * 1.2 };
  return decodeAndFit(hits, durationMs, firstNote, lastNote, narrowed, sections, beats) ?? decoded;
}

/**
 * Each section judged on its own hits, from the chart's first beat (`start`) on. Sections too
 * short or moving to judge their metrical level (under 2 bars, a ramp, a fill) take it from the
 * nearest section that can: the level does not change inside a ritardando.
 */
function judgeSections(
  d: Decoded,
  hits: readonly GridHit[],
  grid: readonly number[],
  start: number,
  prior: Required<BarPointerOptions>,
) {
  const last = grid.length - 1;
  const judgements = d.fit.sections.map((s) => {
    const end = Math.min(s.to, last);
    const from = Math.min(Math.max(s.from, start), end);
    const inSection = hits.filter((h) => h.timeMs >= grid[from]! - 50 && h.timeMs < grid[end]! + 50);
    const bar = d.bars[d.beats[from]!.bar]!;
    const beatMs = (grid[end]! - grid[from]!) / Math.max(1, end - from);
    const conf = sectionConfidence(
      { barMs: grid[from]! - d.beats[from]!.inBar * beatMs, beatMs, meter: bar.meter },
      inSection,
      d.fit.pinned
        .slice(from, end + 1)
        .map((p, j) => ({ gridMs: grid[from + j]!, observedMs: p.observedMs, weight: p.weight })),
      grid[end]! - grid[from]!,
      prior,
    );
    const judgeable = s.kind === "steady" && end - from >= JUDGED_BARS * METERS[bar.meter].beats;
    return { from, end, bar, beatMs, conf, judgeable, confidence: conf.confidence };
  });
  judgements.forEach((j, i) => {
    if (j.judgeable) return;
    let near: (typeof judgements)[number] | undefined;
    for (let k = 1; k < judgements.length && !near; k++) {
      near = [judgements[i - k], judgements[i + k]].find((n) => n?.judgeable);
    }
    if (!near) return;
    // A few beats (a pickup, the last bar) say nothing of their own: the neighbour's word stands.
    j.confidence =
      j.conf.supported < 4 ? near.confidence : Math.round(j.conf.fitShare * near.conf.level * 1000) / 1000;
  });
  return judgements;
}

interface Decoded {
  bars: DecodedBar[];
  beats: ReturnType<typeof barsToBeats>;
  fit: SectionFit;
}

function decodeAndFit(
  hits: readonly GridHit[],
  durationMs: number,
  firstNote: number,
  lastNote: number,
  decoder: Required<BarPointerOptions>,
  sections: SectionOptions | undefined,
  activations: BeatActivations | undefined,
): Decoded | undefined {
  // Bars from the one holding the first note to the one holding the last.
  const bars = decodeBars(hits, durationMs, decoder, activations).filter((b, i, all) => {
    const end = i + 1 < all.length ? all[i + 1]!.startMs : b.startMs + METERS[b.meter].beats * b.beatMs;
    return end > firstNote && b.startMs <= lastNote;
  });
  if (bars.length === 0) return undefined;
  const beats = barsToBeats(bars);
  const fit = fitSections(
    beats.map((b) => b.timeMs),
    hits,
    sections,
  );
  return { bars, beats, fit };
}

/** Fewest bars of a steady section whose metrical level is judged on its own hits. */
const JUDGED_BARS = 2;

/** Fewest bars in a section whose level is checked, and the per-hit margin a rival must win by. */
const RIVAL_MIN_BARS = 8;
const RIVAL_MARGIN = 0.015;

/** A clearly better metrical level or meter for the longest steady section, if there is one. */
function rivalLevel(
  d: Decoded,
  hits: readonly GridHit[],
  prior: Required<BarPointerOptions>,
): GridHypothesis | undefined {
  const steady = d.fit.sections.filter((s) => s.kind === "steady");
  const longest = steady.reduce<(typeof steady)[number] | undefined>(
    (a, s) => (a && a.to - a.from >= s.to - s.from ? a : s),
    undefined,
  );
  if (!longest) return undefined;
  const meter = d.bars[d.beats[longest.from]!.bar]!.meter;
  if (longest.to - longest.from < RIVAL_MIN_BARS * METERS[meter].beats) return undefined;
  const times = d.fit.beatsMs;
  const beatMs = (times[longest.to]! - times[longest.from]!) / (longest.to - longest.from);
  const chosen = { barMs: times[longest.from]! - d.beats[longest.from]!.inBar * beatMs, beatMs, meter };
  const inSection = hits.filter((h) => h.timeMs >= times[longest.from]! && h.timeMs < times[longest.to]!);
  const evidence = inSection.reduce((s, h) => s + h.weight, 0);
  const { own, rival, rivalScore } = bestNeighbour(
    chosen,
    inSection,
    times[longest.to]! - times[longest.from]!,
    prior,
  );
  return rival && rivalScore > own + RIVAL_MARGIN * evidence ? rival : undefined;
}

/** A Feel equal to the one already in force says nothing. */
function dropRepeatedFeel(points: TimingPoint[]): void {
  let current: Feel = "straight";
  for (const p of points) {
    if (p.Feel === undefined) continue;
    if (p.Feel === current) delete p.Feel;
    else current = p.Feel;
  }
}
