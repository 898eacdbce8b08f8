// The shipped models' contract: public/models/manifest.json, written by training/export.py and
// parsed here once (zod) so the pipeline, the model store and the tests read typed values.
// Features (STFT, mel) are computed inside the ONNX graphs, so a model's contract is: mono float
// PCM at `sampleRate` in, the named outputs out. docs/MODELS.md explains every field.
import "../zod-csp.ts";
import { z } from "zod";
import { ArticulationsSchema, CalibrationSchema, transcriberFieldsProblem } from "./transcriber-fields.ts";

const tensorSpec = z.object({
  name: z.string().min(1),
  dtype: z.literal("float32"),
  /** Symbolic dimensions, e.g. ["batch", "samples"], or fixed sizes (["batch", "frames", 12]). */
  shape: z.array(z.union([z.string(), z.number().int().positive()])),
  description: z.string(),
});

const stftSpec = z.object({
  nFft: z.number().int().positive(),
  hop: z.number().int().positive(),
  window: z.literal("hann-periodic"),
  center: z.string(),
});

const chunkingSpec = z.object({
  chunkSeconds: z.number().positive(),
  overlapSeconds: z.number().nonnegative(),
  receptiveFieldHalfWidthSeconds: z.number().positive(),
  /** Chunk starts must be multiples of this many samples (the model's hop). */
  alignSamples: z.number().int().positive(),
  description: z.string(),
});

const onsetMetrics = z.object({
  precision: z.number(),
  recall: z.number(),
  f1: z.number(),
  support: z.number().int().nonnegative(),
});

const commonFields = {
  name: z.string().min(1),
  version: z.string().regex(/^\d+\.\d+\.\d+$/),
  file: z.string().regex(/^[\w.-]+\.onnx$/),
  /** URL path the app fetches, e.g. /models/transcriber-v1.onnx */
  url: z.string().startsWith("/models/"),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  bytes: z.number().int().positive(),
  opset: z.number().int().min(17),
  parameters: z.number().int().positive(),
  sampleRate: z.number().int().positive(),
  channels: z.literal(1),
  hop: z.number().int().positive(),
  trainingCommit: z.string(),
  training: z.object({
    steps: z.number().int().nonnegative(),
    minutes: z.number().nonnegative(),
    hardware: z.string(),
    command: z.string(),
    runs: z.array(z.record(z.string(), z.unknown())),
  }),
  inference: z.object({ secondsPerAudioSecond: z.number().positive(), measuredOn: z.string() }),
  ortMaxAbsDiffVsPyTorch: z.record(z.string(), z.number()),
  inputs: z.array(tensorSpec).length(1),
  outputs: z.array(tensorSpec).min(1),
  chunking: chunkingSpec,
};

export const TranscriberManifestSchema = z.object({
  ...commonFields,
  task: z.literal("transcription"),
  frameRate: z.number().positive(),
  /** Output channel order of `onset` and `velocity`. */
  classes: z.array(z.string().min(1)).min(7),
  /**
   * What to feed the transcriber: the full mix or the separator's drum stem, whichever scored
   * higher on held-out data (see metrics.conditions).
   */
  recommendedSource: z.enum(["mixture", "separated-drums"]).optional(),
  /** Per-class onset probability thresholds for peak picking. */
  thresholds: z.record(z.string(), z.number().min(0).max(1)),
  /** Which component of a group each onset of the group's class is (1.9.0 on); absent: the class's default. */
  articulations: ArticulationsSchema.optional(),
  /** Confidence and velocity maps per class fitted on held-out data; absent: the default rules. */
  calibration: CalibrationSchema.optional(),
  /** Where the thresholds were chosen: synthetic held-out clips, or real annotated recordings. */
  thresholdsSource: z.string().optional(),
  peakPicking: z.object({
    method: z.literal("local-maximum"),
    radiusFrames: z.number().int().nonnegative(),
    description: z.string(),
  }),
  features: z.object({
    inGraph: z.literal(true),
    stft: stftSpec,
    mel: z.object({
      bins: z.number().int().positive(),
      fMinHz: z.number(),
      fMaxHz: z.number(),
      scale: z.string(),
      of: z.string(),
    }),
    log: z.string(),
  }),
  metrics: z
    .object({
      dataset: z.string(),
      onsetWindowSeconds: z.number(),
      /** The thresholds these synthetic figures were computed with (tuned on synthetic clips). */
      thresholds: z.record(z.string(), z.number().min(0).max(1)).optional(),
      conditions: z.record(
        z.string(),
        z.object({ micro: onsetMetrics, perClass: z.record(z.string(), onsetMetrics) }),
      ),
    })
    .optional(),
  /** Figures on real annotated recordings (training/evaluate_real.py), per condition and lane. */
  realValidation: z
    .object({
      dataset: z.string(),
      tracks: z.record(z.string(), z.number().int().nonnegative()),
      conditions: z.record(z.string(), z.record(z.string(), onsetMetrics)),
    })
    .optional(),
});

