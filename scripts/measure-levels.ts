// The difficulty levels measured on real drum parts: what each reduction keeps (notes per second,
// the difficulty estimate) and whether it keeps what a drummer expects (lib/beatmap/difficulty-checks.ts).
//
//   node --import tsx scripts/measure-levels.ts [--data /work/data] [--json out.json]
//
// Two kinds of real part, both measured on and never committed (licences: see each folder):
//   <data>/mdb/MDB Drums: 23 human performances (MedleyDB), charted from the annotated onsets on the
//     annotated beats (CC BY-NC-SA 4.0); played, so notes sit up to tens of ms off the grid.
//   <data>/grid-songs, <data>/grid-synth: General MIDI songs (OpenMSX, GPL-2.0) and the grooves of
//     scripts/render-grid-set.ts (4/4, 3/4, 6/8, 12/8, swing), imported as MIDI charts are.
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { reduceDifficulty } from "../lib/beatmap/difficulty.ts";
import {
  type CheckedLevel,
  checkLevel,
  notesPerSecond,
  PLAYED,
  type Tolerance,
} from "../lib/beatmap/difficulty-checks.ts";
import { importChartFile } from "../lib/beatmap/formats.ts";
import { COMPONENT_LANE, type Component } from "../lib/beatmap/lanes.ts";
import { createBeatmap } from "../lib/beatmap/parse.ts";
import type { Beatmap, HitObject, TimingPoint } from "../lib/beatmap/schema.ts";
import { estimateDifficulty } from "../lib/transcribe/estimate-difficulty.ts";

const LEVELS: readonly CheckedLevel[] = ["hard", "medium", "easy"];

// biome-ignore format: one row per drum reads better
const MDB_COMPONENT: Record<string, [Component, number]> = {
  KD: ["kick", 0.8],
  SD: ["snare", 0.8], SDB: ["snare", 0.8], SDD: ["snare", 0.8], SDF: ["snare", 0.8], SDNS: ["snare", 0.8],
  SDG: ["snare", 0.3], SST: ["snare_cross_stick", 0.7],
  CHH: ["hihat_closed", 0.7], OHH: ["hihat_open", 0.8], PHH: ["hihat_pedal", 0.6],
  HIT: ["tom_high", 0.8], MHT: ["tom_mid", 0.8], HFT: ["tom_floor", 0.8], LFT: ["tom_floor", 0.8],
  CRC: ["crash", 1], CHC: ["china", 1], SPC: ["splash", 0.9],
  RDC: ["ride", 0.7], RDB: ["ride_bell", 0.8],
};

/** A chart of an MDB track: its annotated onsets on a tempo map through its annotated beats. */
function mdbChart(root: string, track: string): Beatmap {
  const beats = readFileSync(path.join(root, "annotations", "beats", `${track}_MIX.beats`), "utf8")
    .trim()
    .split("\n")
    .map((l) => l.trim().split(/\s+/).map(Number) as [number, number]);
  // Bar lengths from the beat numbers: a bar is as long as its last beat's number.
  const barLength = new Map<number, number>();
  let barStart = 0;
  beats.forEach(([, n], i) => {
    if (n === 1) barStart = i;
    barLength.set(barStart, Math.max(barLength.get(barStart) ?? 0, n));
  });
  const points: TimingPoint[] = [];
  let ts = "";
  for (let i = 0; i < beats.length - 1; i++) {
    const [t, n] = beats[i]!;
    const bpm = 60 / (beats[i + 1]![0] - t);
    const point: TimingPoint = { Time: t * 1000, Bpm: bpm };
    const barTs = n === 1 ? `${barLength.get(i)}/4` : "";
    if (barTs && barTs !== ts) {
      point.TimeSignature = barTs;
      ts = barTs;
    }
    points.push(point);
  }
  const first = points.shift()!;
  const notes: HitObject[] = [];
  const onsets = readFileSync(path.join(root, "annotations", "subclass", `${track}_subclass.txt`), "utf8");
  for (const line of onsets.split("\n")) {
    const [time, label] = line.trim().split(/\s+/);
    const drum = label ? MDB_COMPONENT[label] : undefined;
    if (!drum || !time || Number(time) * 1000 < first.Time) continue;
    notes.push({
      Time: Number(time) * 1000,
      Component: drum[0],
      Lane: COMPONENT_LANE[drum[0]],
      Velocity: drum[1],
    });
  }
  notes.sort((a, b) => a.Time - b.Time || a.Lane - b.Lane);
  return createBeatmap({
    Metadata: { Title: track, Artist: "MDB Drums", Creator: "measure-levels", Tags: [] },
    Audio: { Filename: `${track}.wav`, Duration: notes.at(-1)!.Time + 1000 },
    Timing: {
      Bpm: first.Bpm,
      Offset: first.Time,
      TimeSignature: first.TimeSignature ?? "4/4",
      TimingPoints: points,
    },
    HitObjects: notes,
  });
}

/** A MIDI clip of the grid sets, with the swing its .json declares (MIDI files carry no feel). */
function midiChart(dir: string, name: string): Beatmap {
  const { beatmap } = importChartFile(
    new Uint8Array(readFileSync(path.join(dir, `${name}.mid`))),
    `${name}.mid`,
  );
  const info = JSON.parse(readFileSync(path.join(dir, `${name}.json`), "utf8")) as { feel: string };
  return info.feel === "swing" && beatmap.Timing
    ? { ...beatmap, Timing: { ...beatmap.Timing, Feel: "swing" } }
    : beatmap;
}

