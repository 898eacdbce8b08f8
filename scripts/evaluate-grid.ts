// Beat grids of the charts users get (issue 28), per data set: runs exactly what `beatsight
// transcribe` runs (lib/pipeline/node.ts transcribeFile: decode, separate, transcribe) once per
// audio file, caches what the post-processing is given, then rebuilds the chart with the current
// lib/transcribe buildChart and scores its Timing against reference beats.
//
//   node --import tsx scripts/evaluate-grid.ts [--set mdb|synthetic|songs|all] [--data /work/data]
//                                              [--verbose] [--json out.json] [--refresh]
//                                              [--only <name part>] [--sections]
//                                              [--beat-model file.onnx | --no-beats] [--compare]
//                                              [--beat-weight W] [--downbeat-weight W]
//                                              [--always-joint]
//                                              [--threads N (onnxruntime's; 0: its choice)]
//
// The beat model (public/models' beatsight-beats, or --beat-model before it is shipped) is fed
// as the pipeline feeds it (lib/pipeline/beat-model.ts): the cached transcriber activations and
// the accompaniment stem's features, cached beside them as <sha256>.<models>.accomp.json (the
// separator is run again for files cached before the beat model existed). --compare scores the
// decoder without and with the beat model on the same cache, side by side.
//
// Data (made by scripts, never committed): <data>/mdb/MDB Drums (13 drum stems and 4 mixes, beat
// annotations annotations/beats/<track>_MIX.beats), <data>/grid-synth and <data>/grid-songs
// (`node --import tsx scripts/render-grid-set.ts all`). Cache: <data>/grid-cache/, one file per
// audio file and model set, keyed by the audio file's sha256 and the names, versions and sha256 of
// the models in public/models/manifest.json; --refresh recomputes it (needed only when what runs
// before buildChart changes without a model version change).
//
// Scores (bench/support/beat-metrics.ts): beat F-measure (±70 ms), CMLt and AMLt (mir_eval's
// continuity, thresholds 0.175), beats before 5 s ignored as mir_eval's trim_beats does; tempo Acc1
// (60 / median beat interval within 4 %) and Acc2 (also ×2, ×½, ×3, ×⅓); downbeat F-measure
// (±70 ms) where the reference marks bar positions; the chart's timing points per minute of audio;
// and the share of the chart's beats over the annotated span within 40 ms of one least-squares
// constant grid. Chart beats are those the app draws: from the chart's Offset on (TempoMap
// beatToMs of whole beats — in 6/8, 9/8 and 12/8 sections dotted quarters), downbeats at bar starts.
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { chartGrid, type GridScores, readBeats, scoreGrid } from "../bench/support/beat-metrics.ts";
import { decodeFileFloat } from "../lib/audio/decode-node-float.ts";
import { LOW_GRID_CONFIDENCE } from "../lib/beatmap/index.ts";
import type { ModelSession } from "../lib/inference/backend.ts";
import { BEAT_FEATURE_COUNT, beatFeatures } from "../lib/pipeline/beat-features.ts";
import { beatModelInputs, runBeatModel } from "../lib/pipeline/beat-model.ts";
import { BROWSER_DECODE_RATE, toModelAudio } from "../lib/pipeline/model-audio.ts";
import type { BeatSpec } from "../lib/pipeline/model-spec.ts";
import { createNodePipeline, type NodePipeline, transcribeFile } from "../lib/pipeline/node.ts";
import { runSeparator } from "../lib/pipeline/run-model.ts";
import {
  BAR_POINTER_DEFAULTS,
  type BeatActivations,
  type BuildChartInput,
  buildChart,
  type ChartGrid,
  POSTPROCESS_VERSION,
} from "../lib/transcribe/index.ts";

interface Track {
  set: string;
  name: string;
  audio: string;
  beats: string;
  tags: string[];
}

type Variant = "hits" | "beats";
const VARIANT_LABEL: Record<Variant, string> = {
  hits: "the drum hits alone",
  beats: "the drum hits and the beat model's activations",
};

