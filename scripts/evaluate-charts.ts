// The charts users get, scored on real recordings: runs exactly what `beatsight transcribe` runs
// (lib/pipeline/node.ts: decode, separate, transcribe, post-process into a .bsm) on every MDB Drums
// track and compares the chart with the human annotations, lane by lane and beat by beat.
//
//   node --import tsx scripts/evaluate-charts.ts <MDB Drums folder with audio/ and annotations/> [--json out.json]
//
// MDB Drums (github.com/CarlSouthall/MDBDrums) is CC BY-NC-SA 4.0: measured on, never committed.
// training/evaluate_real.py scores the raw model outputs; this scores the product's output, after
// peak picking, limb rules and the tempo map. Notes: a chart note and an annotated onset of the
// same lane match within ±50 ms (one-to-one). Beats: the chart's tempo map gives a beat every
// quarter note; mir_eval's F-measure (±70 ms, beats before 5 s ignored) against MDB's beat files,
// over the annotated span (the chart's grid runs on to the end of the file).
import { existsSync } from "node:fs";
import { readdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { matchCount } from "../bench/support/beat-metrics.ts";
import { LANE, LANE_NAMES, type LaneName } from "../lib/beatmap/lanes.ts";
import { TempoMap } from "../lib/beatmap/tempo.ts";
import { createNodePipeline, transcribeFile } from "../lib/pipeline/node.ts";

const NOTE_WINDOW_S = 0.05;
const BEAT_WINDOW_S = 0.07;
const BEAT_SKIP_S = 5;

/** MDB's subclasses on the chart's lanes; side stick, shaker and tambourine have no lane. */
// biome-ignore format: one row per lane reads better than one entry per line
const MDB_LANE: Record<string, LaneName> = {
  KD: "kick",
  SD: "snare", SDB: "snare", SDD: "snare", SDF: "snare", SDG: "snare", SDNS: "snare",
  CHH: "hihat", PHH: "hihat", OHH: "hihat",
  HIT: "tom", MHT: "tom", HFT: "tom", LFT: "tom",
  CRC: "crash", CHC: "crash", SPC: "crash",
  RDC: "ride", RDB: "ride",
};

/** Splash notes are scored as crashes: the model has one class for both. */
const SCORED_LANE = (lane: number): LaneName => (lane === LANE.splash ? "crash" : LANE_NAMES[lane]!);

interface Counts {
  hits: number;
  ref: number;
  est: number;
}

function f1({ hits, ref, est }: Counts): { f1: number; precision: number; recall: number; support: number } {
  const precision = est ? hits / est : 0;
  const recall = ref ? hits / ref : 0;
  const f = precision + recall ? (2 * precision * recall) / (precision + recall) : 0;
  const round = (v: number) => Math.round(v * 1000) / 1000;
  return { f1: round(f), precision: round(precision), recall: round(recall), support: ref };
}

async function annotations(file: string): Promise<Map<LaneName, number[]>> {
  const lanes = new Map<LaneName, number[]>();
  for (const line of (await readFile(file, "utf8")).split("\n")) {
    const [time, label] = line.trim().split(/\s+/);
    const lane = label ? MDB_LANE[label] : undefined;
    if (lane && time) lanes.set(lane, [...(lanes.get(lane) ?? []), Number(time)]);
  }
  for (const times of lanes.values()) times.sort((a, b) => a - b);
  return lanes;
}

async function main(): Promise<void> {
  const [root, ...rest] = process.argv.slice(2);
  if (!root || !existsSync(path.join(root, "annotations"))) {
    console.error("usage: node --import tsx scripts/evaluate-charts.ts <MDB Drums folder> [--json out.json]");
    process.exit(2);
  }
  const jsonOut = rest[0] === "--json" ? rest[1] : undefined;
  const pipeline = await createNodePipeline();
  const tracks = (await readdir(path.join(root, "annotations", "subclass")))
    .filter((f) => f.endsWith("_subclass.txt"))
    .map((f) => f.replace("_subclass.txt", ""))
    .sort();
  const conditions = { drums_only: ["drum_only", "_Drum.wav"], mix: ["full_mix", "_MIX.wav"] } as const;
  const totals: Record<string, Record<string, Counts>> = {};
  const beatScores: Record<string, { track: string; f: number }[]> = {};
  for (const [condition, [folder, suffix]] of Object.entries(conditions)) {
    const byLane: Record<string, Counts> = Object.fromEntries(
      [...new Set(Object.values(MDB_LANE))].map((lane) => [lane, { hits: 0, ref: 0, est: 0 }]),
    );
    beatScores[condition] = [];
    for (const track of tracks) {
      const audio = path.join(root, "audio", folder, `${track}${suffix}`);
      if (!existsSync(audio)) continue;
      const { beatmap } = await transcribeFile(new AbortController().signal, pipeline, audio);
      const refs = await annotations(path.join(root, "annotations", "subclass", `${track}_subclass.txt`));
      for (const [lane, counts] of Object.entries(byLane)) {
        const ref = refs.get(lane as LaneName) ?? [];
        const est = beatmap.HitObjects.filter((n) => SCORED_LANE(n.Lane) === lane)
          .map((n) => n.Time / 1000)
          .sort((a, b) => a - b);
        counts.hits += matchCount(ref, est, NOTE_WINDOW_S);
        counts.ref += ref.length;
        counts.est += est.length;
      }
      const beatFile = path.join(root, "annotations", "beats", `${track}_MIX.beats`);
      if (existsSync(beatFile)) {
        const refBeats = (await readFile(beatFile, "utf8"))
          .split("\n")
          .filter((l) => l.trim())
          .map((l) => Number(l.trim().split(/\s+/)[0]))
          .filter((t) => t >= BEAT_SKIP_S);
        const map = TempoMap.fromTiming(beatmap.Timing);
        // The tempo map goes on past the music; score it over the span the annotator marked.
        const end = (refBeats[refBeats.length - 1] ?? 0) + BEAT_WINDOW_S;
        const estBeats: number[] = [];
        for (let beat = Math.floor(map.msToBeat(0)); ; beat++) {
          const t = map.beatToMs(beat) / 1000;
          if (t > end) break;
          if (t >= BEAT_SKIP_S) estBeats.push(t);
        }
        const hits = matchCount(refBeats, estBeats, BEAT_WINDOW_S);
        const f = refBeats.length + estBeats.length ? (2 * hits) / (refBeats.length + estBeats.length) : 0;
        beatScores[condition].push({ track, f: Math.round(f * 1000) / 1000 });
      }
      console.error(`${condition} ${track}: ${beatmap.HitObjects.length} notes`);
    }
    totals[condition] = byLane;
  }

  const report = Object.fromEntries(
    Object.entries(totals).map(([condition, byLane]) => {
      const sum = (lanes: string[]) =>
        lanes.reduce(
          (acc, lane) => ({
            hits: acc.hits + byLane[lane]!.hits,
            ref: acc.ref + byLane[lane]!.ref,
            est: acc.est + byLane[lane]!.est,
          }),
          { hits: 0, ref: 0, est: 0 },
        );
      const beats = beatScores[condition]!;
      return [
        condition,
        {
          tracks: beats.length,
          lanes: Object.fromEntries(Object.entries(byLane).map(([lane, c]) => [lane, f1(c)])),
          micro_kick_snare_hihat: f1(sum(["kick", "snare", "hihat"])),
          micro_all_lanes: f1(sum(Object.keys(byLane))),
          beatFMeasureMean: beats.length
            ? Math.round((beats.reduce((a, b) => a + b.f, 0) / beats.length) * 1000) / 1000
            : null,
          beatFMeasure: beats,
        },
      ];
    }),
  );
  console.log(JSON.stringify(report, null, 2));
  if (jsonOut) await writeFile(jsonOut, JSON.stringify(report, null, 2));
}

await main();
