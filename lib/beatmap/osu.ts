// osu!mania .osu (Mode: 3): import (key count from CircleSize, column = floor(x × keys / 512),
// uninherited timing points, hold notes, hit-sample volume as velocity) and 7-key export.
import { buildImported, type ExportResult, type ImportResult, NoteSink } from "./build.ts";
import { compareHitObjects } from "./canonical.ts";
import { assertSize, BeatmapError } from "./errors.ts";
import { LANE_COUNT, LANE_DEFAULT_COMPONENT, type Lane, VELOCITY_OF_CLASS } from "./lanes.ts";
import { LIMITS } from "./limits.ts";
import type { Beatmap, Timing, TimingPoint } from "./schema.ts";
import {
  EXPORT_MAX_BPM,
  EXPORT_MIN_BPM,
  formatTimeSignature,
  GRID_TOLERANCE_MS,
  lostTimingDetails,
  type MeterFit,
  measureBeatsOf,
  planExport,
  type TimeSignature,
} from "./tempo.ts";
import { decodeText, splitLines } from "./text-sections.ts";

const HOLD = 128;
/** Timing point effect bit: osu! draws no bar line at this point (its bar goes on from before). */
const OMIT_FIRST_BARLINE = 8;

function readOsuSections(text: string): Map<string, string[]> {
  const lines = splitLines(text, "invalid_osu", ".osu file");
  const sections = new Map<string, string[]>();
  let current: string[] | undefined;
  for (const raw of lines) {
    const line = raw.trim();
    if (line === "" || line.startsWith("//")) continue;
    const m = /^\[(\w+)\]$/.exec(line);
    if (m) {
      current = [];
      sections.set(m[1]!, current);
    } else current?.push(line);
  }
  return sections;
}

function keyValues(lines: string[] | undefined): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of lines ?? []) {
    const i = line.indexOf(":");
    if (i > 0) out.set(line.slice(0, i).trim(), line.slice(i + 1).trim());
  }
  return out;
}

export function importOsu(input: Uint8Array | string, options: { title?: string } = {}): ImportResult {
  const size = typeof input === "string" ? input.length : input.byteLength;
  assertSize(size, LIMITS.maxTextChartBytes, "The .osu file");
  const text = typeof input === "string" ? input : decodeText(input, "invalid_osu", ".osu file");
  if (
    !text
      .replace(/^\uFEFF/, "")
      .trimStart()
      .startsWith("osu file format")
  ) {
    throw new BeatmapError(
      "wrong_format",
      'This is not an .osu file: it should start with "osu file format v14".',
    );
  }
  const sections = readOsuSections(text);
  const general = keyValues(sections.get("General"));
  const mode = general.get("Mode") ?? "0";
  if (mode !== "3") {
    const names: Record<string, string> = { "0": "osu!standard", "1": "osu!taiko", "2": "osu!catch" };
    throw new BeatmapError(
      "invalid_osu",
      `This .osu map is for ${names[mode] ?? `mode ${mode}`}, not osu!mania (Mode: 3).`,
    );
  }
  const meta = keyValues(sections.get("Metadata"));
  const keys = Number(keyValues(sections.get("Difficulty")).get("CircleSize"));
  if (!Number.isInteger(keys) || keys < 1 || keys > 18) {
    throw new BeatmapError(
      "invalid_osu",
      `[Difficulty] CircleSize (the key count) must be 1–18, not "${keys}".`,
    );
  }
  const warnings: string[] = [];
  if (keys !== LANE_COUNT) warnings.push(`${keys}-key map: its columns are spread across the 7 drum lanes.`);

  const points: TimingPoint[] = [];
  for (const [i, line] of (sections.get("TimingPoints") ?? []).entries()) {
    const f = line.split(",");
    const time = Number(f[0]);
    const beatLength = Number(f[1]);
    const uninherited = f[6] === undefined ? beatLength > 0 : f[6].trim() === "1";
    if (!uninherited) continue;
    if (!Number.isFinite(time) || !(beatLength > 0) || !Number.isFinite(beatLength)) {
      throw new BeatmapError(
        "invalid_osu",
        `[TimingPoints] line ${i + 1} has a bad time or beat length: "${line.slice(0, 60)}".`,
      );
    }
    const meter = Number(f[2]);
    // A point that omits its first bar line is a tempo change inside a bar, not a new bar.
    const midBar = (Number(f[7]) & OMIT_FIRST_BARLINE) !== 0;
    points.push({
      Time: time,
      Bpm: 60_000 / beatLength,
      ...(meter >= 1 && meter <= 32 && Number.isInteger(meter) && !midBar
        ? { TimeSignature: `${meter}/4` }
        : {}),
    });
    if (points.length > LIMITS.maxTimingPoints)
      throw new BeatmapError("too_large", "The .osu file has too many timing points.");
  }
  if (points.length === 0) warnings.push("No timing points: assuming 120 BPM.");
  points.sort((a, b) => a.Time - b.Time);
  const first = points[0] ?? { Time: 0, Bpm: 120 };

  const sink = new NoteSink(".osu file");
  for (const [i, line] of (sections.get("HitObjects") ?? []).entries()) {
    const f = line.split(",");
    const x = Number(f[0]);
    const time = Number(f[2]);
    const type = Number(f[3]);
    if (!Number.isFinite(x) || !Number.isFinite(time) || !Number.isInteger(type) || time < -60_000) {
      throw new BeatmapError(
        "invalid_osu",
        `[HitObjects] line ${i + 1} is not "x,y,time,type,…": "${line.slice(0, 60)}".`,
      );
    }
    const column = Math.min(keys - 1, Math.max(0, Math.floor((x * keys) / 512)));
    const lane = (
      keys === LANE_COUNT ? column : Math.round((column * (LANE_COUNT - 1)) / Math.max(1, keys - 1))
    ) as Lane;
    const extras = (f[5] ?? "").split(":");
    let duration: number | undefined;
    let sample = extras;
    if (type & HOLD) {
      const end = Number(extras[0]);
      if (end > time) duration = end - time;
      sample = extras.slice(1);
    }
    const volume = Number(sample[3]);
    const velocity = volume > 0 && volume <= 100 ? volume / 100 : VELOCITY_OF_CLASS.normal;
    sink.add(time, LANE_DEFAULT_COMPONENT[lane], velocity, duration ? { Duration: duration } : {});
  }
  const preview = Number(general.get("PreviewTime"));
  const beatmap = buildImported({
    title: meta.get("Title") || options.title || "Untitled",
    artist: meta.get("Artist"),
    creator: meta.get("Creator"),
    audioFilename: general.get("AudioFilename"),
    timing: {
      Bpm: first.Bpm,
      Offset: first.Time,
      TimeSignature: first.TimeSignature ?? "4/4",
      TimingPoints: points.slice(1),
    },
    notes: sink.notes,
    ...(preview > 0 ? { previewTime: preview } : {}),
  });
  return { beatmap, warnings };
}

