// Clone Hero .chart: import ([ExpertDrums] or another difficulty, Resolution, B tempo events, TS,
// cymbal markers 66–68, accents 34–37, ghosts 40–43, 5-lane charts) and export (4-lane pro drums,
// all four difficulties, plus the song.ini Clone Hero needs beside it).
import { buildImported, type ExportResult, type ImportResult, NoteSink } from "./build.ts";
import { compareHitObjects } from "./canonical.ts";
import { reduceDifficulty } from "./difficulty.ts";
import { assertSize, BeatmapError } from "./errors.ts";
import { type Component, VELOCITY_OF_CLASS, velocityClass } from "./lanes.ts";
import { LIMITS } from "./limits.ts";
import type { Beatmap, HitObject } from "./schema.ts";
import { buildExportTempo, lostTimingDetails, TickTempoMap, type TickTimeSignatureEvent } from "./tempo.ts";
import { decodeText, splitLines } from "./text-sections.ts";

export const CHART_DIFFICULTIES = ["Expert", "Hard", "Medium", "Easy"] as const;
export type ChartDifficulty = (typeof CHART_DIFFICULTIES)[number];

/** .chart drum note numbers. */
export const CHART_NOTE = {
  kick: 0,
  red: 1,
  yellow: 2,
  blue: 3,
  green: 4, // orange in 5-lane charts
  green5: 5,
  kick2x: 32,
  yellowCymbal: 66,
  blueCymbal: 67,
  greenCymbal: 68,
  /** Accent marker = 33 + pad (34 red … 37 green); ghost = 39 + pad (40 … 43). */
  accentBase: 33,
  ghostBase: 39,
} as const;

type Sections = Map<string, string[]>;

function readSections(text: string): Sections {
  const lines = splitLines(text, "invalid_chart", ".chart file");
  const sections: Sections = new Map();
  let current: string[] | undefined;
  let name = "";
  for (const [i, raw] of lines.entries()) {
    const line = raw.trim();
    if (line === "") continue;
    if (current === undefined) {
      const m = /^\[(.+)\]$/.exec(line);
      if (m) {
        name = m[1]!;
        continue;
      }
      if (line === "{" && name) {
        current = [];
        continue;
      }
      throw new BeatmapError(
        "invalid_chart",
        `The .chart file line ${i + 1} should start a [Section] or "{": "${line.slice(0, 40)}".`,
      );
    }
    if (line === "}") {
      sections.set(name, current);
      current = undefined;
      name = "";
      continue;
    }
    current.push(line);
  }
  if (current !== undefined)
    throw new BeatmapError("invalid_chart", `The .chart file is truncated: [${name}] is never closed.`);
  return sections;
}

function songValue(song: string[] | undefined, key: string): string | undefined {
  for (const line of song ?? []) {
    const m = /^(\w+)\s*=\s*(.*)$/.exec(line);
    if (m && m[1]!.toLowerCase() === key.toLowerCase()) return m[2]!.replace(/^"(.*)"$/, "$1").trim();
  }
  return undefined;
}

interface TickLine {
  tick: number;
  type: string;
  args: string[];
  line: number;
}

function tickLines(section: string[], sectionName: string): TickLine[] {
  return section.map((line, i) => {
    const m = /^(\d+)\s*=\s*([A-Za-z]+)\s*(.*)$/.exec(line);
    if (!m)
      throw new BeatmapError(
        "invalid_chart",
        `[${sectionName}] entry ${i + 1} is not "tick = TYPE values": "${line.slice(0, 40)}".`,
      );
    const tick = Number(m[1]);
    if (!Number.isSafeInteger(tick))
      throw new BeatmapError("invalid_chart", `[${sectionName}] entry ${i + 1} has an impossible tick.`);
    return { tick, type: m[2]!, args: m[3]!.trim().split(/\s+/), line: i + 1 };
  });
}

export interface ChartImportOptions {
  difficulty?: ChartDifficulty;
  title?: string;
}

