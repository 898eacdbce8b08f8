// Reads public/models/manifest.json (written by training/export.py) into the pipeline's model
// specs. Parsing is strict about what the pipeline relies on and ignores the rest (training
// details, metrics), so the manifest can grow without breaking old clients.
import "../zod-csp.ts";
import { z } from "zod";
import {
  ArticulationsSchema,
  CalibrationSchema,
  transcriberFieldsProblem,
} from "../models/transcriber-fields.ts";
import type { BeatSpec, PipelineModels, SeparatorSpec, TranscriberSpec } from "./model-spec.ts";

const io = z.object({
  name: z.string().min(1),
  shape: z.array(z.union([z.string(), z.number()])).optional(),
});
const common = {
  name: z.string().min(1),
  version: z.string().min(1),
  url: z.string().startsWith("/"),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  bytes: z.number().int().positive(),
  sampleRate: z.number().int().positive(),
  hop: z.number().int().positive(),
  inputs: z.array(io).min(1),
  outputs: z.array(io).min(1),
  chunking: z.object({ chunkSeconds: z.number().positive(), overlapSeconds: z.number().nonnegative() }),
};

const transcriberEntry = z.object({
  ...common,
  task: z.literal("transcription"),
  classes: z.array(z.string().min(1)).min(1),
  thresholds: z.record(z.string(), z.number().min(0).max(1)).optional(),
  recommendedSource: z.enum(["mixture", "drums"]).optional(),
  peakPicking: z.object({ radiusFrames: z.number().int().min(0).max(50) }).optional(),
  articulations: ArticulationsSchema.optional(),
  calibration: CalibrationSchema.optional(),
});
const separatorEntry = z.object({ ...common, task: z.literal("separation") });
const beatEntry = z.object({
  name: common.name,
  version: common.version,
  url: common.url,
  sha256: common.sha256,
  bytes: common.bytes,
  inputs: common.inputs,
  outputs: common.outputs,
  task: z.literal("beats"),
  frameRate: z.number().positive(),
  inputChannels: z.number().int().positive(),
  inputClasses: z.array(z.string().min(1)).min(1),
});

const manifestSchema = z.object({
  schemaVersion: z.literal(1),
  models: z.array(
    z.union([transcriberEntry, separatorEntry, beatEntry, z.object({ task: z.string() }).passthrough()]),
  ),
});

export interface LoadedManifest {
  models: PipelineModels;
  /** Total bytes of the model files (what a first generation downloads). */
  downloadBytes: number;
}

export class ManifestError extends Error {
  override name = "ManifestError";
}

function output(entry: { name: string; outputs: { name: string }[] }, name: string): string {
  if (!entry.outputs.some((o) => o.name === name)) {
    throw new ManifestError(`Model ${entry.name} has no "${name}" output in the manifest.`);
  }
  return name;
}

/**
 * The first transcription entry. One that says it is a transcriber but does not parse is an error
 * with its path (a malformed `articulations` map, say), not "no transcription model".
 */
function transcriptionEntry(models: readonly unknown[]): z.infer<typeof transcriberEntry> | undefined {
  const entry = models.find((m) => (m as { task?: unknown }).task === "transcription");
  if (entry === undefined) return undefined;
  const result = transcriberEntry.safeParse(entry);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  throw new ManifestError(
    `The transcription model's manifest entry is not valid: ${issue?.path.join(".")}: ${issue?.message}`,
  );
}

