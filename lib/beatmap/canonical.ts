// Canonical form: one byte sequence per chart, so identical charts hash identically no matter
// who wrote the file (key order, note order, float noise, whitespace).
import { COMPONENTS } from "./lanes.ts";
import type { Beatmap, HitObject, Timing } from "./schema.ts";

const COMPONENT_ORDER = new Map<string, number>(COMPONENTS.map((c, i) => [c, i]));

/** Times to the microsecond, velocities and confidences to 1/10000. */
export const roundMs = (v: number): number => Math.round(v * 1000) / 1000;
const round4 = (v: number): number => Math.round(v * 10_000) / 10_000;

/** Orders hit objects by time, then lane, then component. */
export function compareHitObjects(a: HitObject, b: HitObject): number {
  return (
    a.Time - b.Time ||
    a.Lane - b.Lane ||
    (COMPONENT_ORDER.get(a.Component) ?? 0) - (COMPONENT_ORDER.get(b.Component) ?? 0)
  );
}

function canonicalHitObject(h: HitObject): HitObject {
  // Key order here is the order in the file.
  const out: HitObject = {
    Time: roundMs(h.Time),
    Component: h.Component,
    Lane: h.Lane,
    Velocity: round4(h.Velocity),
  };
  if (h.Duration !== undefined && h.Duration > 0) out.Duration = roundMs(h.Duration);
  if (h.Confidence !== undefined) out.Confidence = round4(h.Confidence);
  if (h.Flam) out.Flam = true;
  if (h.Choke) out.Choke = true;
  return out;
}

function canonicalTiming(t: Timing): Timing {
  const out: Timing = {
    Bpm: round4(t.Bpm),
    Offset: roundMs(t.Offset),
    TimeSignature: t.TimeSignature,
    TimingPoints: [],
  };
  if (t.Confidence !== undefined) out.Confidence = round4(t.Confidence);
  if (t.Feel !== undefined) out.Feel = t.Feel;
  return {
    ...out,
    TimingPoints: t.TimingPoints.map((p) => {
      const point: Timing["TimingPoints"][number] = { Time: roundMs(p.Time), Bpm: round4(p.Bpm) };
      if (p.TimeSignature !== undefined) point.TimeSignature = p.TimeSignature;
      if (p.Confidence !== undefined) point.Confidence = round4(p.Confidence);
      if (p.Feel !== undefined) point.Feel = p.Feel;
      return point;
    }).sort((a, b) => a.Time - b.Time),
  };
}

function dropUndefined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

/** Returns the chart in canonical form: fixed key order, sorted notes, rounded numbers. */
export function canonicalize(b: Beatmap): Beatmap {
  const m = b.Metadata;
  const a = b.Audio;
  const e = b.Editor;
  const aiMeta = e?.AiGenerationMetadata;
  // Key order here is the order in the file.
  return {
    Version: 1,
    Metadata: dropUndefined({
      Title: m.Title,
      Artist: m.Artist,
      Creator: m.Creator,
      Source: m.Source,
      Tags: [...m.Tags],
      Difficulty: m.Difficulty,
      PreviewTime: m.PreviewTime === undefined ? undefined : roundMs(m.PreviewTime),
      BeatmapId: m.BeatmapId,
    }),
    Audio: dropUndefined({
      Filename: a.Filename,
      Hash: a.Hash,
      Duration: a.Duration === undefined ? undefined : roundMs(a.Duration),
      SampleRate: a.SampleRate,
      DrumStem: a.DrumStem,
      Fingerprint: a.Fingerprint,
    }),
    ...(b.Timing ? { Timing: canonicalTiming(b.Timing) } : {}),
    DrumKit: {
      Components: [...new Set(b.DrumKit.Components)].sort(
        (x, y) => (COMPONENT_ORDER.get(x) ?? 0) - (COMPONENT_ORDER.get(y) ?? 0),
      ),
      Layout: b.DrumKit.Layout,
    },
    HitObjects: b.HitObjects.map(canonicalHitObject).sort(compareHitObjects),
    ...(e
      ? {
          Editor: dropUndefined({
            SnapDivisor: e.SnapDivisor,
            Bookmarks: e.Bookmarks?.map(roundMs).sort((x, y) => x - y),
            AiGenerationMetadata: aiMeta
              ? Object.fromEntries(
                  Object.keys(aiMeta)
                    .sort()
                    .map((k) => [k, aiMeta[k] ?? null]),
                )
              : undefined,
          }),
        }
      : {}),
  };
}

/** Compact canonical JSON: the bytes the content hash is taken over. */
export function canonicalJson(b: Beatmap): string {
  return JSON.stringify(canonicalize(b));
}

/** Canonical .bsm file text: indented, one hit object per line (diff-friendly), trailing newline. */
export function serializeBeatmap(b: Beatmap): string {
  const c = canonicalize(b) as unknown as Record<string, unknown>;
  const parts = Object.entries(c).map(([key, value]) => {
    const body =
      key === "HitObjects" && Array.isArray(value) && value.length > 0
        ? `[\n${value.map((h) => `    ${JSON.stringify(h)}`).join(",\n")}\n  ]`
        : JSON.stringify(value, null, 2).replace(/\n/g, "\n  ");
    return `  ${JSON.stringify(key)}: ${body}`;
  });
  return `{\n${parts.join(",\n")}\n}\n`;
}

/** sha256 (lowercase hex) of the canonical form. Web Crypto, so it runs in browsers, workers and Node ≥ 20. */
export async function contentHash(b: Beatmap): Promise<string> {
  const bytes = new TextEncoder().encode(canonicalJson(b));
  const digest = await globalThis.crypto.subtle.digest("SHA-256", bytes);
  return Array.from(new Uint8Array(digest), (x) => x.toString(16).padStart(2, "0")).join("");
}
