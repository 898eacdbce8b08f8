// A chart's tempo sections as a drummer reads them: where each runs (ms and bar numbers), its
// BPM, meter and feel, and how sure the generator was of its grid (`Confidence`). The app shows
// "check the tempo" for sections under LOW_GRID_CONFIDENCE (generate result, map page, player,
// editor) from the summary built here.
//
// A section runs from the Offset (or a timing point) to the next timing point. It follows
// TempoMap's reading of the Timing: points before the Offset are ignored, a point at the exact
// start of a section restates it, and a point with a TimeSignature starts a new bar. A point
// without its own Feel or Confidence carries the previous section's (the schema's "absent:
// unchanged"); a chart whose first section states no Confidence was made by hand or by a tool
// that does not know, and no claim is shown for it.
import { type Feel, LOW_GRID_CONFIDENCE, type Timing } from "./schema.ts";
import { DEFAULT_BPM, parseTimeSignature } from "./tempo.ts";

export interface GridSection {
  /** 0 for the section that starts at the Offset, then one per later section, in time order. */
  index: number;
  /** The timing point that starts this section (index into Timing.TimingPoints); null for the first. */
  pointIndex: number | null;
  startMs: number;
  /** Where the next section starts, or the end of the song. */
  endMs: number;
  bpm: number;
  timeSignature: string;
  /** This section states its own time signature (and so starts a new bar). */
  ownTimeSignature: boolean;
  feel: Feel;
  ownFeel: boolean;
  /** The section's grid confidence, stated or carried over; undefined when nothing says. */
  confidence: number | undefined;
  ownConfidence: boolean;
  /** Bars counted from 1 at the Offset (a meter change starts a new bar). */
  firstBar: number;
  lastBar: number;
  /** Quarter-note beats from the Offset to the section's start. */
  startBeat: number;
  /** The run of bars the section is in: the beat and number of the bar that started it, and its length in beats. */
  barRun: { beat: number; bar: number; measureBeats: number };
}

const SAME_MS = 0.001;
const EPS = 1e-9;

const DEFAULT_TIMING: Timing = { Bpm: DEFAULT_BPM, Offset: 0, TimeSignature: "4/4", TimingPoints: [] };

const measureBeatsOf = (ts: string) => {
  const { numerator, denominator } = parseTimeSignature(ts);
  return (numerator * 4) / denominator;
};

/** The tempo sections of a Timing (none: 120 BPM 4/4 from 0 ms), the last one ending at `songEndMs`. */
export function gridSections(timing: Timing | undefined, songEndMs: number): GridSection[] {
  const t = timing ?? DEFAULT_TIMING;
  const first: GridSection = {
    index: 0,
    pointIndex: null,
    startMs: t.Offset,
    endMs: t.Offset,
    bpm: t.Bpm,
    timeSignature: t.TimeSignature,
    ownTimeSignature: true,
    feel: t.Feel ?? "straight",
    ownFeel: t.Feel !== undefined,
    confidence: t.Confidence,
    ownConfidence: t.Confidence !== undefined,
    firstBar: 1,
    lastBar: 1,
    startBeat: 0,
    barRun: { beat: 0, bar: 1, measureBeats: 4 },
  };
  const sections: GridSection[] = [first];
  const order = t.TimingPoints.map((p, i) => ({ p, i })).sort((a, b) => a.p.Time - b.p.Time || a.i - b.i);
  for (const { p, i } of order) {
    if (p.Time < t.Offset) continue;
    const last = sections[sections.length - 1]!;
    const restates = p.Time - last.startMs < SAME_MS;
    const s: GridSection = restates
      ? last
      : {
          ...last,
          index: sections.length,
          startMs: p.Time,
          ownTimeSignature: false,
          ownFeel: false,
          ownConfidence: false,
        };
    s.pointIndex = i;
    s.bpm = p.Bpm;
    if (p.TimeSignature !== undefined) {
      s.timeSignature = p.TimeSignature;
      s.ownTimeSignature = true;
    }
    if (p.Feel !== undefined) {
      s.feel = p.Feel;
      s.ownFeel = true;
    }
    if (p.Confidence !== undefined) {
      s.confidence = p.Confidence;
      s.ownConfidence = true;
    }
    if (!restates) sections.push(s);
  }
  // Ends, then bar numbers: beats run on from the Offset; a stated meter starts a new bar.
  let beat = 0;
  let run = { beat: 0, bar: 1, measureBeats: measureBeatsOf(first.timeSignature) };
  const barAt = (b: number) => run.bar + Math.floor((b - run.beat) / run.measureBeats + EPS);
  sections.forEach((s, k) => {
    const next = sections[k + 1];
    s.endMs = next ? next.startMs : Math.max(s.startMs, songEndMs);
    if (k > 0 && s.ownTimeSignature) {
      const bars = Math.ceil((beat - run.beat) / run.measureBeats - EPS);
      run = { beat, bar: run.bar + bars, measureBeats: measureBeatsOf(s.timeSignature) };
    }
    const beats = ((s.endMs - s.startMs) * s.bpm) / 60_000;
    s.startBeat = beat;
    s.barRun = run;
    s.firstBar = barAt(beat);
    // The bar holding the section's last moment (a section ending on a bar line does not own it).
    s.lastBar = beats > EPS ? Math.max(s.firstBar, barAt(beat + beats - 1e-6)) : s.firstBar;
    beat += beats;
  });
  return sections;
}

