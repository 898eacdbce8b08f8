// Generation metadata in Editor.AiGenerationMetadata. The .bsm schema keeps that record flat
// (≤ 64 scalar entries, keys ≤ 64 characters) so it stays cheap to validate and hash; nested values
// are written as dotted keys: "model.<name>" → version, "stageSeconds.<stage>", "threshold.<class>".
import { TranscribeError } from "./errors.ts";

export interface GenerationInfo {
  models: { name: string; version: string }[];
  /** e.g. "webgpu", "wasm", "node-cpu", "server". */
  backend: string;
  /** Seconds per pipeline stage (decode, separate, transcribe, …). */
  stageSeconds: Record<string, number>;
  /** Per-class thresholds used for peak picking. */
  thresholds: Record<string, number>;
  /** ISO 8601. */
  createdAt: string;
}

export type FlatMetadata = Record<string, string | number>;

const MAX_ENTRIES = 64;
const MAX_KEY = 64;

/** Version of this post-processing, so a chart says which rules made it (2: the bar-pointer grid). */
export const POSTPROCESS_VERSION = "transcribe/2";

export function flattenGenerationInfo(info: GenerationInfo): FlatMetadata {
  const out: FlatMetadata = {
    backend: info.backend,
    createdAt: info.createdAt,
    postprocess: POSTPROCESS_VERSION,
  };
  const put = (key: string, value: string | number) => {
    if (key.length > MAX_KEY) {
      throw new TranscribeError(
        "metadata_too_large",
        `Generation metadata key "${key}" is over ${MAX_KEY} characters.`,
      );
    }
    out[key] = value;
  };
  for (const m of info.models) put(`model.${m.name}`, m.version);
  for (const [stage, s] of Object.entries(info.stageSeconds))
    put(`stageSeconds.${stage}`, Math.round(s * 1000) / 1000);
  for (const [cls, t] of Object.entries(info.thresholds)) put(`threshold.${cls}`, t);
  const count = Object.keys(out).length;
  if (count > MAX_ENTRIES) {
    throw new TranscribeError(
      "metadata_too_large",
      `Generation metadata has ${count} entries; a chart holds at most ${MAX_ENTRIES}. Report fewer stages or classes.`,
    );
  }
  return out;
}

/** Reads the flat record back (unknown keys ignored). */
export function readGenerationInfo(record: Record<string, unknown>): Partial<GenerationInfo> {
  const models: GenerationInfo["models"] = [];
  const stageSeconds: Record<string, number> = {};
  const thresholds: Record<string, number> = {};
  for (const [key, value] of Object.entries(record)) {
    if (key.startsWith("model.") && typeof value === "string")
      models.push({ name: key.slice(6), version: value });
    else if (key.startsWith("stageSeconds.") && typeof value === "number")
      stageSeconds[key.slice(13)] = value;
    else if (key.startsWith("threshold.") && typeof value === "number") thresholds[key.slice(10)] = value;
  }
  const out: Partial<GenerationInfo> = { models, stageSeconds, thresholds };
  if (typeof record.backend === "string") out.backend = record.backend;
  if (typeof record.createdAt === "string") out.createdAt = record.createdAt;
  return out;
}