export function importChart(input: Uint8Array | string, options: ChartImportOptions = {}): ImportResult {
  const size = typeof input === "string" ? input.length : input.byteLength;
  assertSize(size, LIMITS.maxTextChartBytes, "The .chart file");
  const text = typeof input === "string" ? input : decodeText(input, "invalid_chart", ".chart file");
  if (!/^\s*\[/.test(text.slice(0, 64).replace(/^\uFEFF/, ""))) {
    throw new BeatmapError("wrong_format", "This is not a .chart file: it should start with [Song].");
  }
  const sections = readSections(text);
  const warnings: string[] = [];
  const song = sections.get("Song");
  const resolution = Number(songValue(song, "Resolution") ?? 192);
  if (!Number.isInteger(resolution) || resolution < 1 || resolution > 100_000) {
    throw new BeatmapError(
      "invalid_chart",
      `[Song] Resolution = ${songValue(song, "Resolution")} is not a positive whole number.`,
    );
  }
  const sync = sections.get("SyncTrack");
  if (!sync) warnings.push("No [SyncTrack]: assuming 120 BPM in 4/4.");
  const tempos: { tick: number; bpm: number }[] = [];
  const timeSignatures: TickTimeSignatureEvent[] = [];
  for (const e of tickLines(sync ?? [], "SyncTrack")) {
    if (e.type === "B") {
      const milli = Number(e.args[0]);
      if (!(milli > 0) || !Number.isFinite(milli)) {
        throw new BeatmapError(
          "invalid_chart",
          `[SyncTrack] entry ${e.line}: tempo "B ${e.args[0]}" must be a positive BPM × 1000.`,
        );
      }
      tempos.push({ tick: e.tick, bpm: milli / 1000 });
    } else if (e.type === "TS") {
      const numerator = Number(e.args[0]);
      const denominator = 2 ** Number(e.args[1] ?? 2);
      if (numerator >= 1 && numerator <= 32 && denominator >= 1 && denominator <= 64) {
        timeSignatures.push({ tick: e.tick, ts: { numerator, denominator } });
      }
    }
  }
  const map = TickTempoMap.fromEvents(resolution, tempos);
  // Clone Hero's deprecated [Song] Offset (seconds) shifts everything later.
  const offsetMs = Number(songValue(song, "Offset") ?? 0) * 1000 || 0;

  const difficulty = options.difficulty ?? "Expert";
  const drums = sections.get(`${difficulty}Drums`);
  if (!drums) {
    const found = [...sections.keys()].filter((k) => k.endsWith("Drums"));
    throw new BeatmapError(
      "invalid_chart",
      `The .chart file has no [${difficulty}Drums] section${found.length ? ` (it has ${found.map((f) => `[${f}]`).join(", ")})` : "; it has no drum chart"}.`,
    );
  }
  const byTick = new Map<number, Set<number>>();
  for (const e of tickLines(drums, `${difficulty}Drums`)) {
    if (e.type !== "N") continue;
    const n = Number(e.args[0]);
    if (!Number.isInteger(n)) continue;
    let set = byTick.get(e.tick);
    if (!set) {
      set = new Set();
      byTick.set(e.tick, set);
    }
    set.add(n);
  }
  const fiveLane = [...byTick.values()].some((s) => s.has(CHART_NOTE.green5));
  const sink = new NoteSink(".chart file");
  const pads: [number, Component, Component][] = fiveLane
    ? [
        [CHART_NOTE.red, "snare", "snare"],
        [CHART_NOTE.yellow, "hihat_closed", "hihat_closed"],
        [CHART_NOTE.blue, "tom_high", "tom_high"],
        [CHART_NOTE.green, "crash", "crash"],
        [CHART_NOTE.green5, "tom_floor", "tom_floor"],
      ]
    : [
        [CHART_NOTE.red, "snare", "snare"],
        [CHART_NOTE.yellow, "tom_high", "hihat_closed"],
        [CHART_NOTE.blue, "tom_mid", "ride"],
        [CHART_NOTE.green, "tom_floor", "crash"],
      ];
  const cymbalMarker: Record<number, number> = {
    2: CHART_NOTE.yellowCymbal,
    3: CHART_NOTE.blueCymbal,
    4: CHART_NOTE.greenCymbal,
  };
  for (const [tick, set] of [...byTick.entries()].sort((a, b) => a[0] - b[0])) {
    const ms = map.tickToMs(tick) + offsetMs;
    if (set.has(CHART_NOTE.kick) || set.has(CHART_NOTE.kick2x))
      sink.add(ms, "kick", VELOCITY_OF_CLASS.normal);
    for (const [pad, tom, cymbal] of pads) {
      if (!set.has(pad)) continue;
      const marker = cymbalMarker[pad];
      const isCymbal = fiveLane ? true : marker !== undefined && set.has(marker);
      const velocity = set.has(CHART_NOTE.accentBase + pad)
        ? VELOCITY_OF_CLASS.accent
        : set.has(CHART_NOTE.ghostBase + pad)
          ? VELOCITY_OF_CLASS.ghost
          : VELOCITY_OF_CLASS.normal;
      sink.add(ms, isCymbal ? cymbal : tom, velocity);
    }
  }
  const preview = Number(songValue(song, "PreviewStart"));
  // The first beat is tick 0 or the end of a lead-in bar (TickTempoMap.toTiming).
  const timing = map.toTiming(timeSignatures);
  const beatmap = buildImported({
    title: songValue(song, "Name") || options.title || "Untitled",
    artist: songValue(song, "Artist"),
    creator: songValue(song, "Charter"),
    audioFilename: songValue(song, "MusicStream"),
    timing: { ...timing, Offset: timing.Offset + offsetMs },
    notes: sink.notes,
    ...(preview > 0 ? { previewTime: preview * 1000 } : {}),
  });
  if (offsetMs !== 0) {
    beatmap.Timing!.TimingPoints = beatmap.Timing!.TimingPoints.map((p) => ({
      ...p,
      Time: p.Time + offsetMs,
    }));
  }
  return { beatmap, warnings };
}

/** Pad and cymbal flag of each component in a 4-lane pro-drums .chart. */
const CHART_PAD: Readonly<Record<Component, { pad: number; cymbal: boolean }>> = {
  kick: { pad: 0, cymbal: false },
  snare: { pad: 1, cymbal: false },
  snare_rimshot: { pad: 1, cymbal: false },
  snare_cross_stick: { pad: 1, cymbal: false },
  hihat_closed: { pad: 2, cymbal: true },
  hihat_open: { pad: 2, cymbal: true },
  hihat_pedal: { pad: 2, cymbal: true },
  tom_high: { pad: 2, cymbal: false },
  ride: { pad: 3, cymbal: true },
  ride_bell: { pad: 3, cymbal: true },
  tom_mid: { pad: 3, cymbal: false },
  crash: { pad: 4, cymbal: true },
  crash2: { pad: 4, cymbal: true },
  china: { pad: 4, cymbal: true },
  splash: { pad: 4, cymbal: true },
  tom_floor: { pad: 4, cymbal: false },
};

export const CHART_EXPORT_RESOLUTION = 480;
const quantizeChartBpm = (bpm: number): number => Math.max(1, Math.round(bpm * 1000)) / 1000;

function drumSection(notes: HitObject[], map: TickTempoMap, lossy: Map<string, number>): string[] {
  const byTick = new Map<number, HitObject[]>();
  for (const h of [...notes].sort(compareHitObjects)) {
    const tick = Math.max(0, Math.round(map.msToTick(h.Time)));
    const list = byTick.get(tick) ?? [];
    list.push(h);
    byTick.set(tick, list);
  }
  const count = (k: string) => lossy.set(k, (lossy.get(k) ?? 0) + 1);
  const out: string[] = [];
  for (const [tick, list] of [...byTick.entries()].sort((a, b) => a[0] - b[0])) {
    const used = new Set<number>();
    const entries = new Set<number>();
    for (const h of list) {
      const { pad, cymbal } = CHART_PAD[h.Component];
      if (used.has(pad)) {
        count(`notes sharing a pad at one tick (e.g. hi-hat with high tom) dropped`);
        continue;
      }
      used.add(pad);
      entries.add(pad);
      if (cymbal) entries.add(CHART_NOTE.yellowCymbal + pad - 2);
      const cls = velocityClass(h.Velocity);
      if (pad === 0 && cls !== "normal") count("kick accents and ghosts written as normal kicks");
      if (pad > 0) {
        if (cls === "accent") entries.add(CHART_NOTE.accentBase + pad);
        if (cls === "ghost") entries.add(CHART_NOTE.ghostBase + pad);
      }
      if (h.Component === "splash" || h.Component === "china" || h.Component === "crash2")
        count(`${h.Component} written as crash`);
      if (h.Component === "hihat_open" || h.Component === "hihat_pedal")
        count(`${h.Component} written as hi-hat`);
      if (h.Component === "ride_bell") count("ride bell written as ride");
      if (h.Flam) count("flams written as single notes");
      if (h.Choke) count("chokes dropped");
    }
    for (const n of [...entries].sort((a, b) => a - b)) out.push(`  ${tick} = N ${n} 0`);
  }
  return out;
}

const quote = (s: string): string => s.replace(/["\r\n]/g, "'");

/** Writes a 4-lane pro-drums .chart with Expert and reduced Hard / Medium / Easy, plus song.ini. */
export function exportChart(b: Beatmap): ExportResult<{ chart: string; songIni: string }> {
  const { map, timeSignatures } = buildExportTempo(
    b.Timing,
    CHART_EXPORT_RESOLUTION,
    quantizeChartBpm,
    ".chart",
  );
  const m = b.Metadata;
  const audio = b.Audio.Filename;
  const lines: string[] = [
    "[Song]",
    "{",
    `  Name = "${quote(m.Title)}"`,
    `  Artist = "${quote(m.Artist)}"`,
    `  Charter = "${quote(m.Creator || "BeatSight")}"`,
    "  Offset = 0",
    `  Resolution = ${CHART_EXPORT_RESOLUTION}`,
    "  Player2 = bass",
    "  Difficulty = 0",
    `  PreviewStart = ${((m.PreviewTime ?? 0) / 1000).toFixed(3)}`,
    "  PreviewEnd = 0",
    '  Genre = "rock"',
    '  MediaType = "cd"',
    ...(audio ? [`  MusicStream = "${quote(audio)}"`] : []),
    "}",
    "[SyncTrack]",
    "{",
  ];
  const sync: { tick: number; order: number; line: string }[] = [];
  for (const ts of timeSignatures) {
    const exp = Math.log2(ts.ts.denominator);
    sync.push({
      tick: ts.tick,
      order: 0,
      line: `  ${ts.tick} = TS ${ts.ts.numerator}${exp === 2 ? "" : ` ${exp}`}`,
    });
  }
  for (const e of map.events)
    sync.push({ tick: e.tick, order: 1, line: `  ${e.tick} = B ${Math.round(e.bpm * 1000)}` });
  sync.sort((x, y) => x.tick - y.tick || x.order - y.order);
  lines.push(...sync.map((s) => s.line), "}", "[Events]", "{", "}");
  const lossy = new Map<string, number>();
  for (const difficulty of CHART_DIFFICULTIES) {
    const chart =
      difficulty === "Expert"
        ? b
        : reduceDifficulty(b, difficulty.toLowerCase() as "hard" | "medium" | "easy");
    const section = drumSection(chart.HitObjects, map, difficulty === "Expert" ? lossy : new Map());
    lines.push(`[${difficulty}Drums]`, "{", ...section, "}");
  }
  const lastMs = b.HitObjects.reduce((mx, h) => Math.max(mx, h.Time + (h.Duration ?? 0)), 0);
  const ini = [
    "[song]",
    `name = ${m.Title}`,
    `artist = ${m.Artist}`,
    `charter = ${m.Creator || "BeatSight"}`,
    "pro_drums = True",
    "five_lane_drums = False",
    `diff_drums = ${typeof m.Difficulty === "number" ? Math.min(6, Math.round((m.Difficulty - 1) * (6 / 9))) : -1}`,
    `preview_start_time = ${Math.round(m.PreviewTime ?? 0)}`,
    `song_length = ${Math.round(b.Audio.Duration ?? lastMs)}`,
    "delay = 0",
    "",
  ].join("\n");
  const warnings = [
    ...lostTimingDetails(b.Timing, ".chart"),
    ...[...lossy.entries()].map(([what, n]) => `.chart: ${n} ${what}.`),
  ];
  return { data: { chart: `${lines.join("\r\n")}\r\n`, songIni: ini }, warnings };
}
