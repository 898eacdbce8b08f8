// The chart's grid on render-beats' held-out clips (training/work/beats/val), where beats and
// downbeats are exact: the decoder on the drum hits alone and with the beat model, as buildChart
// runs them, from the clips' recorded model inputs (beat_inputs.ts: the shipped transcriber's
// onsets and the accompaniment's features). Each clip is scored twice: as rendered, and with the
// accompaniment features zeroed (what the pipeline gives for a drum stem). This is where the grid's
// beat-model settings are chosen; the evaluation sets (scripts/evaluate-grid.ts) only measure them.
//
//   node --import tsx training/beats_grid_val.ts [--model beats-v1.onnx] [--folder <val folder>]
//        [--beat-weight W] [--downbeat-weight W] [--json out.json]
//
// Decoders: the hits alone, "joint" (always the decoding with the model) and "chosen" (grid.ts
// chooseGrid: the joint decoding where it is as steady as the hits' own, what the app does).
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { chartGrid, scoreGrid } from "../bench/support/beat-metrics.ts";
import { BEAT_FEATURE_COUNT } from "../lib/pipeline/beat-features.ts";
import { runBeatModel } from "../lib/pipeline/beat-model.ts";
import type { BeatSpec } from "../lib/pipeline/model-spec.ts";
import { createNodePipeline } from "../lib/pipeline/node.ts";
import { BAR_POINTER_DEFAULTS, buildChart } from "../lib/transcribe/index.ts";

const args = process.argv.slice(2);
const value = (name: string, fallback: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1]! : fallback;
};
const here = path.dirname(new URL(import.meta.url).pathname);
const folder = value("--folder", path.join(here, "work", "beats", "val"));
const modelFile = value("--model", path.join(here, "..", "public", "models", "beats-v1.onnx"));
const beatWeight = Number(value("--beat-weight", String(BAR_POINTER_DEFAULTS.beatWeight)));
const downbeatWeight = Number(value("--downbeat-weight", String(BAR_POINTER_DEFAULTS.downbeatWeight)));
const jsonOut = args.includes("--json") ? value("--json", "") : undefined;

const pipeline = await createNodePipeline(undefined, { device: "cpu", intraOpThreads: 1 });
const { transcriber } = pipeline.manifest.models;
const classes = transcriber.classes.length;
const channels = classes + BEAT_FEATURE_COUNT;
const bytes = new Uint8Array(readFileSync(modelFile));
const spec: BeatSpec = {
  task: "beats",
  name: "beatsight-beats",
  version: "val",
  url: "",
  sha256: "",
  bytes: bytes.length,
  input: "inputs",
  inputChannels: channels,
  frameRate: transcriber.sampleRate / transcriber.hop,
  beatOutput: "beat",
  downbeatOutput: "downbeat",
};
const session = await pipeline.backend.createSession(bytes);

interface Row {
  clip: string;
  accompaniment: boolean;
  variant: string;
  beatF: number;
  amlt: number;
  cmlt: number;
  downbeatF: number;
  constantGrid: number;
  timingPoints: number;
  used?: boolean;
}
const rows: Row[] = [];
const clips = readdirSync(folder)
  .filter((f) => /^clip_\d+\.json$/.test(f))
  .sort();
for (const file of clips) {
  const clip = file.slice(0, -".json".length);
  const info = JSON.parse(readFileSync(path.join(folder, file), "utf8")) as {
    beats: number[];
    downbeats: number[];
    durationS: number;
    kind: string;
  };
  const raw = readFileSync(path.join(folder, `${clip}.inputs.f32`));
  const data = new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength));
  const frames = data.length / channels;
  const onset = new Float32Array(frames * classes);
  for (let t = 0; t < frames; t++) for (let c = 0; c < classes; c++) onset[t * classes + c] = data[t * channels + c]!;
  const reference = { beats: info.beats, downbeats: info.downbeats };
  for (const accompaniment of info.kind === "drums" ? [false] : [true, false]) {
    const fed = Float32Array.from(data);
    if (!accompaniment) {
      for (let t = 0; t < frames; t++) for (let f = classes; f < channels; f++) fed[t * channels + f] = 0;
    }
    const beats = await runBeatModel(session, spec, { frames, channels, data: fed });
    const variants = [
      ["hits", undefined, undefined],
      ["joint", beats, "always"],
      ["chosen", beats, "steadier"],
    ] as const;
    for (const [variant, act, beatModelChoice] of variants) {
      const { beatmap, grid } = buildChart({
        activations: { fps: spec.frameRate, classes: transcriber.classes, onset },
        ...(act ? { beats: act } : {}),
        grid: { decoder: { beatWeight, downbeatWeight }, ...(beatModelChoice ? { beatModelChoice } : {}) },
        settings: { thresholds: transcriber.thresholds, minGapMs: transcriber.minGapMs },
        audio: { durationMs: info.durationS * 1000, sampleRate: transcriber.sampleRate },
        generation: {
          models: [],
          backend: "cpu",
          stageSeconds: {},
          thresholds: transcriber.thresholds,
          createdAt: "",
        },
      });
      const timing = beatmap.Timing!;
      const s = scoreGrid(reference, chartGrid(timing, (info.beats.at(-1)! + 1) * 1000));
      rows.push({
        clip,
        accompaniment,
        variant,
        beatF: s.beatF,
        amlt: s.amlt,
        cmlt: s.cmlt,
        downbeatF: s.downbeatF ?? 0,
        constantGrid: s.constantGrid ?? 0,
        timingPoints: timing.TimingPoints.length,
        ...(grid?.beatModel ? { used: grid.beatModel.used } : {}),
      });
    }
    const mine = rows.slice(-variants.length);
    console.error(
      `${clip} ${accompaniment ? "mix " : "drums"} ${mine.map((r) => `${r.variant}: F ${r.beatF.toFixed(2)} down ${r.downbeatF.toFixed(2)}${r.used === false ? " (hits kept)" : ""}`).join(" | ")}`,
    );
  }
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
console.log(`| inputs | decoder | clips | beat F | CMLt | AMLt | downbeat F | constant grid | timing points |`);
console.log(`|---|---|---|---|---|---|---|---|---|`);
for (const accompaniment of [true, false]) {
  for (const variant of [...new Set(rows.map((r) => r.variant))]) {
    const r = rows.filter((x) => x.accompaniment === accompaniment && x.variant === variant);
    console.log(
      `| ${accompaniment ? "mix" : "drums only"} | ${variant} | ${r.length} | ${mean(r.map((x) => x.beatF)).toFixed(3)} | ${mean(r.map((x) => x.cmlt)).toFixed(3)} | ${mean(r.map((x) => x.amlt)).toFixed(3)} | ${mean(r.map((x) => x.downbeatF)).toFixed(3)} | ${mean(r.map((x) => x.constantGrid)).toFixed(3)} | ${mean(r.map((x) => x.timingPoints)).toFixed(2)} |`,
    );
  }
}
if (jsonOut) writeFileSync(jsonOut, `${JSON.stringify(rows, null, 2)}\n`);
