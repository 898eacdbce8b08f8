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
    });
    expect(() =>
      pipelineModelsFromManifest({
        schemaVersion: 1,
        models: [transcriber, { ...beats, inputClasses: ["kick", "snare", "tom"] }],
      }),
    ).toThrow(/trained on the classes kick, snare, tom/);
  });
});
