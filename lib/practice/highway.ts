// Note-highway geometry, as drummers know it from Rock Band / Clone Hero / YARG: pad lanes in
// columns with the kick as a bar across all of them, the track in perspective (narrower far away),
// bar and beat lines from the chart's timing map. Pure: where a note is drawn for a song time,
// which notes are on screen (culling by binary search over the sorted note times), which column a
// lane sits in (lane order, lefty flip), how a note looks by lane and velocity. The canvas renderer
// in app/_components/play draws what these return.
import { type Component, LANE, LANE_COUNT, type Lane, velocityClass } from "../beatmap/lanes.ts";
import { TempoMap } from "../beatmap/tempo.ts";

// ── Lanes → columns ──────────────────────────────────────────────────────────────────────────

export const KICK_LANE: Lane = LANE.kick;

export type LaneOrder = "standard" | "kit" | "rock-band";

/** Pad lanes left to right (the kick is not a column: it is drawn across all of them). */
export const LANE_ORDERS: Readonly<Record<LaneOrder, { label: string; lanes: readonly Lane[] }>> = {
  // The chart's own lane order (the editor's and the keyboard's).
  standard: {
    label: "Chart order (crash first)",
    lanes: [LANE.crash, LANE.hihat, LANE.snare, LANE.tom, LANE.ride, LANE.splash],
  },
  // As the kit stands in front of a right-handed drummer: hi-hat far left, ride far right.
  kit: {
    label: "Kit (hi-hat left, ride right)",
    lanes: [LANE.hihat, LANE.crash, LANE.snare, LANE.tom, LANE.splash, LANE.ride],
  },
  // Rock Band / Clone Hero pads: red, yellow, blue, green (snare, hi-hat, tom + ride, crash).
  "rock-band": {
    label: "Rock Band pads (snare first)",
    lanes: [LANE.snare, LANE.hihat, LANE.tom, LANE.ride, LANE.crash, LANE.splash],
  },
};

export function isLaneOrder(value: unknown): value is LaneOrder {
  return typeof value === "string" && Object.hasOwn(LANE_ORDERS, value);
}

/** The pad lanes left to right for an order; a left-handed kit mirrors it. */
export function laneColumns(order: LaneOrder, lefty: boolean): Lane[] {
  const lanes = [...LANE_ORDERS[order].lanes];
  return lefty ? lanes.reverse() : lanes;
}

/** Column of each lane (index by lane); the kick's is -1 (it spans the track). */
export function columnOfLane(columns: readonly Lane[]): Int8Array {
  const out = new Int8Array(LANE_COUNT).fill(-1);
  columns.forEach((lane, i) => {
    out[lane] = i;
  });
  return out;
}

// ── How a note looks ─────────────────────────────────────────────────────────────────────────

/** Kick: a bar across the track; drums (snare, toms): a gem; cymbals: a disc with a bell. */
export type NoteForm = "kick" | "drum" | "cymbal";

export const LANE_FORM: Readonly<Record<Lane, NoteForm>> = {
  0: "cymbal", // crash
  1: "cymbal", // hi-hat
  2: "drum", // snare
  3: "kick",
  4: "drum", // tom
  5: "cymbal", // ride
  6: "cymbal", // splash
};

/**
 * The colour family each lane takes in the rhythm-game convention (Rock Band / Clone Hero pro
 * drums): kick orange, snare red, hi-hat yellow, toms and ride blue, crash green. Splash has no
 * pad of its own there; it takes the crash's green family. The app's lane colours (the --lane-*
 * variables in app/globals.css) follow this; highway-style.test.ts checks that they do.
 */
export const LANE_COLOR_FAMILY: Readonly<Record<Lane, "orange" | "red" | "yellow" | "blue" | "green">> = {
  0: "green",
  1: "yellow",
  2: "red",
  3: "orange",
  4: "blue",
  5: "blue",
  6: "green",
};

