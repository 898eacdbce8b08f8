// Semantic validation after the schema: errors make a chart unplayable or untrustworthy,
// warnings are what a drummer or verifier should look at, infos are notes for the editor.
// Modelled on what scan-chart (Clone Hero) and osu!'s ranking criteria flag.
import {
  COMPONENT_LANE,
  CYMBAL_COMPONENTS,
  isFootComponent,
  LANE_COUNT,
  LANE_LABELS,
  type Lane,
} from "./lanes.ts";
import type { Beatmap } from "./schema.ts";
import { TempoMap } from "./tempo.ts";

export type LintSeverity = "error" | "warning" | "info";

export type LintCode =
  | "non_finite"
  | "negative_time"
  | "unsorted"
  | "lane_mismatch"
  | "past_audio_end"
  | "absurd_bpm"
  | "too_dense"
  | "empty_chart"
  | "missing_timing"
  | "timing_point_before_offset"
  | "before_first_beat"
  | "too_many_limbs"
  | "too_many_hands"
  | "duplicate_note"
  | "choke_on_drum"
  | "unsnapped"
  | "low_confidence";

export interface LintIssue {
  severity: LintSeverity;
  code: LintCode;
  /** The first occurrence, e.g. "HitObjects[12]". */
  path: string;
  /** Sentence for people, about the first occurrence and how many there are. */
  message: string;
  /** How many places have this problem. */
  count: number;
}

export interface LintOptions {
  /** Error above this many notes on one lane in any 1-second window. */
  maxNotesPerSecondPerLane?: number;
  minBpm?: number;
  maxBpm?: number;
}

export const LINT_DEFAULTS: Required<LintOptions> = {
  // A fast single-stroke roll is ~20 Hz per lane; double-bass 32nds at 250 BPM reach ~33.
  maxNotesPerSecondPerLane: 40,
  minBpm: 20,
  maxBpm: 1000,
};

/** Notes closer than this count as played together. */
const SIMULTANEOUS_MS = 5;
const DUPLICATE_MS = 1;
/**
 * A note at most this far ahead of the first beat is the drummer pushing it, not a note before the
 * chart starts (a generated chart's first beat is fitted over the whole section, not on that note).
 */
export const PUSHED_NOTE_MS = 25;
/** Off every 1/16 and 1/12 grid line by more than this counts as unsnapped. */
const SNAP_TOLERANCE_MS = 2;

const SEVERITY: Readonly<Record<LintCode, LintSeverity>> = {
  non_finite: "error",
  negative_time: "error",
  unsorted: "error",
  lane_mismatch: "error",
  past_audio_end: "error",
  absurd_bpm: "error",
  too_dense: "error",
  empty_chart: "warning",
  missing_timing: "warning",
  timing_point_before_offset: "warning",
  before_first_beat: "warning",
  too_many_limbs: "warning",
  too_many_hands: "warning",
  duplicate_note: "warning",
  choke_on_drum: "warning",
  unsnapped: "info",
  low_confidence: "info",
};

const fmtMs = (ms: number): string => {
  if (!Number.isFinite(ms)) return String(ms);
  const s = ms / 1000;
  const m = Math.floor(s / 60);
  return `${m}:${(s - m * 60).toFixed(3).padStart(6, "0")}`;
};

class Collector {
  private readonly byCode = new Map<LintCode, LintIssue>();
  add(code: LintCode, path: string, message: string): void {
    const existing = this.byCode.get(code);
    if (existing) existing.count++;
    else this.byCode.set(code, { severity: SEVERITY[code], code, path, message, count: 1 });
  }
  issues(): LintIssue[] {
    const order: LintSeverity[] = ["error", "warning", "info"];
    return [...this.byCode.values()]
      .map((i) => (i.count > 1 ? { ...i, message: `${i.message} (${i.count} places)` } : i))
      .sort((a, b) => order.indexOf(a.severity) - order.indexOf(b.severity));
  }
}

export interface LintReport {
  issues: LintIssue[];
  errors: LintIssue[];
  warnings: LintIssue[];
  ok: boolean;
}