export function pipelineModelsFromManifest(json: unknown): LoadedManifest {
  const parsed = manifestSchema.safeParse(json);
  if (!parsed.success) {
    throw new ManifestError(
      `The model manifest is not valid: ${parsed.error.issues[0]?.path.join(".")}: ${parsed.error.issues[0]?.message}`,
    );
  }
  const transcription = transcriptionEntry(parsed.data.models);
  const separation = parsed.data.models.map((m) => separatorEntry.safeParse(m)).find((r) => r.success)?.data;
  const beatModel = parsed.data.models.map((m) => beatEntry.safeParse(m)).find((r) => r.success)?.data;
  if (!transcription) throw new ManifestError("The model manifest lists no transcription model.");
  const problem = transcriberFieldsProblem(transcription);
  if (problem) throw new ManifestError(problem);
  const { articulations, calibration } = transcription;

  const transcriber: TranscriberSpec = {
    task: "transcription",
    name: transcription.name,
    version: transcription.version,
    url: transcription.url,
    sha256: transcription.sha256,
    bytes: transcription.bytes,
    sampleRate: transcription.sampleRate,
    hop: transcription.hop,
    input: transcription.inputs[0]!.name,
    onsetOutput: output(transcription, "onset"),
    ...(transcription.outputs.some((o) => o.name === "velocity") ? { velocityOutput: "velocity" } : {}),
    classes: transcription.classes,
    // Classes without a calibrated threshold use 0.5 (lib/transcribe's default).
    thresholds: transcription.thresholds ?? {},
    // Models that do not say were trained on drum stems (the pipeline's original design).
    source: transcription.recommendedSource ?? "drums",
    // ±radius frames around a peak, as the thresholds were tuned; 30 ms without a rule.
    minGapMs: transcription.peakPicking
      ? (transcription.peakPicking.radiusFrames * 1000 * transcription.hop) / transcription.sampleRate
      : 30,
    chunkSeconds: transcription.chunking.chunkSeconds,
    overlapSeconds: transcription.chunking.overlapSeconds,
    ...(articulations
      ? { articulations: { output: articulations.output, groups: articulations.groups } }
      : {}),
    ...(calibration
      ? {
          calibration: {
            ...(calibration.confidence ? { confidence: calibration.confidence } : {}),
            ...(calibration.velocity ? { velocity: calibration.velocity } : {}),
          },
        }
      : {}),
  };
  let separator: SeparatorSpec | undefined;
  if (separation) {
    if (separation.sampleRate !== transcription.sampleRate) {
      throw new ManifestError("The separation and transcription models must share a sample rate.");
    }
    separator = {
      task: "separation",
      name: separation.name,
      version: separation.version,
      url: separation.url,
      sha256: separation.sha256,
      bytes: separation.bytes,
      sampleRate: separation.sampleRate,
      hop: separation.hop,
      input: separation.inputs[0]!.name,
      drumsOutput: output(separation, "drums"),
      accompanimentOutput: output(separation, "accompaniment"),
      chunkSeconds: separation.chunking.chunkSeconds,
      overlapSeconds: separation.chunking.overlapSeconds,
    };
  }
  let beats: BeatSpec | undefined;
  if (beatModel) {
    // Fed the transcriber's columns by name: one it lacks needs another beat model.
    if (!beatModel.inputClasses.every((c) => transcription.classes.includes(c))) {
      throw new ManifestError(
        `The beat model ${beatModel.name} was trained on the classes ${beatModel.inputClasses.join(", ")}; the transcriber has ${transcription.classes.join(", ")}.`,
      );
    }
    beats = {
      task: "beats",
      name: beatModel.name,
      version: beatModel.version,
      url: beatModel.url,
      sha256: beatModel.sha256,
      bytes: beatModel.bytes,
      input: beatModel.inputs[0]!.name,
      inputChannels: beatModel.inputChannels,
      inputClasses: beatModel.inputClasses,
      frameRate: beatModel.frameRate,
      beatOutput: output(beatModel, "beat"),
      downbeatOutput: output(beatModel, "downbeat"),
    };
  }
  return {
    models: { transcriber, ...(separator ? { separator } : {}), ...(beats ? { beats } : {}) },
    downloadBytes: transcription.bytes + (separation?.bytes ?? 0) + (beatModel?.bytes ?? 0),
  };
}

/** Fetches and reads the app's manifest (browser: relative URL; Node: pass a file-reading fetch). */
export async function loadPipelineModels(
  fetchFn: typeof fetch,
  url = "/models/manifest.json",
): Promise<LoadedManifest> {
  const response = await fetchFn(url, { cache: "no-cache" });
  if (!response.ok) {
    throw new ManifestError(
      `The model list could not be loaded (${response.status}). Check your connection and reload.`,
    );
  }
  return pipelineModelsFromManifest(await response.json());
}