/** Ghosts small and dim, accents full size, bright and outlined; normal notes in between. */
export function noteLook(velocity: number): { scale: number; alpha: number; outline: boolean } {
  switch (velocityClass(velocity)) {
    case "ghost":
      return { scale: 0.68, alpha: 0.5, outline: false };
    case "accent":
      return { scale: 1.08, alpha: 1, outline: true };
    default:
      return { scale: 0.92, alpha: 0.9, outline: false };
  }
}

/**
 * How an articulation shows on its lane's note: the lane's default component (closed hi-hat, snare
 * head, mid tom, crash, ride bow) plainly, the others with a mark a drummer reads at a glance —
 * the open hi-hat's "o" as in drum notation, the pedal as a foot pedal instead of a cymbal, a
 * rimshot's rim as brackets at the gem's ends, a cross-stick's ×, the ride bell as notation's
 * diamond, a china's upturned edge, a splash smaller than a crash, a high tom ▲ and a floor tom ▼
 * beside the gem.
 */
export type ArticulationMark =
  | "open"
  | "pedal"
  | "rimshot"
  | "crossStick"
  | "bell"
  | "china"
  | "splash"
  | "tomHigh"
  | "tomFloor";

export const ARTICULATION_MARK: Readonly<Partial<Record<Component, ArticulationMark>>> = {
  hihat_open: "open",
  hihat_pedal: "pedal",
  snare_rimshot: "rimshot",
  snare_cross_stick: "crossStick",
  ride_bell: "bell",
  china: "china",
  splash: "splash",
  tom_high: "tomHigh",
  tom_floor: "tomFloor",
};

/** Every mark, in a fixed order (the renderer counts them per frame in this order). */
export const ARTICULATION_MARKS: readonly ArticulationMark[] = [
  "open",
  "pedal",
  "rimshot",
  "crossStick",
  "bell",
  "china",
  "splash",
  "tomHigh",
  "tomFloor",
];

/** The mark of a note's component, or null for a lane's plain note. */
export function articulationMark(component: Component | undefined): ArticulationMark | null {
  return (component && ARTICULATION_MARK[component]) ?? null;
}

// ── Geometry ─────────────────────────────────────────────────────────────────────────────────

export interface HighwayLayout {
  width: number;
  height: number;
  /** y of the strike line, px from the top. */
  hitY: number;
  /** y of the track's far end (where notes appear). */
  topY: number;
  /** Track width at the far end over its width at the strike line: 1 is flat, less is perspective. */
  farScale: number;
  /** The track at the strike line (x from, x to). */
  trackLeft: number;
  trackRight: number;
  /** Number of pad columns. */
  columns: number;
  /** Real ms a note travels from the far end to the strike line (the approach speed). */
  leadMs: number;
  /** Playback rate: at 50 % song time passes half as fast, so notes keep their real speed. */
  rate: number;
}

/** The approach speed a drummer can choose: a note's travel time to the strike line, real ms. */
export const APPROACH_MS = { min: 600, max: 3000, step: 100, default: 1500 } as const;

export function clampApproachMs(ms: number): number {
  const stepped = Math.round(ms / APPROACH_MS.step) * APPROACH_MS.step;
  return Math.min(APPROACH_MS.max, Math.max(APPROACH_MS.min, stepped));
}

/** The 1–10 scroll speeds earlier versions kept (1 slow … 10 fast), as travel times, to read old settings. */
const LEGACY_SCROLL_SPEEDS = [3000, 2400, 2000, 1700, 1450, 1250, 1050, 900, 750, 600] as const;

export function approachMsFromLegacySpeed(speed: number): number {
  const i = Math.min(LEGACY_SCROLL_SPEEDS.length, Math.max(1, Math.round(speed))) - 1;
  return clampApproachMs(LEGACY_SCROLL_SPEEDS[i]!);
}

/** How many beats of the song the highway shows ahead at a tempo (quarter-note BPM) and rate. */
export function lookaheadBeats(approachMs: number, bpm: number, rate: number): number {
  return (approachMs / 60_000) * bpm * rate;
}