interface Row {
  set: string;
  name: string;
  meter: string;
  feel: string;
  expert: { nps: number; estimate: number };
  levels: Record<CheckedLevel, ReturnType<typeof summarise>>;
}

function summarise(expert: Beatmap, level: CheckedLevel, tolerance: Tolerance) {
  const reduced = reduceDifficulty(expert, level);
  const c = checkLevel(expert, reduced, level, tolerance);
  return {
    nps: round(c.notesPerSecond),
    estimate: estimateDifficulty(reduced.HitObjects).value,
    offGrid: c.offGrid.length,
    backbeatsLost: c.backbeatsLost.length,
    strongKicksLost: c.strongKicksLost.length,
    maxHands: c.maxHands,
    invented: c.invented.length,
    timekeeping: c.timekeeping,
  };
}

const round = (x: number) => Math.round(x * 100) / 100;

function measure(set: string, name: string, chart: Beatmap, tolerance: Tolerance): Row {
  return {
    set,
    name,
    meter: chart.Timing?.TimeSignature ?? "4/4",
    feel: chart.Timing?.Feel ?? "straight",
    expert: { nps: round(notesPerSecond(chart)), estimate: estimateDifficulty(chart.HitObjects).value },
    levels: Object.fromEntries(LEVELS.map((l) => [l, summarise(chart, l, tolerance)])) as Row["levels"],
  };
}

function main(): void {
  const args = process.argv.slice(2);
  const data = args.includes("--data") ? args[args.indexOf("--data") + 1]! : "/work/data";
  const jsonOut = args.includes("--json") ? args[args.indexOf("--json") + 1] : undefined;
  const rows: Row[] = [];
  const mdb = path.join(data, "mdb", "MDB Drums");
  if (existsSync(mdb)) {
    for (const f of readdirSync(path.join(mdb, "annotations", "subclass")).sort()) {
      const track = f.replace("_subclass.txt", "");
      // Played by a person: a note a little off the annotated grid still counts as on it.
      rows.push(measure("mdb", track, mdbChart(mdb, track), PLAYED));
    }
  }
  for (const set of ["grid-songs", "grid-synth"]) {
    const dir = path.join(data, set);
    if (!existsSync(dir)) continue;
    for (const f of readdirSync(dir)
      .filter((f) => f.endsWith(".mid"))
      .sort()) {
      // The songs' MIDI is played in (parts up to ~50 ms off the grid); the grooves are quantised.
      const tolerance = set === "grid-songs" ? PLAYED : 2;
      rows.push(measure(set, f.replace(/\.mid$/, ""), midiChart(dir, f.replace(/\.mid$/, "")), tolerance));
    }
  }
  if (rows.length === 0) {
    console.error(`No data under ${data} (expected mdb/MDB Drums, grid-songs or grid-synth).`);
    process.exit(2);
  }
  const cell = (r: Row, l: CheckedLevel) => {
    const x = r.levels[l];
    const flags = [
      x.offGrid && `off ${x.offGrid}`,
      x.backbeatsLost && `bb−${x.backbeatsLost}`,
      x.strongKicksLost && `k13−${x.strongKicksLost}`,
      x.maxHands > (l === "easy" ? 1 : 2) && `hands ${x.maxHands}`,
      x.invented && `new ${x.invented}`,
    ].filter(Boolean);
    return `${x.nps.toFixed(1)} (${x.estimate})${flags.length ? ` [${flags.join(" ")}]` : ""}`;
  };
  console.log("set\tname\tmeter\tfeel\texpert\thard\tmedium\teasy");
  for (const r of rows) {
    console.log(
      [
        r.set,
        r.name,
        r.meter,
        r.feel,
        `${r.expert.nps.toFixed(1)} (${r.expert.estimate})`,
        ...LEVELS.map((l) => cell(r, l)),
      ].join("\t"),
    );
  }
  for (const set of [...new Set(rows.map((r) => r.set))]) {
    const inSet = rows.filter((r) => r.set === set);
    const mean = (f: (r: Row) => number) => round(inSet.reduce((s, r) => s + f(r), 0) / inSet.length);
    const sum = (f: (r: Row) => number) => inSet.reduce((s, r) => s + f(r), 0);
    console.log(
      `\n${set} (${inSet.length}): notes/s expert ${mean((r) => r.expert.nps)}, ` +
        LEVELS.map((l) => `${l} ${mean((r) => r.levels[l].nps)}`).join(", ") +
        `; estimate expert ${mean((r) => r.expert.estimate)}, ` +
        LEVELS.map((l) => `${l} ${mean((r) => r.levels[l].estimate)}`).join(", ") +
        `\n  off grid ${LEVELS.map((l) => sum((r) => r.levels[l].offGrid)).join("/")}, backbeats lost ${LEVELS.map((l) => sum((r) => r.levels[l].backbeatsLost)).join("/")}, strong kicks lost ${LEVELS.map((l) => sum((r) => r.levels[l].strongKicksLost)).join("/")}, invented ${LEVELS.map((l) => sum((r) => r.levels[l].invented)).join("/")}, order broken ${inSet.filter((r) => !(r.expert.nps >= r.levels.hard.nps && r.levels.hard.nps >= r.levels.medium.nps && r.levels.medium.nps > r.levels.easy.nps && r.expert.nps > r.levels.easy.nps)).length}`,
    );
  }
  if (jsonOut) writeFileSync(jsonOut, JSON.stringify(rows, null, 2));
}

main();