export const SeparatorManifestSchema = z.object({
  ...commonFields,
  task: z.literal("separation"),
  features: z.object({ inGraph: z.literal(true), stft: stftSpec, mask: z.string() }),
  metrics: z
    .object({
      dataset: z.string(),
      sdrDefinition: z.string(),
      conditions: z.record(z.string(), z.record(z.string(), z.number())),
    })
    .optional(),
  /** Scale-invariant SDR on real recordings (training/evaluate_real.py). */
  realValidation: z
    .object({
      dataset: z.string(),
      tracks: z.number().int().nonnegative(),
      medianSiSdrGainDb: z.number().nullable(),
      medianSiSdrDb: z.number().nullable(),
    })
    .optional(),
});

/**
 * The beat model (training/beats_model.py): no audio in, but the transcriber's onsets and the
 * accompaniment's features per transcriber frame (lib/pipeline/beat-model.ts); run once per song.
 */
export const BeatsManifestSchema = z.object({
  name: z.string().min(1),
  version: z.string().regex(/^\d+\.\d+\.\d+$/),
  task: z.literal("beats"),
  file: commonFields.file,
  url: commonFields.url,
  sha256: commonFields.sha256,
  bytes: commonFields.bytes,
  opset: commonFields.opset,
  parameters: commonFields.parameters,
  frameRate: z.number().positive(),
  inputChannels: z.number().int().positive(),
  /** The transcriber classes it reads, in order (the first inputChannels columns). */
  inputClasses: z.array(z.string().min(1)).min(1),
  inputFeatures: z.string(),
  trainedWith: z.object({ transcriber: z.string(), separator: z.string() }),
  training: z.object({
    steps: z.number().int().nonnegative(),
    minutes: z.number().nonnegative(),
    command: z.string(),
    data: z.string(),
    runs: z.array(z.record(z.string(), z.unknown())),
  }),
  ortMaxAbsDiffVsPyTorch: z.record(z.string(), z.number()),
  inputs: z.array(tensorSpec).length(1),
  outputs: z.array(tensorSpec).length(2),
});

export const ModelManifestSchema = z.object({
  schemaVersion: z.literal(1),
  models: z.array(
    z.discriminatedUnion("task", [TranscriberManifestSchema, SeparatorManifestSchema, BeatsManifestSchema]),
  ),
});

export type TranscriberManifest = z.infer<typeof TranscriberManifestSchema>;
export type SeparatorManifest = z.infer<typeof SeparatorManifestSchema>;
export type BeatsManifest = z.infer<typeof BeatsManifestSchema>;
export type ModelManifest = z.infer<typeof ModelManifestSchema>;
export type ModelManifestEntry = ModelManifest["models"][number];

export class ModelManifestError extends Error {
  override name = "ModelManifestError";
}

/** Parses manifest.json (already JSON-decoded); throws a ModelManifestError that says what is wrong. */
export function parseModelManifest(raw: unknown): ModelManifest {
  const result = ModelManifestSchema.safeParse(raw);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new ModelManifestError(
      `The model manifest is invalid at ${issue?.path.join(".") || "(root)"}: ${issue?.message ?? "unknown"}. ` +
        "Re-run `python3 training/cli.py export` or restore public/models/manifest.json.",
    );
  }
  for (const m of result.data.models) {
    if (m.task === "transcription") {
      const missing = m.classes.filter((c) => m.thresholds[c] === undefined);
      if (missing.length > 0) {
        throw new ModelManifestError(`The transcriber has no threshold for: ${missing.join(", ")}.`);
      }
      const problem = transcriberFieldsProblem(m);
      if (problem) throw new ModelManifestError(problem);
    }
  }
  return result.data;
}

export function findModel<T extends ModelManifestEntry["task"]>(
  manifest: ModelManifest,
  task: T,
): Extract<ModelManifestEntry, { task: T }> | undefined {
  return manifest.models.find((m): m is Extract<ModelManifestEntry, { task: T }> => m.task === task);
}