/**
 * Track proportions: the strike line near the bottom; the track about as wide as the box is tall
 * (a rhythm game's highway, not a spreadsheet) but never less than half the width, with a margin
 * on each side where bar lines reach past the lanes.
 */
export function highwayLayout(
  width: number,
  height: number,
  columns: number,
  leadMs: number,
  rate: number,
  farScale = 0.42,
): HighwayLayout {
  const hitY = Math.round(height * 0.84);
  const trackWidth = Math.min(width - 24, Math.max(height * 1.05, width * 0.45));
  const trackLeft = Math.round((width - trackWidth) / 2);
  return {
    width,
    height,
    hitY,
    topY: Math.round(height * 0.02),
    farScale,
    trackLeft,
    trackRight: width - trackLeft,
    columns,
    leadMs,
    rate,
  };
}

/** Song ms a note takes from the far end to the strike line. */
export const leadSongMs = (l: HighwayLayout): number => l.leadMs * l.rate;

/** Depth of a note: 0 on the strike line, 1 at the far end, negative once past the line. */
export function depthOf(l: HighwayLayout, noteMs: number, songMs: number): number {
  return (noteMs - songMs) / leadSongMs(l);
}

// Perspective: a point at depth u is drawn at scale s(u) = 1 / (1 + u (1/far − 1)) around the
// vanishing point, which sits where the track's edges meet (above the top when far > 0).
const perspective = (l: HighwayLayout) => 1 / l.farScale - 1;

function vanishY(l: HighwayLayout): number {
  return (l.topY - l.hitY * l.farScale) / (1 - l.farScale);
}

/** Scale of the track at depth u (1 on the strike line, farScale at the far end). */
export function scaleAt(l: HighwayLayout, u: number): number {
  if (l.farScale >= 1) return 1;
  return 1 / (1 + u * perspective(l));
}

/** Screen y at depth u. */
export function yAt(l: HighwayLayout, u: number): number {
  if (l.farScale >= 1) return l.hitY - u * (l.hitY - l.topY);
  const v = vanishY(l);
  return v + (l.hitY - v) * scaleAt(l, u);
}

/** Depth at screen y (the inverse of yAt). */
export function depthAtY(l: HighwayLayout, y: number): number {
  if (l.farScale >= 1) return (l.hitY - y) / (l.hitY - l.topY);
  const v = vanishY(l);
  const s = (y - v) / (l.hitY - v);
  return (1 / s - 1) / perspective(l);
}

/** The y of a note at `noteMs` when the playhead is at `songMs`. */
export function noteY(l: HighwayLayout, noteMs: number, songMs: number): number {
  return yAt(l, depthOf(l, noteMs, songMs));
}

/** Screen x of a strike-line x drawn at scale s (the track narrows towards its centre). */
export function xAtScale(l: HighwayLayout, x: number, s: number): number {
  const cx = (l.trackLeft + l.trackRight) / 2;
  return cx + (x - cx) * s;
}

/** A column's left and right edge on the strike line. */
export function columnEdges(l: HighwayLayout, column: number): { left: number; right: number } {
  const w = (l.trackRight - l.trackLeft) / l.columns;
  return { left: l.trackLeft + column * w, right: l.trackLeft + (column + 1) * w };
}

/**
 * Song-ms range on screen: from where a note leaves the bottom edge (with `marginPx` for its head)
 * to where it appears at the far end.
 */
export function visibleRange(
  l: HighwayLayout,
  songMs: number,
  marginPx = 24,
): { fromMs: number; toMs: number } {
  const lead = leadSongMs(l);
  return { fromMs: songMs + depthAtY(l, l.height + marginPx) * lead, toMs: songMs + lead };
}

