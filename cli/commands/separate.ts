// `beatsight separate <audio> -o <dir>`: writes drums.wav and accompaniment.wav at the input's rate.
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { encodeWav16 } from "../../lib/audio/wav.ts";
import { createNodePipeline, separateFile } from "../../lib/pipeline/node.ts";
import type { CliIo } from "../io.ts";
import type { CliCommand } from "../main.ts";

const usage = `Usage: beatsight separate <audio> -o <dir> [--device auto|cpu|cuda] [--models <dir>]

Writes <dir>/drums.wav and <dir>/accompaniment.wav (16-bit, at the input's sample rate and
channel count). The two stems add up to the input.`;

export function parseSeparateArgs(
  args: string[],
): { input: string; outDir: string; device: "auto" | "cpu" | "cuda"; models?: string } | string {
  let input: string | undefined;
  let outDir: string | undefined;
  let device: "auto" | "cpu" | "cuda" = "auto";
  let models: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === "-o" || arg === "--output") outDir = args[++i];
    else if (arg === "--device") {
      const d = args[++i];
      if (d !== "auto" && d !== "cpu" && d !== "cuda") return "--device must be auto, cpu or cuda";
      device = d;
    } else if (arg === "--models") models = args[++i];
    else if (arg.startsWith("-")) return `unknown option ${arg}`;
    else if (input === undefined) input = arg;
    else return "only one input file at a time";
  }
  if (!input) return "no input audio file";
  if (!outDir) return "no output directory (-o <dir>)";
  return { input, outDir, device, ...(models ? { models } : {}) };
}

async function run(args: string[], io: CliIo): Promise<number> {
  const options = parseSeparateArgs(args);
  if (typeof options === "string") {
    io.err(`beatsight separate: ${options}\n\n${usage}`);
    return 2;
  }
  const started = performance.now();
  const pipeline = await createNodePipeline(options.models, { device: options.device });
  const stems = await separateFile(new AbortController().signal, pipeline, options.input);
  await mkdir(options.outDir, { recursive: true });
  const drums = path.join(options.outDir, "drums.wav");
  const accompaniment = path.join(options.outDir, "accompaniment.wav");
  await writeFile(drums, encodeWav16(stems.drums, stems.sampleRate));
  await writeFile(accompaniment, encodeWav16(stems.accompaniment, stems.sampleRate));
  io.out(
    `Wrote ${drums} and ${accompaniment} (${stems.sampleRate} Hz, ${stems.drums.length} channel${stems.drums.length > 1 ? "s" : ""}; ` +
      `${pipeline.backend.name}, ${((performance.now() - started) / 1000).toFixed(1)} s).`,
  );
  return 0;
}

export const command: CliCommand = {
  summary: "Separate a song into drums.wav and accompaniment.wav (onnxruntime-node)",
  usage,
  run,
};
