// Every chart that reaches the server from a client passes here before anything else reads it:
// bounded shape (size, depth, string lengths — measured without recursion, so a hostile nesting
// cannot blow the stack), then the .bsm schema, then lint errors. A rejection is logged and
// audited with who sent it and why; the sender gets the reason as a sentence.
import {
  type Beatmap,
  BeatmapError,
  LIMITS,
  type LintReport,
  lintBeatmap,
  validateBeatmapObject,
} from "../../lib/beatmap/index.ts";
import type { Db } from "../db/client.ts";
import { moduleLogger } from "../log.ts";
import { audit } from "./audit.ts";
import { badRequest } from "./community-errors.ts";

const log = moduleLogger("chart-guard");

/** A .bsm holds about 5 JSON values per note; anything far beyond that is not a chart. */
const MAX_JSON_VALUES = LIMITS.maxHitObjects * 12 + 50_000;

export interface JsonShape {
  /** Approximate size of the value as JSON text, in bytes. */
  bytes: number;
  depth: number;
  values: number;
}

/**
 * Walks a decoded JSON value iteratively and stops as soon as a limit is passed. Returns the shape
 * measured so far and the first limit broken, if any.
 */
export function measureJson(
  value: unknown,
  limits = { maxBytes: LIMITS.maxBsmBytes, maxDepth: LIMITS.maxJsonDepth, maxValues: MAX_JSON_VALUES },
): { shape: JsonShape; problem: string | null } {
  const shape: JsonShape = { bytes: 0, depth: 0, values: 0 };
  const stack: { v: unknown; depth: number }[] = [{ v: value, depth: 1 }];
  while (stack.length > 0) {
    const { v, depth } = stack.pop() as { v: unknown; depth: number };
    shape.values++;
    if (depth > shape.depth) shape.depth = depth;
    if (depth > limits.maxDepth) return { shape, problem: `it nests deeper than ${limits.maxDepth} levels` };
    if (shape.values > limits.maxValues)
      return { shape, problem: `it holds more than ${limits.maxValues} values` };
    if (typeof v === "string") {
      if (v.length > LIMITS.maxStringLength * 64) return { shape, problem: "it holds an enormous string" };
      shape.bytes += v.length + 2;
    } else if (typeof v === "number" || typeof v === "boolean" || v === null) {
      shape.bytes += 8;
    } else if (Array.isArray(v)) {
      shape.bytes += 2 + v.length;
      for (const item of v) stack.push({ v: item, depth: depth + 1 });
    } else if (typeof v === "object") {
      for (const [key, item] of Object.entries(v as Record<string, unknown>)) {
        shape.bytes += key.length + 4;
        stack.push({ v: item, depth: depth + 1 });
      }
    } else {
      return { shape, problem: `it holds a ${typeof v}, which JSON cannot` };
    }
    if (shape.bytes > limits.maxBytes)
      return { shape, problem: `it is larger than ${limits.maxBytes / 1024 / 1024} MB` };
  }
  return { shape, problem: null };
}

/** The checked chart with its lint report, or a sentence saying why it is not acceptable. */
export function checkClientChart(
  raw: unknown,
): { ok: true; chart: Beatmap; lint: LintReport } | { ok: false; reason: string } {
  const { problem } = measureJson(raw);
  if (problem) return { ok: false, reason: `The chart was refused: ${problem}.` };
  let chart: Beatmap;
  try {
    chart = validateBeatmapObject(raw);
  } catch (error) {
    if (error instanceof BeatmapError) {
      return {
        ok: false,
        reason: `The chart is not a valid .bsm: ${error.message.split("\n").slice(0, 3).join("; ")}`,
      };
    }
    throw error;
  }
  const lint = lintBeatmap(chart);
  if (lint.errors.length > 0) {
    const first = lint.errors.slice(0, 3).map((e) => `${e.path}: ${e.message}`);
    return { ok: false, reason: `The chart has errors to fix first: ${first.join("; ")}` };
  }
  return { ok: true, chart, lint };
}

export interface ChartSender {
  userId: string | null;
  /** The procedure it arrived through, e.g. "proposals.create". */
  via: string;
  ip?: string | null;
}

/** checkClientChart, with rejections logged and audited; throws a BAD_REQUEST CommunityError. */
export async function guardClientChart(
  db: Db,
  raw: unknown,
  sender: ChartSender,
): Promise<{ chart: Beatmap; lint: LintReport }> {
  const checked = checkClientChart(raw);
  if (checked.ok) return checked;
  const { shape } = measureJson(raw);
  log.warn({ userId: sender.userId, via: sender.via, reason: checked.reason, shape }, "chart rejected");
  await audit(db, {
    actorId: sender.userId,
    action: "chart.rejected",
    subjectType: "chart",
    subjectId: sender.via,
    details: { reason: checked.reason.slice(0, 500), bytes: shape.bytes, depth: shape.depth },
    ip: sender.ip ?? null,
  });
  throw badRequest(checked.reason);
}