/** First index i with times[i] ≥ t (times sorted ascending). */
export function lowerBound(times: ArrayLike<number>, t: number): number {
  let lo = 0;
  let hi = times.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (times[mid]! < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Index range [start, end) of the notes to draw. */
export function visibleNotes(
  times: ArrayLike<number>,
  l: HighwayLayout,
  songMs: number,
): { start: number; end: number } {
  const { fromMs, toMs } = visibleRange(l, songMs);
  return { start: lowerBound(times, fromMs), end: lowerBound(times, toMs) };
}

/**
 * The lane a touch at (x, y) plays: the strip under the strike line is the kick pedal, above it
 * the column under the finger (followed up the track in perspective).
 */
export function laneAtPoint(l: HighwayLayout, columns: readonly Lane[], x: number, y: number): Lane {
  if (y > l.hitY + (l.height - l.hitY) * 0.45) return KICK_LANE;
  const s = scaleAt(l, Math.max(0, depthAtY(l, y)));
  const cx = (l.trackLeft + l.trackRight) / 2;
  const x0 = cx + (x - cx) / s;
  const w = (l.trackRight - l.trackLeft) / l.columns;
  const c = Math.min(l.columns - 1, Math.max(0, Math.floor((x0 - l.trackLeft) / w)));
  return columns[c] ?? KICK_LANE;
}

// ── Bar and beat lines ───────────────────────────────────────────────────────────────────────

export type GridKind = "bar" | "beat" | "sub";

export interface GridLine {
  ms: number;
  kind: GridKind;
  /** The bar this line is in, counted from 1 at the chart's first beat (as loops and results count). */
  bar: number;
  /** A bar line (kept for readers that only tell bars from the rest). */
  downbeat: boolean;
}

const EPS = 1e-6;

/**
 * Where the felt beat falls, in quarter notes: the time signature's unit (a quarter in 4/4, a half
 * in 2/2, an eighth in 7/8), except compound meters (6/8, 9/8, 12/8), felt in dotted quarters with
 * the eighths as subdivisions.
 */
export function beatUnits(numerator: number, denominator: number): { beat: number; sub: number | null } {
  const unit = 4 / denominator;
  if (denominator >= 8 && numerator % 3 === 0 && numerator > 3) return { beat: 3 * unit, sub: unit };
  return { beat: unit, sub: null };
}

/** Quarter-note beats at which a new time signature starts a new bar (after the first). */
function meterChanges(tempo: TempoMap): number[] {
  return tempo.segments.filter((s, i) => i > 0 && Math.abs(s.tsBeat - s.beat) < EPS).map((s) => s.beat);
}

/**
 * Bar, beat and subdivision lines from the chart's timing map over [fromMs, toMs), from its first
 * beat on (the time before it has no grid of its own). A meter change starts a new bar even when
 * the bar before it is cut short (a pickup written as a short first bar, e.g. 2/4 then 4/4).
 */
export function gridLines(tempo: TempoMap, fromMs: number, toMs: number, max = 100_000): GridLine[] {
  const out: GridLine[] = [];
  const changes = meterChanges(tempo);
  let barStart = 0;
  let bar = 1;
  while (out.length < max) {
    const seg = tempo.segments.findLast((s) => s.beat <= barStart + EPS) ?? tempo.segments[0]!;
    const { numerator, denominator } = seg.ts;
    const { measureBeats } = tempo.measurePosition(barStart);
    const cut = changes.find((b) => b > barStart + EPS && b < barStart + measureBeats - EPS);
    const barEnd = cut ?? barStart + measureBeats;
    if (tempo.beatToMs(barStart) >= toMs - EPS) break;
    if (tempo.beatToMs(barEnd) > fromMs - EPS) {
      const { beat, sub } = beatUnits(numerator, denominator);
      const step = sub ?? beat;
      for (let k = 0; barStart + k * step < barEnd - EPS; k++) {
        const at = k * step;
        const ms = tempo.beatToMs(barStart + at);
        if (ms < fromMs - EPS) continue;
        if (ms >= toMs - EPS || out.length >= max) break;
        const onBeat = Math.abs(at / beat - Math.round(at / beat)) < EPS;
        const kind: GridKind = k === 0 ? "bar" : onBeat ? "beat" : "sub";
        out.push({ ms, kind, bar, downbeat: kind === "bar" });
      }
    }
    barStart = barEnd;
    bar++;
  }
  return out;
}

export { TempoMap };