interface TrackResult extends GridScores {
  set: string;
  variant: Variant;
  name: string;
  tags: string[];
  timingPointsPerMinute: number;
  timingPoints: number;
  chartBpm: number;
  /** Lowest grid confidence of the chart's sections (1 when none is written). */
  confidence: number;
  /** With the beat model: whether the grid kept its decoding, and both decodings' steadiness. */
  beatModel?: ChartGrid["beatModel"];
  durationS: number;
  cached: boolean;
}

// ---------------------------------------------------------------------------------------------
// Data sets

const MDB_DIR = (data: string) => path.join(data, "mdb", "MDB Drums");

function mdbTracks(data: string): Track[] {
  const root = MDB_DIR(data);
  if (!existsSync(root)) throw new Error(`MDB Drums is not at ${root}`);
  const out: Track[] = [];
  for (const [set, folder, suffix] of [
    ["mdb-drums", "drum_only", "_Drum.wav"],
    ["mdb-mix", "full_mix", "_MIX.wav"],
  ] as const) {
    for (const file of readdirSync(path.join(root, "audio", folder)).sort()) {
      if (!file.endsWith(suffix)) continue;
      const name = file.slice(0, -suffix.length);
      const beats = path.join(root, "annotations", "beats", `${name}_MIX.beats`);
      if (existsSync(beats))
        out.push({ set, name, audio: path.join(root, "audio", folder, file), beats, tags: [] });
    }
  }
  return out;
}

function renderedTracks(data: string, set: "synthetic" | "songs"): Track[] {
  const dir = path.join(data, set === "synthetic" ? "grid-synth" : "grid-songs");
  if (!existsSync(dir)) {
    throw new Error(`${dir} is missing: node --import tsx scripts/render-grid-set.ts ${set}`);
  }
  return readdirSync(dir)
    .filter((f) => f.endsWith(".json"))
    .sort()
    .map((f) => {
      const name = f.slice(0, -".json".length);
      const info = JSON.parse(readFileSync(path.join(dir, f), "utf8")) as { tags?: string[] };
      return {
        set,
        name,
        audio: path.join(dir, `${name}.wav`),
        beats: path.join(dir, `${name}.beats`),
        tags: info.tags ?? [],
      };
    });
}

// ---------------------------------------------------------------------------------------------
// The cache: buildChart's input as the pipeline gave it, typed arrays as base64.

function modelKey(pipeline: NodePipeline): string {
  const { transcriber, separator } = pipeline.manifest.models;
  const models = [transcriber, separator].filter((m) => m !== undefined);
  const label = models.map((m) => `${m.name}-${m.version}`).join("+");
  const hash = createHash("sha256")
    .update(JSON.stringify(models.map((m) => [m.name, m.version, m.sha256])))
    .digest("hex")
    .slice(0, 12);
  return `${label}-${hash}`;
}

type Cached = Omit<BuildChartInput, "generation" | "signal" | "settings" | "metadata" | "beats">;

const replacer = (_key: string, value: unknown) =>
  value instanceof Float32Array
    ? { $f32: Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString("base64") }
    : value;

const reviver = (_key: string, value: unknown) => {
  if (value && typeof value === "object" && "$f32" in value && typeof value.$f32 === "string") {
    const bytes = Buffer.from(value.$f32, "base64");
    const out = new Float32Array(bytes.byteLength / 4);
    new Uint8Array(out.buffer).set(bytes);
    return out;
  }
  return value;
};

