import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { findModel, ModelManifestError, parseModelManifest } from "./manifest.ts";

const raw = JSON.parse(
  readFileSync(fileURLToPath(new URL("../../public/models/manifest.json", import.meta.url)), "utf8"),
) as { models: Record<string, unknown>[] };

/** The shipped manifest with its transcriber given the issue 33 contract's fields. */
function with19(change: (t: Record<string, unknown>) => void = () => {}) {
  const m = structuredClone(raw);
  const t = m.models.find((x) => x.task === "transcription")!;
  const classes = t.classes as string[];
  if (!classes.includes("snare_cross_stick")) classes.push("snare_cross_stick");
  (t.thresholds as Record<string, number>).snare_cross_stick = 0.7;
  (t.outputs as unknown[]).push({
    name: "articulation",
    dtype: "float32",
    shape: ["batch", "frames", 12],
    description: "articulation probabilities per group",
  });
  t.articulations = {
    output: "articulation",
    groups: [
      { class: "snare", components: ["snare", "snare_rimshot"] },
      { class: "hihat_closed", components: ["hihat_closed", "hihat_pedal"] },
      { class: "tom", components: ["tom_high", "tom_mid", "tom_floor"] },
      { class: "crash", components: ["crash", "splash", "china"] },
      { class: "ride", components: ["ride", "ride_bell"] },
    ],
  };
  t.calibration = {
    confidence: {
      snare: [
        [0.5, 0.3],
        [1, 0.97],
      ],
    },
    velocity: {
      kick: [
        [0, 0.05],
        [1, 1],
      ],
    },
    fittedOn: "drums_artic_val",
    ece: { before: 0.1, after: 0.03 },
  };
  change(t);
  return m;
}

describe("the transcriber's articulations and calibration in the CI manifest schema", () => {
  it("accepts the contract's fields, with a fixed channel count in the output's shape", () => {
    const t = findModel(parseModelManifest(with19()), "transcription")!;
    expect(t.articulations?.groups.map((g) => g.class)).toEqual([
      "snare",
      "hihat_closed",
      "tom",
      "crash",
      "ride",
    ]);
    expect(t.calibration?.confidence?.snare).toEqual([
      [0.5, 0.3],
      [1, 0.97],
    ]);
    expect(t.calibration?.fittedOn).toBe("drums_artic_val");
  });

  it("rejects groups that do not fit the model, with a sentence", () => {
    const fewer = with19((t) => {
      (t.articulations as { groups: unknown[] }).groups.pop();
    });
    expect(() => parseModelManifest(fewer)).toThrow(/has 12 channels; its articulation groups name 10/);
    const unknown = with19((t) => {
      (t.articulations as { groups: { class: string }[] }).groups[0]!.class = "rim";
    });
    expect(() => parseModelManifest(unknown)).toThrow(ModelManifestError);
    expect(() => parseModelManifest(unknown)).toThrow(/"rim", which is not one of its classes/);
    const badMap = with19((t) => {
      (t.calibration as { velocity: Record<string, unknown> }).velocity.kick = [[0.5, 0.5]];
    });
    expect(() => parseModelManifest(badMap)).toThrow(/calibration\.velocity\.kick/);
  });

  it("reads minimum probabilities per component and says what is wrong with bad ones", () => {
    const groups = (t: Record<string, unknown>) =>
      (t.articulations as { groups: { class: string; minProbability?: unknown }[] }).groups;
    const ok = with19((t) => {
      groups(t)[4]!.minProbability = [null, 0.74];
    });
    const ride = findModel(parseModelManifest(ok), "transcription")!.articulations?.groups[4];
    expect(ride?.minProbability).toEqual([null, 0.74]);
    const short = with19((t) => {
      groups(t)[4]!.minProbability = [null];
    });
    expect(() => parseModelManifest(short)).toThrow(/"ride" has 1 minimum probabilities for 2 components/);
    const onDefault = with19((t) => {
      groups(t)[0]!.minProbability = [0.2, 0.9];
    });
    expect(() => parseModelManifest(onDefault)).toThrow(/default \(first\) component/);
    const outOfRange = with19((t) => {
      groups(t)[3]!.minProbability = [null, 0.8, 2];
    });
    expect(() => parseModelManifest(outOfRange)).toThrow(/"crash" has the minimum probability 2/);
  });
});
