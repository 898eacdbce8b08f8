// The .bsm v1 schema (JSON). One definition shared by browser, server and CLI; see docs/FORMAT.md.
import "../zod-csp.ts";
import { z } from "zod";
import { COMPONENTS, LANE_COUNT } from "./lanes.ts";
import { LIMITS } from "./limits.ts";

const finite = (what: string) =>
  z.number({ error: `expected ${what} (a finite number)` }).refine(Number.isFinite, `expected ${what}`);
/** Six hours: longer than any song, short enough that tick and sample arithmetic stays exact. */
export const MAX_TIME_MS = 6 * 3600 * 1000;
const ms = (what: string) =>
  finite(what)
    .refine((v) => v >= 0, `expected ${what} ≥ 0 ms`)
    .refine((v) => v <= MAX_TIME_MS, `expected ${what} within 6 hours`);
const text = z.string().max(LIMITS.maxStringLength, `expected at most ${LIMITS.maxStringLength} characters`);

/** "4/4", "7/8": numerator 1–32, denominator a power of two up to 64. */
export const TimeSignatureSchema = z
  .string()
  .regex(/^(?:[1-9]|[12]\d|3[0-2])\/(?:1|2|4|8|16|32|64)$/, 'expected a time signature like "4/4"');

const bpm = finite("a BPM").refine((v) => v > 0, "expected a BPM > 0");

/**
 * How sure the generator is that a tempo section's grid is right, 0–1 (absent: set by hand or
 * unknown). Below `LOW_GRID_CONFIDENCE` the app asks the drummer to check the tempo.
 */
const gridConfidence = finite("a grid confidence 0–1")
  .refine((v) => v >= 0 && v <= 1, "expected a grid confidence 0–1")
  .optional();

/** How the beat is subdivided: "swing" = 8ths (or 16ths) played on the triplet grid (shuffle). */
export const FeelSchema = z.enum(["straight", "swing"], { error: 'expected a feel: "straight" or "swing"' });

export const TimingPointSchema = z.object({
  Time: ms("a time"),
  Bpm: bpm,
  TimeSignature: TimeSignatureSchema.optional(),
  /** Grid confidence of the section this point starts. */
  Confidence: gridConfidence,
  /** Feel from this point on (absent: unchanged). */
  Feel: FeelSchema.optional(),
});

export const TimingSchema = z.object({
  Bpm: bpm,
  /** Time of the first beat, ms. */
  Offset: finite("an offset in ms"),
  TimeSignature: TimeSignatureSchema.default("4/4"),
  /** Grid confidence of the first section (up to the first timing point that sets its own). */
  Confidence: gridConfidence,
  /** Feel of the first section (absent: straight). */
  Feel: FeelSchema.optional(),
  TimingPoints: z
    .array(TimingPointSchema)
    .max(LIMITS.maxTimingPoints, `expected at most ${LIMITS.maxTimingPoints} timing points`)
    .default([]),
});

export const ComponentSchema = z.enum(COMPONENTS, {
  error: `expected a component: ${COMPONENTS.join(", ")}`,
});

export const HitObjectSchema = z.object({
  Time: ms("a time"),
  Component: ComponentSchema,
  Lane: z
    .number({ error: `expected an integer lane 0–${LANE_COUNT - 1}` })
    .int(`expected an integer lane 0–${LANE_COUNT - 1}`)
    .min(0, `expected 0–${LANE_COUNT - 1}`)
    .max(LANE_COUNT - 1, `expected 0–${LANE_COUNT - 1}`),
  /** 0–1; ghost < 0.4 ≤ normal < 0.85 ≤ accent. */
  Velocity: finite("a velocity 0–1").refine((v) => v >= 0 && v <= 1, "expected a velocity 0–1"),
  /** Sustain (e.g. a swell or roll), ms. */
  Duration: ms("a duration").optional(),
  /** How sure the transcriber was, 0–1; absent for hand-made notes. */
  Confidence: finite("a confidence 0–1")
    .refine((v) => v >= 0 && v <= 1, "expected a confidence 0–1")
    .optional(),
  /** Two strokes a hair apart. */
  Flam: z.boolean().optional(),
  /** Cymbal grabbed right after the hit. */
  Choke: z.boolean().optional(),
});

const scalar = z.union([z.string().max(LIMITS.maxStringLength), z.number(), z.boolean(), z.null()]);

export const BeatmapSchema = z.object({
  Version: z.union([z.literal(1), z.string().regex(/^1(?:\.\d+){0,2}$/)], {
    error: "expected version 1",
  }),
  Metadata: z.object({
    Title: text,
    Artist: text,
    Creator: text.default(""),
    Source: text.optional(),
    Tags: z.array(text).max(LIMITS.maxTags).default([]),
    /** 1–10, or a label such as "Expert". */
    Difficulty: z
      .union([finite("a difficulty").refine((v) => v >= 1 && v <= 10, "expected 1–10"), z.string().max(32)])
      .optional(),
    PreviewTime: ms("a preview time").optional(),
    BeatmapId: text.optional(),
  }),
  Audio: z
    .object({
      Filename: text.default(""),
      /** sha256 of the audio file, lowercase hex. */
      Hash: z
        .string()
        .regex(/^[0-9a-f]{64}$/, "expected a sha256 as 64 lowercase hex digits")
        .optional(),
      Duration: ms("a duration").optional(),
      SampleRate: z.number().int().min(8000).max(384000).optional(),
      DrumStem: text.optional(),
      Fingerprint: z.string().max(100_000).optional(),
    })
    .default({ Filename: "" }),
  Timing: TimingSchema.optional(),
  DrumKit: z
    .object({
      Components: z
        .array(ComponentSchema)
        .max(COMPONENTS.length * 4)
        .default([]),
      Layout: z.literal("standard-7", { error: 'expected layout "standard-7"' }).default("standard-7"),
    })
    .default({ Components: [], Layout: "standard-7" }),
  HitObjects: z
    .array(HitObjectSchema)
    .max(LIMITS.maxHitObjects, `expected at most ${LIMITS.maxHitObjects} hit objects`),
  Editor: z
    .object({
      SnapDivisor: z.number().int().min(1).max(192).optional(),
      Bookmarks: z.array(ms("a bookmark time")).max(LIMITS.maxBookmarks).optional(),
      AiGenerationMetadata: z
        .record(z.string().max(64), scalar)
        .refine((r) => Object.keys(r).length <= 64, "expected at most 64 entries")
        .optional(),
    })
    .optional(),
});

/** A parsed .bsm v1 chart. `Version` is normalised to 1 by the parser. */
export type BeatmapInput = z.input<typeof BeatmapSchema>;
type Parsed = z.output<typeof BeatmapSchema>;
export type Beatmap = Omit<Parsed, "Version"> & { Version: 1 };
export type HitObject = z.output<typeof HitObjectSchema>;
export type Timing = z.output<typeof TimingSchema>;
export type TimingPoint = z.output<typeof TimingPointSchema>;
export type Feel = z.output<typeof FeelSchema>;

/** Grid confidence under which the app shows "check the tempo". */
export const LOW_GRID_CONFIDENCE = 0.6;
export type BeatmapMetadata = Beatmap["Metadata"];