async function chartInputFor(
  pipeline: NodePipeline,
  track: Track,
  cacheDir: string,
  refresh: boolean,
): Promise<{ input: Cached; cached: boolean }> {
  const sha = createHash("sha256").update(readFileSync(track.audio)).digest("hex");
  const file = path.join(cacheDir, `${sha}.${modelKey(pipeline)}.json`);
  if (!refresh && existsSync(file)) {
    return { input: JSON.parse(readFileSync(file, "utf8"), reviver) as Cached, cached: true };
  }
  let captured: BuildChartInput | undefined;
  const result = await transcribeFile(new AbortController().signal, pipeline, track.audio, {
    audioHash: sha,
    onChartInput: (input) => {
      captured = input;
    },
  });
  if (!captured) throw new Error(`The pipeline did not reach post-processing for ${track.audio}`);
  if (result.stems) writeAccompaniment(pipeline, sha, cacheDir, result.stems.accompaniment);
  // The beat model's activations are recomputed from the features, so the cache does not depend on it.
  const { generation: _g, signal: _s, settings: _t, metadata: _m, beats: _b, ...input } = captured;
  mkdirSync(cacheDir, { recursive: true });
  writeFileSync(file, JSON.stringify({ ...input, file: path.basename(track.audio) }, replacer));
  return { input, cached: false };
}

/**
 * The beat model: a file given on the command line (its spec built from the file; the classes it
 * reads are the manifest beat entry's, or else all the transcriber's), else the manifest's.
 */
async function loadBeatModel(
  pipeline: NodePipeline,
  file: string | undefined,
): Promise<{ session: ModelSession; spec: BeatSpec } | undefined> {
  const transcriber = pipeline.manifest.models.transcriber;
  if (!file) {
    const spec = pipeline.manifest.models.beats;
    return spec ? { session: await pipeline.session(spec), spec } : undefined;
  }
  const bytes = new Uint8Array(readFileSync(file));
  const inputClasses = pipeline.manifest.models.beats?.inputClasses ?? transcriber.classes;
  const spec: BeatSpec = {
    task: "beats",
    name: "beatsight-beats",
    version: `file:${path.basename(file)}`,
    url: `/models/${path.basename(file)}`,
    sha256: createHash("sha256").update(bytes).digest("hex"),
    bytes: bytes.length,
    input: "inputs",
    inputChannels: inputClasses.length + BEAT_FEATURE_COUNT,
    inputClasses,
    frameRate: transcriber.sampleRate / transcriber.hop,
    beatOutput: "beat",
    downbeatOutput: "downbeat",
  };
  return { session: await pipeline.backend.createSession(bytes), spec };
}

const accompanimentFile = (pipeline: NodePipeline, sha: string, cacheDir: string) =>
  path.join(cacheDir, `${sha}.${modelKey(pipeline)}.accomp.json`);

function writeAccompaniment(pipeline: NodePipeline, sha: string, cacheDir: string, audio: Float32Array) {
  const { sampleRate, hop } = pipeline.manifest.models.transcriber;
  const features = beatFeatures(audio, sampleRate, hop);
  mkdirSync(cacheDir, { recursive: true });
  writeFileSync(accompanimentFile(pipeline, sha, cacheDir), JSON.stringify(features, replacer));
  return features;
}

/**
 * The accompaniment stem's beat features (beat-features.ts) for a track: cached, or the separator
 * run again on the file decoded exactly as transcribeFile decodes it.
 */
async function accompanimentFor(pipeline: NodePipeline, track: Track, cacheDir: string) {
  const sha = createHash("sha256").update(readFileSync(track.audio)).digest("hex");
  const file = accompanimentFile(pipeline, sha, cacheDir);
  if (existsSync(file)) {
    return JSON.parse(readFileSync(file, "utf8"), reviver) as ReturnType<typeof beatFeatures>;
  }
  const { separator, transcriber } = pipeline.manifest.models;
  if (!separator) throw new Error("The beat model needs the separator's accompaniment stem.");
  const decoded = await decodeFileFloat(track.audio, { sampleRate: BROWSER_DECODE_RATE });
  const audio = toModelAudio(decoded.channels, decoded.sampleRate, transcriber.sampleRate);
  const stems = await runSeparator(
    new AbortController().signal,
    await pipeline.session(separator),
    separator,
    audio,
  );
  return writeAccompaniment(pipeline, sha, cacheDir, stems.accompaniment);
}