/** The number of the bar playing at `ms` (bar 1 starts at the Offset; before it, 0 and less). */
export function barNumberAt(sections: readonly GridSection[], ms: number): number {
  const s = sections[sectionIndexAt(sections, ms)]!;
  const beat = s.startBeat + ((ms - s.startMs) * s.bpm) / 60_000;
  return s.barRun.bar + Math.floor((beat - s.barRun.beat) / s.barRun.measureBeats + 1e-6);
}

/** The section playing at `ms` (the first one before the Offset). */
export function sectionIndexAt(sections: readonly GridSection[], ms: number): number {
  let found = 0;
  for (const s of sections) if (s.startMs <= ms + SAME_MS) found = s.index;
  return found;
}

export const isLowConfidence = (s: GridSection) =>
  s.confidence !== undefined && s.confidence < LOW_GRID_CONFIDENCE;

/** "0:16.0": song time as the editor's ruler shows it. */
export function formatSongTime(ms: number): string {
  const s = Math.max(0, ms / 1000);
  return `${Math.floor(s / 60)}:${(s % 60).toFixed(1).padStart(4, "0")}`;
}

const formatBpm = (bpm: number) => `${Number(bpm.toFixed(2))}`;
const percent = (c: number) => `${Math.round(c * 100)} %`;

export function formatBars(s: GridSection): string {
  return s.firstBar === s.lastBar ? `bar ${s.firstBar}` : `bars ${s.firstBar}–${s.lastBar}`;
}

/** "bars 9–16 (0:16.0–0:32.0), 120 BPM, 4/4 swing" */
export function describeSection(s: GridSection): string {
  return `${formatBars(s)} (${formatSongTime(s.startMs)}–${formatSongTime(s.endMs)}), ${formatBpm(s.bpm)} BPM, ${s.timeSignature}${s.feel === "swing" ? " swing" : ""}`;
}

export interface GridSummary {
  sections: GridSection[];
  /** Sections whose grid the generator doubted (confidence < LOW_GRID_CONFIDENCE). */
  low: GridSection[];
  /** Every section states (or carries) a confidence, none of them low. */
  confident: boolean;
  /** The quiet line: "Grid: 120 BPM, 4/4, confident". */
  line: string;
  /** For each low section: "bars 9–16 (0:16.0–0:32.0) at 120 BPM, confidence 30 %". */
  lowLines: string[];
}

export function summarizeGrid(timing: Timing | undefined, songEndMs: number): GridSummary {
  const sections = gridSections(timing, songEndMs);
  const low = sections.filter(isLowConfidence);
  const confident = low.length === 0 && sections.every((s) => s.confidence !== undefined);
  const bpms = sections.map((s) => s.bpm);
  const lo = Math.min(...bpms);
  const hi = Math.max(...bpms);
  const meters = [...new Set(sections.map((s) => s.timeSignature))];
  const swing = sections.some((s) => s.feel === "swing");
  const parts = [
    ...(sections.length > 1 ? [`${sections.length} tempo sections`] : []),
    lo === hi ? `${formatBpm(lo)} BPM` : `${formatBpm(lo)}–${formatBpm(hi)} BPM`,
    meters.join(" and "),
    ...(swing ? [sections.every((s) => s.feel === "swing") ? "swing" : "partly swing"] : []),
    ...(confident ? ["confident"] : []),
  ];
  return {
    sections,
    low,
    confident,
    line: `Grid: ${parts.join(", ")}`,
    lowLines: low.map(
      (s) =>
        `${formatBars(s)} (${formatSongTime(s.startMs)}–${formatSongTime(s.endMs)}) at ${formatBpm(s.bpm)} BPM, ${s.timeSignature}: confidence ${percent(s.confidence ?? 0)}`,
    ),
  };
}

/** Time spans of the low-confidence sections, neighbours merged (the editor shades these). */
export function lowConfidenceSpans(sections: readonly GridSection[]): { startMs: number; endMs: number }[] {
  const out: { startMs: number; endMs: number }[] = [];
  for (const s of sections) {
    if (!isLowConfidence(s)) continue;
    const last = out.at(-1);
    if (last && Math.abs(last.endMs - s.startMs) < SAME_MS) last.endMs = s.endMs;
    else out.push({ startMs: s.startMs, endMs: s.endMs });
  }
  return out;
}

/** What changed between two Timings, in words ("120 BPM from 500 ms → 240 BPM from 480 ms; 1 → 2 sections"). */
export function describeTimingChange(before: Timing | undefined, after: Timing | undefined): string {
  const one = (t: Timing | undefined) => {
    if (!t) return "none";
    const sections = gridSections(t, t.Offset);
    const bpms = sections.map((s) => formatBpm(s.bpm)).join(" / ");
    return `${bpms} BPM from ${Number(t.Offset.toFixed(3))} ms, ${t.TimeSignature}${t.Feel === "swing" ? " swing" : ""}`;
  };
  const count = (t: Timing | undefined) => (t ? gridSections(t, t.Offset).length : 0);
  const a = count(before);
  const b = count(after);
  return `${one(before)} → ${one(after)}${a !== b ? `; ${a} → ${b} tempo ${b === 1 ? "section" : "sections"}` : ""}`;
}
