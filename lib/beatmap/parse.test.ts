import { describe, expect, it } from "vitest";
import { canonicalJson, contentHash, serializeBeatmap } from "./canonical.ts";
import { BeatmapError } from "./errors.ts";
import { LIMITS } from "./limits.ts";
import { parseBeatmap, parseBeatmapBytes } from "./parse.ts";
import { grooveChart } from "./testing.ts";

const minimal = {
  Version: 1,
  Metadata: { Title: "T", Artist: "A" },
  HitObjects: [
    { Time: 0, Component: "kick", Lane: 3, Velocity: 0.8 },
    { Time: 10, Component: "snare", Lane: 2, Velocity: 0.8 },
  ],
};

function parseError(text: string): BeatmapError {
  try {
    parseBeatmap(text);
  } catch (error) {
    if (error instanceof BeatmapError) return error;
    throw error;
  }
  throw new Error("expected parseBeatmap to throw");
}

describe("parseBeatmap", () => {
  it("parses a minimal chart and fills defaults", () => {
    const b = parseBeatmap(JSON.stringify(minimal));
    expect(b.Version).toBe(1);
    expect(b.DrumKit.Layout).toBe("standard-7");
    expect(b.Metadata.Tags).toEqual([]);
    expect(b.HitObjects).toHaveLength(2);
  });

  it("accepts the desktop app's string version", () => {
    expect(parseBeatmap(JSON.stringify({ ...minimal, Version: "1.0.0" })).Version).toBe(1);
  });

  it("names the exact path of a bad lane", () => {
    const bad = structuredClone(minimal);
    bad.HitObjects[1]!.Lane = 9;
    const e = parseError(JSON.stringify(bad));
    expect(e.code).toBe("invalid_schema");
    expect(e.message).toContain("HitObjects[1].Lane: expected 0–6");
    expect(e.issues[0]?.path).toBe("HitObjects[1].Lane");
  });

  it("rejects unknown components, velocities out of range and missing fields with their paths", () => {
    const bad = structuredClone(minimal) as unknown as {
      Metadata: Record<string, unknown>;
      HitObjects: Record<string, unknown>[];
    };
    bad.HitObjects[0]!.Component = "cowbell";
    bad.HitObjects[1]!.Velocity = 1.5;
    delete bad.Metadata.Title;
    const e = parseError(JSON.stringify(bad));
    const paths = e.issues.map((i) => i.path);
    expect(paths).toContain("HitObjects[0].Component");
    expect(paths).toContain("HitObjects[1].Velocity");
    expect(paths).toContain("Metadata.Title");
  });

  it("rejects a newer format version clearly", () => {
    expect(parseError(JSON.stringify({ ...minimal, Version: 2 })).code).toBe("unsupported_version");
  });

  it("rejects invalid JSON, empty input and non-objects", () => {
    expect(parseError("{").code).toBe("invalid_json");
    expect(parseError("   ").code).toBe("empty");
    expect(parseError("[1,2]").code).toBe("invalid_schema");
  });

  it("rejects deep nesting before parsing", () => {
    const deep = `${"[".repeat(100_000)}${"]".repeat(100_000)}`;
    expect(parseError(deep).code).toBe("too_deep");
    // Brackets inside strings do not count.
    const ok = { ...minimal, Metadata: { Title: "[".repeat(500), Artist: "{" } };
    expect(parseBeatmap(JSON.stringify(ok)).Metadata.Title).toHaveLength(500);
  });

  it("rejects oversized files before parsing", () => {
    const huge = new Uint8Array(LIMITS.maxBsmBytes + 1);
    expect(() => parseBeatmapBytes(huge)).toThrow(/limit/);
  });

  it("rejects more notes than a chart may hold without validating each", () => {
    const note = '{"Time":1,"Component":"kick","Lane":3,"Velocity":1}';
    const text = `{"Version":1,"Metadata":{"Title":"x","Artist":"y"},"HitObjects":[${Array(
      LIMITS.maxHitObjects + 1,
    )
      .fill(note)
      .join(",")}]}`;
    expect(parseError(text).code).toBe("too_many_notes");
  });

  it("rejects binary input", () => {
    expect(() => parseBeatmapBytes(new Uint8Array([0xff, 0xfe, 0x00, 0x80]))).toThrow(BeatmapError);
  });
});

describe("canonical form and content hash", () => {
  it("is the same for the same chart written differently", async () => {
    const a = parseBeatmap(JSON.stringify(minimal));
    const reordered = {
      HitObjects: [
        { Velocity: 0.8, Lane: 2, Component: "snare", Time: 10.0000001 },
        { Lane: 3, Time: 0, Velocity: 0.80000001, Component: "kick" },
      ],
      Metadata: { Artist: "A", Title: "T" },
      Version: "1.0",
    };
    const b = parseBeatmap(`\n${JSON.stringify(reordered, null, 4)}`);
    expect(canonicalJson(b)).toBe(canonicalJson(a));
    expect(await contentHash(b)).toBe(await contentHash(a));
    expect(await contentHash(a)).toMatch(/^[0-9a-f]{64}$/);
  });

  it("changes when a note changes", async () => {
    const a = grooveChart();
    const b = structuredClone(a);
    b.HitObjects[5]!.Velocity = 0.31;
    expect(await contentHash(b)).not.toBe(await contentHash(a));
  });

  it("serialises to text that parses back to the same canonical form", () => {
    const a = grooveChart();
    const text = serializeBeatmap(a);
    expect(text.split("\n").filter((l) => l.includes('"Component"'))).toHaveLength(a.HitObjects.length);
    expect(canonicalJson(parseBeatmap(text))).toBe(canonicalJson(a));
    expect(text.indexOf('"Timing"')).toBeLessThan(text.indexOf('"HitObjects"'));
  });

  it("matches a known sha256 so the hash input never drifts silently", async () => {
    const b = parseBeatmap(JSON.stringify(minimal));
    expect(canonicalJson(b)).toBe(
      '{"Version":1,"Metadata":{"Title":"T","Artist":"A","Creator":"","Tags":[]},"Audio":{"Filename":""},"DrumKit":{"Components":[],"Layout":"standard-7"},"HitObjects":[{"Time":0,"Component":"kick","Lane":3,"Velocity":0.8},{"Time":10,"Component":"snare","Lane":2,"Velocity":0.8}]}',
    );
    const { createHash } = await import("node:crypto");
    expect(await contentHash(b)).toBe(createHash("sha256").update(canonicalJson(b)).digest("hex"));
  });
});