export function lintBeatmap(b: Beatmap, options: LintOptions = {}): LintReport {
  const opt = { ...LINT_DEFAULTS, ...options };
  const c = new Collector();
  const notes = b.HitObjects;
  const t = b.Timing;

  if (notes.length === 0) c.add("empty_chart", "HitObjects", "The chart has no notes.");
  if (!t) {
    c.add(
      "missing_timing",
      "Timing",
      "No timing map (BPM, offset): beat lines, snapping and reductions will guess 120 BPM.",
    );
  } else {
    const points = [
      { path: "Timing.Bpm", bpm: t.Bpm },
      ...t.TimingPoints.map((p, i) => ({ path: `Timing.TimingPoints[${i}].Bpm`, bpm: p.Bpm })),
    ];
    for (const p of points) {
      if (!(p.bpm >= opt.minBpm && p.bpm <= opt.maxBpm)) {
        c.add("absurd_bpm", p.path, `${p.path}: ${p.bpm} BPM is outside ${opt.minBpm}–${opt.maxBpm}.`);
      }
    }
    t.TimingPoints.forEach((p, i) => {
      if (p.Time < t.Offset) {
        c.add(
          "timing_point_before_offset",
          `Timing.TimingPoints[${i}]`,
          `Timing.TimingPoints[${i}] at ${fmtMs(p.Time)} is before the first beat (Offset ${fmtMs(t.Offset)}) and is ignored.`,
        );
      }
    });
  }

  const duration = b.Audio.Duration;
  const tempo = t ? TempoMap.fromTiming(t) : undefined;
  const lastOnLane = new Array<number>(LANE_COUNT).fill(-Infinity);
  // Sliding 1-second windows per lane: index of the window's first note on that lane.
  const laneTimes: number[][] = Array.from({ length: LANE_COUNT }, () => []);
  const laneStart = new Array<number>(LANE_COUNT).fill(0);
  const denseReported = new Array<boolean>(LANE_COUNT).fill(false);
  let prevTime = -Infinity;
  let groupStart = 0;

  for (let i = 0; i < notes.length; i++) {
    const h = notes[i]!;
    const path = `HitObjects[${i}]`;
    if (!Number.isFinite(h.Time) || !Number.isFinite(h.Velocity) || !Number.isFinite(h.Lane)) {
      c.add("non_finite", path, `${path}: Time, Lane and Velocity must be finite numbers.`);
      continue;
    }
    if (h.Time < 0)
      c.add("negative_time", `${path}.Time`, `${path}.Time: ${h.Time} ms is before the start of the song.`);
    if (h.Time < prevTime) {
      c.add(
        "unsorted",
        `${path}.Time`,
        `${path}.Time: ${fmtMs(h.Time)} comes after a note at ${fmtMs(prevTime)}; notes must be sorted by time.`,
      );
    }
    prevTime = Math.max(prevTime, h.Time);
    const expectedLane = COMPONENT_LANE[h.Component];
    if (h.Lane !== expectedLane) {
      c.add(
        "lane_mismatch",
        `${path}.Lane`,
        `${path}.Lane: ${h.Lane} does not match ${h.Component}, which sits on lane ${expectedLane} (${LANE_LABELS[expectedLane]}).`,
      );
    }
    const end = h.Time + (h.Duration ?? 0);
    if (duration !== undefined && duration > 0 && end > duration) {
      c.add(
        "past_audio_end",
        `${path}.Time`,
        `${path} at ${fmtMs(h.Time)} is past the end of the audio (${fmtMs(duration)}).`,
      );
    }
    if (t && h.Time < t.Offset - PUSHED_NOTE_MS) {
      c.add(
        "before_first_beat",
        `${path}.Time`,
        `${path} at ${fmtMs(h.Time)} is before the first beat (${fmtMs(t.Offset)}).`,
      );
    }
    if (h.Choke && !CYMBAL_COMPONENTS.has(h.Component)) {
      c.add("choke_on_drum", `${path}.Choke`, `${path}: only cymbals can be choked, not ${h.Component}.`);
    }
    if (h.Confidence !== undefined && h.Confidence < 0.5) {
      c.add(
        "low_confidence",
        `${path}.Confidence`,
        `${path} at ${fmtMs(h.Time)}: the transcriber was unsure (confidence ${h.Confidence}).`,
      );
    }
    const lane = h.Lane as Lane;
    if (lane >= 0 && lane < LANE_COUNT) {
      if (h.Time - lastOnLane[lane]! < DUPLICATE_MS) {
        c.add(
          "duplicate_note",
          path,
          `${path}: two ${LANE_LABELS[lane]} notes within 1 ms at ${fmtMs(h.Time)}.`,
        );
      }
      lastOnLane[lane] = h.Time;
      const times = laneTimes[lane]!;
      times.push(h.Time);
      while (h.Time - times[laneStart[lane]!]! >= 1000) laneStart[lane]!++;
      const inWindow = times.length - laneStart[lane]!;
      if (inWindow > opt.maxNotesPerSecondPerLane && !denseReported[lane]) {
        denseReported[lane] = true;
        c.add(
          "too_dense",
          path,
          `${path}: ${inWindow} ${LANE_LABELS[lane]} notes within one second near ${fmtMs(h.Time)}; more than ${opt.maxNotesPerSecondPerLane} per second per lane is not playable.`,
        );
      }
    }
    if (tempo && !isSnapped(tempo, h.Time)) {
      c.add("unsnapped", `${path}.Time`, `${path} at ${fmtMs(h.Time)} is off the 1/16 and 1/12 beat grid.`);
    }
    // Simultaneous groups: notes within SIMULTANEOUS_MS of the group's first note.
    const next = notes[i + 1];
    if (!next || next.Time - notes[groupStart]!.Time > SIMULTANEOUS_MS) {
      checkLimbs(c, notes.slice(groupStart, i + 1), groupStart);
      groupStart = i + 1;
    }
  }

  const issues = c.issues();
  const errors = issues.filter((i) => i.severity === "error");
  return {
    issues,
    errors,
    warnings: issues.filter((i) => i.severity === "warning"),
    ok: errors.length === 0,
  };
}

function checkLimbs(c: Collector, group: Beatmap["HitObjects"], start: number): void {
  if (group.length < 3) return;
  const lanes = new Set<number>();
  let hands = 0;
  let feet = 0;
  for (const h of group) {
    if (lanes.has(h.Lane)) continue;
    lanes.add(h.Lane);
    if (isFootComponent(h.Component)) feet++;
    else hands++;
  }
  const path = `HitObjects[${start}]`;
  const at = fmtMs(group[0]!.Time);
  if (hands + feet > 4) {
    c.add("too_many_limbs", path, `${path}: ${hands + feet} drums at once at ${at}; a drummer has 4 limbs.`);
  } else if (hands > 2) {
    c.add(
      "too_many_hands",
      path,
      `${path}: ${hands} hand-played drums at once at ${at}; a drummer has 2 hands.`,
    );
  }
}

function isSnapped(tempo: TempoMap, ms: number): boolean {
  const beat = tempo.msToBeat(ms);
  for (const div of [4, 3]) {
    const grid = tempo.beatToMs(Math.round(beat * div) / div);
    if (Math.abs(grid - ms) <= SNAP_TOLERANCE_MS) return true;
  }
  return false;
}
