// The beat model's input rows (beat-model.ts): the transcriber's onsets of the classes the model
// was trained on, by name, then the accompaniment's features.
import { describe, expect, it } from "vitest";
import { BEAT_FEATURE_COUNT } from "./beat-features.ts";
import { beatModelInputs } from "./beat-model.ts";

const activations = {
  fps: 50,
  classes: ["kick", "snare", "snare_cross_stick"],
  // 2 frames × 3 classes
  onset: Float32Array.from([0.1, 0.2, 0.3, 0.4, 0.5, 0.6]),
};

describe("beatModelInputs", () => {
  it("reads the model's classes by name, leaving out classes a later transcriber added", () => {
    const inputs = beatModelInputs(activations, undefined, 44_100, 882, ["kick", "snare"]);
    expect(inputs.frames).toBe(2);
    expect(inputs.channels).toBe(2 + BEAT_FEATURE_COUNT);
    const row = (t: number) =>
      Array.from(inputs.data.subarray(t * inputs.channels, (t + 1) * inputs.channels));
    expect(row(0).slice(0, 2)).toEqual([Math.fround(0.1), Math.fround(0.2)]);
    expect(row(1).slice(0, 2)).toEqual([Math.fround(0.4), Math.fround(0.5)]);
    // No accompaniment (separation skipped): the features are zeros.
    expect(row(1).slice(2)).toEqual(new Array(BEAT_FEATURE_COUNT).fill(0));
  });

  it("reads every class by default, and says which class a transcriber lacks", () => {
    expect(beatModelInputs(activations, undefined, 44_100, 882).channels).toBe(3 + BEAT_FEATURE_COUNT);
    expect(() => beatModelInputs(activations, undefined, 44_100, 882, ["kick", "tom"])).toThrow(/"tom"/);
  });
});