/** The beat model's activations for a cached input, fed as lib/pipeline/generate.ts feeds it. */
async function beatsFor(
  pipeline: NodePipeline,
  model: { session: ModelSession; spec: BeatSpec },
  input: Cached,
  features: ReturnType<typeof beatFeatures>,
): Promise<BeatActivations> {
  const inputs = beatModelInputs(
    { ...input.activations, fps: input.activations.fps },
    undefined,
    pipeline.manifest.models.transcriber.sampleRate,
    pipeline.manifest.models.transcriber.hop,
    model.spec.inputClasses,
  );
  const classes = inputs.channels - BEAT_FEATURE_COUNT;
  for (let t = 0; t < inputs.frames && t < features.frames; t++) {
    for (let f = 0; f < BEAT_FEATURE_COUNT; f++) {
      inputs.data[t * inputs.channels + classes + f] = features.data[t * BEAT_FEATURE_COUNT + f]!;
    }
  }
  return runBeatModel(model.session, model.spec, inputs);
}

/**
 * The chart `beatsight transcribe` would write, from cached model outputs. Mirrors the
 * post-process stage of lib/pipeline/generate.ts (settings from the manifest's transcriber entry,
 * generation metadata as the pipeline writes it); everything else comes from the pipeline's own
 * input as captured, so a novelty curve or option it starts passing is replayed as given.
 */
function chartFor(
  pipeline: NodePipeline,
  input: Cached,
  title: string,
  beats: BeatActivations | undefined,
  weights: { beatWeight: number; downbeatWeight: number },
  choice: "steadier" | "always",
) {
  const { transcriber, separator } = pipeline.manifest.models;
  return buildChart({
    ...input,
    ...(beats
      ? {
          beats,
          grid: {
            ...input.grid,
            decoder: { ...input.grid?.decoder, ...weights },
            beatModelChoice: choice,
          },
        }
      : {}),
    settings: { thresholds: transcriber.thresholds, minGapMs: transcriber.minGapMs },
    generation: {
      models: [transcriber, ...(separator ? [separator] : [])].map((m) => ({
        name: m.name,
        version: m.version,
      })),
      backend: pipeline.backend.name,
      stageSeconds: {},
      thresholds: transcriber.thresholds,
      createdAt: new Date().toISOString(),
    },
    metadata: { title },
  });
}

// ---------------------------------------------------------------------------------------------
// Report

interface Summary {
  tracks: number;
  beatF: number;
  cmlt: number;
  amlt: number;
  acc1: number;
  acc2: number;
  downbeatF: number | null;
  downbeatTracks: number;
  timingPointsPerMinute: number;
  constantGrid: number;
}

const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : Number.NaN);

function summarise(rows: TrackResult[]): Summary {
  const down = rows.filter((r) => r.downbeatF !== undefined).map((r) => r.downbeatF!);
  return {
    tracks: rows.length,
    beatF: mean(rows.map((r) => r.beatF)),
    cmlt: mean(rows.map((r) => r.cmlt)),
    amlt: mean(rows.map((r) => r.amlt)),
    acc1: mean(rows.map((r) => (r.acc1 ? 1 : 0))),
    acc2: mean(rows.map((r) => (r.acc2 ? 1 : 0))),
    downbeatF: down.length ? mean(down) : null,
    downbeatTracks: down.length,
    timingPointsPerMinute: mean(rows.map((r) => r.timingPointsPerMinute)),
    constantGrid: mean(rows.map((r) => r.constantGrid ?? 0)),
  };
}

const f3 = (v: number | null | undefined) =>
  v === null || v === undefined || Number.isNaN(v) ? "—" : v.toFixed(3);
const HEADER =
  "| set | tracks | beat F | CMLt | AMLt | Acc1 | Acc2 | downbeat F | timing points / min | beats on one constant grid (±40 ms) |\n|---|---|---|---|---|---|---|---|---|---|";
const summaryRow = (label: string, s: Summary) =>
  `| ${label} | ${s.tracks} | ${f3(s.beatF)} | ${f3(s.cmlt)} | ${f3(s.amlt)} | ${f3(s.acc1)} | ${f3(s.acc2)} | ${f3(s.downbeatF)} | ${s.timingPointsPerMinute.toFixed(2)} | ${f3(s.constantGrid)} |`;