const line = (k: string, v: string | number) => `${k}: ${v}`;
const clean = (s: string) => s.replace(/[\r\n]/g, " ");

/** Writes a 7-key osu!mania map: one column per lane, velocity as the hit-sample volume. */
export function exportOsu(b: Beatmap): ExportResult<string> {
  const warnings: string[] = lostTimingDetails(b.Timing, ".osu");
  const m = b.Metadata;
  const timing = osuTimingPoints(b.Timing, warnings);
  const x = (lane: number) => Math.floor(((lane + 0.5) * 512) / LANE_COUNT);
  const objects: string[] = [];
  const lastInColumn = new Map<number, number>();
  let dropped = 0;
  for (const h of [...b.HitObjects].sort(compareHitObjects)) {
    const time = Math.round(h.Time);
    if ((lastInColumn.get(h.Lane) ?? Number.NEGATIVE_INFINITY) >= time) {
      dropped++;
      continue;
    }
    const volume = Math.min(100, Math.max(5, Math.round(h.Velocity * 100)));
    if (h.Duration && h.Duration >= 1) {
      const end = Math.round(h.Time + h.Duration);
      objects.push(`${x(h.Lane)},192,${time},${HOLD},0,${end}:0:0:0:${volume}:`);
      lastInColumn.set(h.Lane, end);
    } else {
      objects.push(`${x(h.Lane)},192,${time},1,0,0:0:0:${volume}:`);
      lastInColumn.set(h.Lane, time);
    }
  }
  if (dropped > 0)
    warnings.push(`.osu: ${dropped} notes dropped: two notes in one column at the same millisecond.`);
  const articulations = b.HitObjects.filter(
    (h) => h.Component !== LANE_DEFAULT_COMPONENT[h.Lane as Lane],
  ).length;
  if (articulations > 0) {
    warnings.push(
      `.osu: ${articulations} articulations (open hi-hat, rimshot, tom or cymbal identity) kept only as their lane.`,
    );
  }
  const text = [
    "osu file format v14",
    "",
    "[General]",
    line("AudioFilename", clean(b.Audio.Filename || "audio.mp3")),
    line("AudioLeadIn", 0),
    line("PreviewTime", m.PreviewTime !== undefined ? Math.round(m.PreviewTime) : -1),
    line("Countdown", 0),
    line("SampleSet", "Soft"),
    line("StackLeniency", 0.7),
    line("Mode", 3),
    line("LetterboxInBreaks", 0),
    line("SpecialStyle", 0),
    line("WidescreenStoryboard", 0),
    "",
    "[Editor]",
    line("DistanceSpacing", 1),
    line("BeatDivisor", b.Editor?.SnapDivisor ?? 4),
    line("GridSize", 4),
    line("TimelineZoom", 1),
    "",
    "[Metadata]",
    `Title:${clean(m.Title)}`,
    `TitleUnicode:${clean(m.Title)}`,
    `Artist:${clean(m.Artist)}`,
    `ArtistUnicode:${clean(m.Artist)}`,
    `Creator:${clean(m.Creator || "BeatSight")}`,
    `Version:${clean(typeof m.Difficulty === "string" ? m.Difficulty : "BeatSight Drums")}`,
    `Source:${clean(m.Source ?? "")}`,
    `Tags:${clean(["drums", "beatsight", ...m.Tags].join(" "))}`,
    "BeatmapID:0",
    "BeatmapSetID:-1",
    "",
    "[Difficulty]",
    "HPDrainRate:8",
    `CircleSize:${LANE_COUNT}`,
    "OverallDifficulty:8",
    "ApproachRate:5",
    "SliderMultiplier:1.4",
    "SliderTickRate:1",
    "",
    "[Events]",
    "//Background and Video events",
    "",
    "[TimingPoints]",
    ...timing,
    "",
    "[HitObjects]",
    ...objects,
    "",
  ].join("\r\n");
  return { data: text, warnings };
}

