import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { findModel, ModelManifestError, parseModelManifest } from "./manifest.ts";

const raw = JSON.parse(
  readFileSync(fileURLToPath(new URL("../../public/models/manifest.json", import.meta.url)), "utf8"),
) as { models: Record<string, unknown>[] };

const clone = () => structuredClone(raw);

describe("model manifest", () => {
  it("parses the shipped manifest and finds both tasks", () => {
    const m = parseModelManifest(raw);
    const t = findModel(m, "transcription");
    const s = findModel(m, "separation");
    expect(t?.classes).toEqual([
      "kick",
      "snare",
      "hihat_closed",
      "hihat_open",
      "tom",
      "crash",
      "ride",
      "snare_cross_stick",
    ]);
    // the issue 33 contract's articulation groups, in channel order
    expect(t?.articulations?.output).toBe("articulation");
    expect(t?.articulations?.groups.map((g) => [g.class, ...g.components])).toEqual([
      ["snare", "snare", "snare_rimshot"],
      ["hihat_closed", "hihat_closed", "hihat_pedal"],
      ["tom", "tom_high", "tom_mid", "tom_floor"],
      ["crash", "crash", "splash", "china"],
      ["ride", "ride", "ride_bell"],
    ]);
    expect(t?.outputs.find((o) => o.name === "articulation")?.shape).toEqual(["batch", "frames", 12]);
    expect(t?.sampleRate).toBe(22050);
    expect(t?.hop).toBe(441);
    expect(s?.outputs.map((o) => o.name)).toEqual(["drums", "accompaniment"]);
    expect(s!.chunking.alignSamples).toBe(s!.hop);
  });

  it("rejects a transcriber without a threshold for one of its classes", () => {
    const bad = clone();
    const t = bad.models.find((m) => m.task === "transcription")!;
    delete (t.thresholds as Record<string, number>).ride;
    expect(() => parseModelManifest(bad)).toThrow(ModelManifestError);
    expect(() => parseModelManifest(bad)).toThrow(/ride/);
  });

  it("rejects a malformed sha256 and says where", () => {
    const bad = clone();
    bad.models[0]!.sha256 = "not-a-hash";
    expect(() => parseModelManifest(bad)).toThrow(/models\.0\.sha256/);
  });
});