const TRACK_HEADER =
  "| track | ref BPM | chart BPM | beat F | CMLt | AMLt | Acc1 | Acc2 | downbeat F | TP/min | constant grid | confidence | tags |\n|---|---|---|---|---|---|---|---|---|---|---|---|---|";
const trackRow = (r: TrackResult) =>
  `| ${r.name} | ${r.referenceBpm?.toFixed(1) ?? "—"} | ${r.estimatedBpm?.toFixed(1) ?? "—"} | ${f3(r.beatF)} | ${f3(r.cmlt)} | ${f3(r.amlt)} | ${r.acc1 ? 1 : 0} | ${r.acc2 ? 1 : 0} | ${f3(r.downbeatF)} | ${r.timingPointsPerMinute.toFixed(2)} | ${f3(r.constantGrid)} | ${f3(r.confidence)} | ${r.tags.join(" ")} |`;

const SET_LABEL: Record<string, string> = {
  "mdb-drums": "MDB Drums, drum stems",
  "mdb-mix": "MDB Drums, full mixes",
  synthetic: "synthetic (TimGM6mb, held out)",
  songs: "songs (OpenMSX MIDI)",
};

/** Groups reported within a set, by tag. */
const GROUPS: Record<string, [string, string][]> = {
  synthetic: [
    ["steady", "steady tempo"],
    ["step", "tempo step at bar 9"],
    ["ramp", "accelerando ramp"],
    ["rit", "ritardando, last 4 bars"],
    ["odd-bar", "a 2/4 bar inserted"],
    ["pickup", "pickup"],
    ["swing", "swing (shuffle, 12/8)"],
    ["triple", "triple (3/4, 6/8, 12/8)"],
  ],
  songs: [
    ["held-out-sf2", "TimGM6mb (held out)"],
    ["training-sf2", "FluidR3_GM (training soundfont)"],
    ["steady", "constant tempo"],
    ["tempo-change", "tempo changes in the file"],
  ],
};

function parseArgs(argv: string[]) {
  const options = {
    set: "all",
    data: "/work/data",
    verbose: false,
    json: undefined as string | undefined,
    refresh: false,
    only: undefined as string | undefined,
    sections: false,
    beatModel: undefined as string | undefined,
    noBeats: false,
    threads: 0,
    compare: false,
    beatWeight: BAR_POINTER_DEFAULTS.beatWeight,
    downbeatWeight: BAR_POINTER_DEFAULTS.downbeatWeight,
    alwaysJoint: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--set") options.set = argv[++i] ?? "";
    else if (arg === "--data") options.data = argv[++i] ?? "";
    else if (arg === "--json") options.json = argv[++i];
    else if (arg === "--verbose") options.verbose = true;
    else if (arg === "--refresh") options.refresh = true;
    else if (arg === "--only") options.only = argv[++i];
    else if (arg === "--sections") options.sections = true;
    else if (arg === "--beat-model") options.beatModel = argv[++i];
    else if (arg === "--no-beats") options.noBeats = true;
    else if (arg === "--threads") options.threads = Number(argv[++i]);
    else if (arg === "--compare") options.compare = true;
    else if (arg === "--beat-weight") options.beatWeight = Number(argv[++i]);
    else if (arg === "--downbeat-weight") options.downbeatWeight = Number(argv[++i]);
    else if (arg === "--always-joint") options.alwaysJoint = true;
    else throw new Error(`unknown argument ${arg}`);
  }
  if (
    !["mdb", "synthetic", "songs", "all"].includes(options.set) ||
    !options.data ||
    (argv.includes("--json") && !options.json) ||
    !Number.isFinite(options.beatWeight) ||
    !Number.isFinite(options.downbeatWeight)
  ) {
    throw new Error("bad arguments");
  }
  return options;
}