/** Beats of a bar at metrical level `scale` (osu! meters are whole beats, 1–32 here). */
const osuMeter = (ts: TimeSignature, scale: number): number => scale * measureBeatsOf(ts);
const osuMeterFit = (ts: TimeSignature, scale: number): MeterFit => {
  const beats = osuMeter(ts, scale);
  return Number.isInteger(beats) && beats >= 1 && beats <= 32 ? "exact" : "approx";
};
const wholeMeter = (beats: number): number => Math.min(32, Math.max(1, Math.round(beats)));

/**
 * Uninherited timing points for the chart's tempo map. osu! points carry absolute times, so the
 * first is at the Offset (no lead-in). Times are whole ms (the nearest); beat lengths are the
 * chart's own, unless a reader that counts beats across points (BeatSight's importer does) would
 * then see the next point's beats more than GRID_TOLERANCE_MS off: that section's beat length is
 * then the one that lands it on the next point. osu! starts a bar at every uninherited point: a
 * tempo change inside a bar is written with the beats left in that bar as its meter and "omit
 * first bar line", followed by a point at the next bar line. Tempos outside 20–400 BPM are written
 * at another metrical level (see planExport).
 */
function osuTimingPoints(t: Timing | undefined, warnings: string[]): string[] {
  const plan = planExport(t, { format: ".osu", leadIn: false, meter: osuMeterFit, resyncAfterMidBar: true });
  const all = plan.sections;
  // Written beats (the file's quarter notes) from the first point to each section.
  const written: number[] = [0];
  for (let i = 1; i < all.length; i++) {
    written.push(written[i - 1]! + (all[i]!.beat - all[i - 1]!.beat) * all[i - 1]!.scale);
  }
  // Sections within the same millisecond as the next one are not written (the next one is).
  const kept: number[] = [];
  let barPending = false;
  const barStart = new Map<number, boolean>();
  all.forEach((s, i) => {
    const next = all[i + 1];
    if (next && Math.round(next.ms) <= Math.round(s.ms)) {
      barPending ||= s.barStart;
      return;
    }
    kept.push(i);
    barStart.set(i, s.barStart || barPending);
    barPending = false;
  });
  const approx = new Set<string>();
  const out: string[] = [];
  const length = (i: number) => 60_000 / (all[i]!.bpm * all[i]!.scale);
  const clampLength = (l: number) => Math.min(60_000 / EXPORT_MIN_BPM, Math.max(60_000 / EXPORT_MAX_BPM, l));
  // Beats a reader counts at this point minus the chart's, in written beats.
  let drift = 0;
  kept.forEach((i, k) => {
    const s = all[i]!;
    const time = Math.round(s.ms);
    let beatLength = clampLength(length(i));
    const n = kept[k + 1];
    if (n !== undefined) {
      const nextTime = Math.round(all[n]!.ms);
      const beats = written[n]! - written[i]!;
      const driftAt = (l: number) => drift + (nextTime - time) / l - beats;
      const offMs = (l: number) => Math.abs(nextTime - all[n]!.ms - driftAt(l) * length(n));
      if (offMs(beatLength) > GRID_TOLERANCE_MS)
        beatLength = clampLength((nextTime - time) / (beats - drift));
      drift = driftAt(beatLength);
    }
    // Nanoseconds are plenty (10^-6 ms after 1,000 beats) and keep float noise out of the file.
    beatLength = Math.round(beatLength * 1e9) / 1e9;
    const measure = measureBeatsOf(s.ts);
    let meter: number;
    let effects = 0;
    if (barStart.get(i)) {
      meter = wholeMeter(osuMeter(s.ts, s.scale));
      if (osuMeterFit(s.ts, s.scale) !== "exact") approx.add(formatTimeSignature(s.ts));
    } else {
      const barEnd = s.regionBeat + (Math.floor((s.beat - s.regionBeat + 1e-3) / measure) + 1) * measure;
      meter = wholeMeter((barEnd - s.beat) * s.scale);
      effects = OMIT_FIRST_BARLINE;
    }
    out.push(`${time},${beatLength},${meter},2,0,70,1,${effects}`);
  });
  if (approx.size > 0) {
    warnings.push(
      `.osu: bars of ${[...approx].join(", ")} are not a whole number of beats; osu! bar lines there are approximate.`,
    );
  }
  return out;
}
