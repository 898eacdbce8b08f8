import { describe, expect, it } from "vitest";
import { ManifestError, pipelineModelsFromManifest } from "./manifest-adapter.ts";

const sha = "a".repeat(64);
const transcriber = {
  name: "beatsight-transcriber",
  version: "1.0.0",
  task: "transcription",
  file: "t.onnx",
  url: "/models/t.onnx",
  sha256: sha,
  bytes: 1000,
  sampleRate: 22_050,
  hop: 441,
  inputs: [{ name: "audio" }],
  outputs: [{ name: "onset" }, { name: "velocity" }],
  classes: ["kick", "snare"],
  thresholds: { kick: 0.4 },
  chunking: { chunkSeconds: 30, overlapSeconds: 2 },
  metrics: { anything: 1 },
};
const separator = {
  ...transcriber,
  name: "beatsight-separator",
  task: "separation",
  url: "/models/s.onnx",
  bytes: 5000,
  hop: 256,
  inputs: [{ name: "mixture" }],
  outputs: [{ name: "drums" }, { name: "accompaniment" }],
};

describe("pipelineModelsFromManifest", () => {
  it("reads both models and the download size", () => {
    const loaded = pipelineModelsFromManifest({ schemaVersion: 1, models: [separator, transcriber] });
    expect(loaded.downloadBytes).toBe(6000);
    expect(loaded.models.transcriber).toMatchObject({
      input: "audio",
      onsetOutput: "onset",
      velocityOutput: "velocity",
      hop: 441,
    });
    expect(loaded.models.separator).toMatchObject({
      input: "mixture",
      drumsOutput: "drums",
      chunkSeconds: 30,
    });
  });

  it("works without a separator, and says clearly what is wrong with a broken manifest", () => {
    expect(
      pipelineModelsFromManifest({ schemaVersion: 1, models: [transcriber] }).models.separator,
    ).toBeUndefined();
    expect(() => pipelineModelsFromManifest({ schemaVersion: 1, models: [separator] })).toThrow(
      /no transcription model/,
    );
    expect(() => pipelineModelsFromManifest({ schemaVersion: 2, models: [] })).toThrow(ManifestError);
    expect(() =>
      pipelineModelsFromManifest({
        schemaVersion: 1,
        models: [{ ...transcriber, outputs: [{ name: "probs" }] }],
      }),
    ).toThrow(/no "onset" output/);
    expect(() =>
      pipelineModelsFromManifest({
        schemaVersion: 1,
        models: [transcriber, { ...separator, sampleRate: 44_100 }],
      }),
    ).toThrow(/share a sample rate/);
  });

  it("reads a beat model fed the transcriber's classes, and counts it in the download", () => {
    const beats = {
      name: "beatsight-beats",
      version: "1.0.0",
      task: "beats",
      url: "/models/b.onnx",
      sha256: sha,
      bytes: 250,
      frameRate: 50,
      inputChannels: 8,
      inputClasses: ["kick", "snare"],
      inputs: [{ name: "inputs" }],
      outputs: [{ name: "beat" }, { name: "downbeat" }],
    };
    const loaded = pipelineModelsFromManifest({ schemaVersion: 1, models: [separator, transcriber, beats] });
    expect(loaded.downloadBytes).toBe(6250);
    expect(loaded.models.beats).toMatchObject({
      input: "inputs",
      inputChannels: 8,
      frameRate: 50,
      beatOutput: "beat",
      downbeatOutput: "downbeat",
      inputClasses: ["kick", "snare"],
    });
    // A later transcriber that adds a class after them still feeds the beat model its classes.
    const grown = { ...transcriber, classes: ["kick", "snare", "snare_cross_stick"] };
    expect(
      pipelineModelsFromManifest({ schemaVersion: 1, models: [grown, beats] }).models.beats?.inputClasses,
    ).toEqual(["kick", "snare"]);
    expect(() =>
      pipelineModelsFromManifest({
        schemaVersion: 1,
        models: [transcriber, { ...beats, inputClasses: ["kick", "snare", "tom"] }],
      }),
    ).toThrow(/trained on the classes kick, snare, tom/);
  });

  describe("articulations and calibration (transcriber 1.9.0)", () => {
    const articulations = {
      output: "articulation",
      groups: [
        { class: "snare", components: ["snare", "snare_rimshot"] },
        { class: "kick", components: ["kick", "kick"] },
      ],
    };
    const v19 = {
      ...transcriber,
      outputs: [
        { name: "onset" },
        { name: "velocity" },
        { name: "articulation", shape: ["batch", "frames", 2] },
      ],
      articulations: { ...articulations, groups: [articulations.groups[0]!] },
      calibration: {
        confidence: {
          kick: [
            [0.4, 0.2],
            [1, 0.95],
          ],
        },
        velocity: {
          snare: [
            [0, 0],
            [0.5, 0.3],
            [1, 1],
          ],
        },
        fittedOn: "held-out kits",
        ece: { before: 0.08, after: 0.02 },
      },
    };
    const load = (entry: unknown) => pipelineModelsFromManifest({ schemaVersion: 1, models: [entry] });

    it("reads the groups and maps into the transcriber's spec", () => {
      const spec = load(v19).models.transcriber;
      expect(spec.articulations).toEqual({
        output: "articulation",
        groups: [{ class: "snare", components: ["snare", "snare_rimshot"] }],
      });
      expect(spec.calibration).toEqual({
        confidence: v19.calibration.confidence,
        velocity: v19.calibration.velocity,
      });
    });

    it("leaves a model without them (1.8.0) exactly as it was", () => {
      const spec = load(transcriber).models.transcriber;
      expect(spec).not.toHaveProperty("articulations");
      expect(spec).not.toHaveProperty("calibration");
    });

    it("says what is wrong with a malformed field instead of crashing", () => {
      expect(() => load({ ...v19, articulations: { ...v19.articulations, output: "missing" } })).toThrow(
        /read the output "missing", which its outputs do not list/,
      );
      expect(() =>
        load({
          ...v19,
          outputs: [{ name: "onset" }, { name: "articulation", shape: ["batch", "frames", 12] }],
        }),
      ).toThrow(/has 12 channels; its articulation groups name 2/);
      expect(() =>
        load({
          ...v19,
          articulations: {
            output: "articulation",
            groups: [{ class: "tom", components: ["tom_high", "tom_mid"] }],
          },
        }),
      ).toThrow(/"tom", which is not one of its classes/);
      expect(() =>
        load({ ...v19, outputs: [...transcriber.outputs, { name: "articulation" }], articulations }),
      ).toThrow(/names a component twice/);
      expect(() =>
        load({
          ...v19,
          articulations: {
            output: "articulation",
            groups: [{ class: "snare", components: ["snare", "rimshot"] }],
          },
        }),
      ).toThrow(/articulations\.groups\.0\.components\.1/);
      expect(() =>
        load({
          ...v19,
          calibration: {
            velocity: {
              snare: [
                [0, 0.5],
                [1, 0.2],
              ],
            },
          },
        }),
      ).toThrow(/calibration\.velocity\.snare: not a usable calibration map: y must not decrease/);
      expect(() =>
        load({
          ...v19,
          calibration: {
            velocity: {
              hihat: [
                [0, 0],
                [1, 1],
              ],
            },
          },
        }),
      ).toThrow(/map for "hihat", which is not one of its classes/);
      expect(() => load({ ...v19, articulations: "yes" })).toThrow(ManifestError);
    });
  });
});
