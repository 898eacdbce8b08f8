// .bsm text → Beatmap, with size and depth checked before JSON.parse and every schema problem
// reported with its path.
import { assertSize, BeatmapError, formatPath } from "./errors.ts";
import { LIMITS } from "./limits.ts";
import { type Beatmap, type BeatmapInput, BeatmapSchema } from "./schema.ts";

const MAX_REPORTED_ISSUES = 20;

/** Parses .bsm bytes (UTF-8 JSON). */
export function parseBeatmapBytes(bytes: Uint8Array): Beatmap {
  assertSize(bytes.byteLength, LIMITS.maxBsmBytes, "The .bsm file");
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new BeatmapError("invalid_json", "The .bsm file is not UTF-8 text; is it a binary file?");
  }
  return parseBeatmap(text);
}

/** Parses .bsm JSON text. Throws BeatmapError naming the first problems and their paths. */
export function parseBeatmap(text: string): Beatmap {
  // UTF-16 length ≤ UTF-8 byte length, so this rejects everything the byte cap would.
  assertSize(text.length, LIMITS.maxBsmBytes, "The .bsm file");
  if (text.trim() === "") throw new BeatmapError("empty", "The .bsm file is empty.");
  assertJsonDepth(text, LIMITS.maxJsonDepth);
  let raw: unknown;
  try {
    raw = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw new BeatmapError("invalid_json", `The .bsm file is not valid JSON: ${detail}`);
  }
  return validateBeatmapObject(raw);
}

/** Validates an already-decoded value (e.g. from IndexedDB or a tRPC payload). */
export function validateBeatmapObject(raw: unknown): Beatmap {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    throw new BeatmapError(
      "invalid_schema",
      "(root): expected a JSON object with Version, Metadata and HitObjects",
    );
  }
  const record = raw as Record<string, unknown>;
  const version = record.Version;
  if (typeof version === "number" && version !== 1) {
    throw new BeatmapError(
      "unsupported_version",
      `Version: this chart is format version ${version}; this app reads version 1. Update the app or re-export the chart.`,
    );
  }
  const hitObjects = record.HitObjects;
  if (Array.isArray(hitObjects) && hitObjects.length > LIMITS.maxHitObjects) {
    throw new BeatmapError(
      "too_many_notes",
      `HitObjects: ${hitObjects.length} notes, more than the ${LIMITS.maxHitObjects} a chart may hold.`,
    );
  }
  const result = BeatmapSchema.safeParse(raw);
  if (!result.success) {
    const issues = result.error.issues.map((issue) => ({
      path: formatPath(issue.path),
      message: issue.message,
    }));
    const shown = issues.slice(0, MAX_REPORTED_ISSUES).map((i) => `${i.path}: ${i.message}`);
    const more = issues.length > shown.length ? `\n…and ${issues.length - shown.length} more problems` : "";
    throw new BeatmapError("invalid_schema", `${shown.join("\n")}${more}`, issues);
  }
  return { ...result.data, Version: 1 };
}

/** Builds a Beatmap in code, filling defaults; throws like parseBeatmap on bad values. */
export function createBeatmap(input: Omit<BeatmapInput, "Version"> & { Version?: 1 }): Beatmap {
  return validateBeatmapObject({ ...input, Version: 1 });
}

/**
 * Rejects JSON nested deeper than `max` without parsing it. Brackets inside strings are
 * skipped; the scan is linear and allocates nothing.
 */
export function assertJsonDepth(text: string, max: number): void {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c /* \ */) i++;
      else if (c === 0x22 /* " */) inString = false;
    } else if (c === 0x22) {
      inString = true;
    } else if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      depth++;
      if (depth > max) {
        throw new BeatmapError(
          "too_deep",
          `The .bsm file nests deeper than ${max} levels; it is not a chart.`,
        );
      }
    } else if (c === 0x7d || c === 0x5d) {
      depth--;
    }
  }
}