async function main(): Promise<void> {
  let options: ReturnType<typeof parseArgs>;
  try {
    options = parseArgs(process.argv.slice(2));
  } catch (error) {
    console.error(`${(error as Error).message}
usage: node --import tsx scripts/evaluate-grid.ts [--set mdb|synthetic|songs|all] [--data /work/data] [--verbose] [--json out.json] [--refresh] [--only name] [--sections] [--beat-model file.onnx | --no-beats] [--compare] [--beat-weight W] [--downbeat-weight W] [--always-joint] [--threads N]`);
    process.exit(2);
  }
  const t0 = performance.now();
  const tracks = [
    ...(options.set === "mdb" || options.set === "all" ? mdbTracks(options.data) : []),
    ...(options.set === "synthetic" || options.set === "all"
      ? renderedTracks(options.data, "synthetic")
      : []),
    ...(options.set === "songs" || options.set === "all" ? renderedTracks(options.data, "songs") : []),
  ].filter((t) => !options.only || t.name.includes(options.only));
  const pipeline = await createNodePipeline(undefined, { intraOpThreads: options.threads });
  const cacheDir = path.join(options.data, "grid-cache");
  const beatModel = options.noBeats ? undefined : await loadBeatModel(pipeline, options.beatModel);
  // Variants scored on the same cached model outputs: the decoder on the drum hits alone, and
  // with the beat model's activations.
  const variants: Variant[] = beatModel ? (options.compare ? ["hits", "beats"] : ["beats"]) : ["hits"];
  const weights = { beatWeight: options.beatWeight, downbeatWeight: options.downbeatWeight };
  const results: TrackResult[] = [];
  let modelSeconds = 0;
  let postSeconds = 0;
  for (const track of tracks) {
    const tm = performance.now();
    const { input, cached } = await chartInputFor(pipeline, track, cacheDir, options.refresh);
    const beats = beatModel
      ? await beatsFor(pipeline, beatModel, input, await accompanimentFor(pipeline, track, cacheDir))
      : undefined;
    modelSeconds += (performance.now() - tm) / 1000;
    for (const variant of variants) {
      const tp = performance.now();
      const { beatmap, grid: chartGridInfo } = chartFor(
        pipeline,
        input,
        track.name,
        variant === "beats" ? beats : undefined,
        weights,
        options.alwaysJoint ? "always" : "steadier",
      );
      if (options.sections) {
        for (const s of chartGridInfo?.sections ?? []) {
          console.error(
            `  [${variant}] ${(s.startMs / 1000).toFixed(2)}–${(s.endMs / 1000).toFixed(2)} s bar ${s.firstBar}: ${s.bpm} BPM ${s.meter} ${s.steady ? "steady" : "moving"} ${s.feel} confidence ${s.confidence} margin ${s.margin.toFixed(3)}`,
          );
        }
      }
      postSeconds += (performance.now() - tp) / 1000;
      const reference = readBeats(readFileSync(track.beats, "utf8"));
      const lastRef = reference.beats.at(-1) ?? 0;
      const timing = beatmap.Timing!;
      const grid = chartGrid(timing, (lastRef + 1) * 1000);
      const scores = scoreGrid(reference, grid);
      const durationS = input.audio.durationMs / 1000;
      results.push({
        set: track.set,
        variant,
        name: track.name,
        tags: track.tags,
        ...scores,
        timingPoints: timing.TimingPoints.length,
        timingPointsPerMinute: timing.TimingPoints.length / (durationS / 60),
        chartBpm: timing.Bpm,
        confidence: Math.min(timing.Confidence ?? 1, ...timing.TimingPoints.map((p) => p.Confidence ?? 1)),
        ...(chartGridInfo?.beatModel ? { beatModel: chartGridInfo.beatModel } : {}),
        durationS,
        cached,
      });
      console.error(
        `${track.set} ${track.name} [${variant}]: F ${scores.beatF.toFixed(3)} CMLt ${scores.cmlt.toFixed(3)} AMLt ${scores.amlt.toFixed(3)}${chartGridInfo?.beatModel && !chartGridInfo.beatModel.used ? " (the hits' grid is steadier: kept)" : ""} ${cached ? "(cached)" : ""}`,
      );
    }
  }

  const sets = [...new Set(results.map((r) => r.set))];
  const report: Record<string, unknown> = {
    postprocess: POSTPROCESS_VERSION,
    models: modelKey(pipeline),
    seconds: {
      total: (performance.now() - t0) / 1000,
      modelsOrCache: modelSeconds,
      postProcess: postSeconds,
      cachedTracks: results.filter((r) => r.cached && r.variant === variants[0]).length,
      tracks: tracks.length,
    },
    sets: {},
  };
  const beatLabel = beatModel
    ? `; beat model ${beatModel.spec.name} ${beatModel.spec.version} ${beatModel.spec.sha256.slice(0, 12)}, weights ${weights.beatWeight} / ${weights.downbeatWeight}`
    : "";
  const lines: string[] = [
    `Beat grids of the product's charts (${POSTPROCESS_VERSION}; models ${modelKey(pipeline)}${beatLabel})`,
  ];
  report.beatModel = beatModel ? { ...beatModel.spec, ...weights } : null;
  const byVariant: Record<string, unknown> = {};
  if (variants.length > 1) report.variants = byVariant;
  for (const variant of variants) {
    lines.push("", `Grid decoded from ${VARIANT_LABEL[variant]}:`, "", HEADER);
    const sets_: Record<string, unknown> = {};
    for (const set of sets) {
      const rows = results.filter((r) => r.set === set && r.variant === variant);
      const summary = summarise(rows);
      lines.push(summaryRow(SET_LABEL[set] ?? set, summary));
      const groups: Record<string, Summary> = {};
      for (const [tag, label] of GROUPS[set] ?? []) {
        const tagged = rows.filter((r) => r.tags.includes(tag));
        if (!tagged.length) continue;
        groups[tag] = summarise(tagged);
        lines.push(summaryRow(`  ${set}: ${label}`, groups[tag]));
      }
      sets_[set] = { summary, groups, tracks: rows };
    }
    byVariant[variant] = { sets: sets_ };
    if (variants.length === 1) report.sets = sets_;
  }
  // Does "check the tempo" (a section below LOW_GRID_CONFIDENCE) go to the charts whose beats are
  // wrong? Wrong: beat F below 0.8 (the metrical level or phase is off for much of the song).
  const last = variants.at(-1)!;
  const wrong = results.filter((r) => r.variant === last && r.beatF < 0.8);
  const right = results.filter((r) => r.variant === last && r.beatF >= 0.8);
  const flagged = (rows: TrackResult[]) => rows.filter((r) => r.confidence < LOW_GRID_CONFIDENCE).length;
  lines.push(
    "",
    `"Check the tempo" (a section below ${LOW_GRID_CONFIDENCE}; ${VARIANT_LABEL[last]}): ${flagged(wrong)} of ${wrong.length} charts with beat F < 0.8, ${flagged(right)} of ${right.length} charts with beat F ≥ 0.8.`,
  );
  report.checkTheTempo = {
    wrong: { flagged: flagged(wrong), of: wrong.length },
    right: { flagged: flagged(right), of: right.length },
  };
  if (options.verbose) {
    for (const variant of variants) {
      for (const set of sets) {
        lines.push(
          "",
          `${SET_LABEL[set] ?? set}, ${VARIANT_LABEL[variant]}:`,
          "",
          TRACK_HEADER,
          ...results.filter((r) => r.set === set && r.variant === variant).map(trackRow),
        );
      }
    }
  }
  const s = report.seconds as { total: number; cachedTracks: number; tracks: number };
  lines.push(
    "",
    `${s.tracks} tracks (${s.cachedTracks} from the cache) in ${s.total.toFixed(1)} s; post-processing ${postSeconds.toFixed(1)} s.`,
  );
  console.log(lines.join("\n"));
  if (options.json) writeFileSync(options.json, `${JSON.stringify(report, null, 2)}\n`);
}

await main();
