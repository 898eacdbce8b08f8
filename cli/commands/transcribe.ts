// `beatsight transcribe <audio> -o <chart.bsm>`: the in-browser pipeline, run with onnxruntime-node.
import { writeFile } from "node:fs/promises";
import { summarizeGrid } from "../../lib/beatmap/grid-sections.ts";
import { lintBeatmap, serializeBeatmap } from "../../lib/beatmap/index.ts";
import { createNodePipeline, transcribeFile } from "../../lib/pipeline/node.ts";
import type { CliIo } from "../io.ts";
import type { CliCommand } from "../main.ts";

const usage = `Usage: beatsight transcribe <audio> -o <chart.bsm> [--no-separation] [--device auto|cpu|cuda] [--models <dir>]

Separates the drums, transcribes them and writes a .bsm v1 chart.
  -o, --output       the chart to write (required)
  --no-separation    transcribe the file as it is (e.g. it is already a drum track)
  --device           onnxruntime device (default auto: CUDA when available, else CPU)
  --models           directory with manifest.json and the .onnx files (default public/models)
  -q, --quiet        no progress on stderr`;

interface Options {
  input: string;
  output: string;
  separation: boolean;
  device: "auto" | "cpu" | "cuda";
  models?: string;
  quiet: boolean;
}

export function parseTranscribeArgs(args: string[]): Options | string {
  let input: string | undefined;
  let output: string | undefined;
  let separation = true;
  let device: Options["device"] = "auto";
  let models: string | undefined;
  let quiet = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === "-o" || arg === "--output") output = args[++i];
    else if (arg === "--no-separation") separation = false;
    else if (arg === "--device") {
      const d = args[++i];
      if (d !== "auto" && d !== "cpu" && d !== "cuda") return `--device must be auto, cpu or cuda`;
      device = d;
    } else if (arg === "--models") models = args[++i];
    else if (arg === "-q" || arg === "--quiet") quiet = true;
    else if (arg.startsWith("-")) return `unknown option ${arg}`;
    else if (input === undefined) input = arg;
    else return "only one input file at a time";
  }
  if (!input) return "no input audio file";
  if (!output) return "no output chart (-o chart.bsm)";
  if (!output.toLowerCase().endsWith(".bsm")) return "the output must be a .bsm file";
  return { input, output, separation, device, ...(models ? { models } : {}), quiet };
}

async function run(args: string[], io: CliIo): Promise<number> {
  const options = parseTranscribeArgs(args);
  if (typeof options === "string") {
    io.err(`beatsight transcribe: ${options}\n\n${usage}`);
    return 2;
  }
  const pipeline = await createNodePipeline(options.models, { device: options.device });
  let lastStage = "";
  const result = await transcribeFile(new AbortController().signal, pipeline, options.input, {
    skipSeparation: !options.separation,
    onProgress: (e) => {
      if (!options.quiet && e.stage !== lastStage) {
        lastStage = e.stage;
        io.err(`  ${e.stage}…`);
      }
    },
  });
  await writeFile(options.output, serializeBeatmap(result.beatmap));
  for (const warning of result.warnings) io.err(`warning: ${warning}`);
  for (const issue of lintBeatmap(result.beatmap).warnings) io.err(`lint: ${issue.message}`);
  const total = Object.values(result.stageSeconds).reduce((a, b) => a + (b ?? 0), 0);
  io.out(
    `Wrote ${options.output}: ${result.beatmap.HitObjects.length} notes, ${Math.round(result.beatmap.Timing?.Bpm ?? 0)} BPM ` +
      `(${result.backend}, ${total.toFixed(1)} s: ${Object.entries(result.stageSeconds)
        .map(([stage, s]) => `${stage} ${s?.toFixed(2)} s`)
        .join(", ")}).`,
  );
  const grid = summarizeGrid(result.beatmap.Timing, result.beatmap.Audio.Duration ?? 0);
  io.out(grid.line);
  for (const line of grid.lowLines) io.out(`Check the tempo: ${line}`);
  return 0;
}

export const command: CliCommand = {
  summary: "Transcribe a song's drums into a .bsm chart (onnxruntime-node)",
  usage,
  run,
};
