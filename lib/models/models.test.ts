// CI check of the shipped models: every file in public/models/manifest.json loads in
// onnxruntime-node, matches its recorded sha256 and size, has the inputs and outputs the manifest
// promises, and reproduces (within tolerance) the PyTorch outputs that training/export.py recorded
// for the deterministic check clip.
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import * as ort from "onnxruntime-node";
import { describe, expect, it } from "vitest";
import { articulationChannels } from "../transcribe/articulations.ts";
import { checkClip } from "./check-clip.ts";
import { type ModelManifestEntry, parseModelManifest } from "./manifest.ts";
import type { ArticulationsField } from "./transcriber-fields.ts";

const modelsDir = fileURLToPath(new URL("../../public/models/", import.meta.url));
const manifest = parseModelManifest(JSON.parse(readFileSync(`${modelsDir}manifest.json`, "utf8")));

interface RecordedOutput {
  shape: number[];
  stride: number;
  values: number[];
}
interface RecordedModel {
  file: string;
  input: string;
  samples: number;
  outputs: Record<string, RecordedOutput>;
  tolerance: number;
}
const expected = JSON.parse(
  readFileSync(fileURLToPath(new URL("./fixtures/expected-outputs.json", import.meta.url)), "utf8"),
) as { checkClip: { sampleRate: number; seconds: number } } & Record<string, RecordedModel>;

const recordedFor = (m: ModelManifestEntry): RecordedModel => {
  const r = Object.values(expected).find((v) => (v as RecordedModel).file === m.file) as
    | RecordedModel
    | undefined;
  if (!r) throw new Error(`no recorded outputs for ${m.file}; re-run training/cli.py export`);
  return r;
};

describe("shipped models", () => {
  it("the manifest lists a transcriber and a separator within their size budgets", () => {
    const byTask = Object.fromEntries(manifest.models.map((m) => [m.task, m]));
    expect(byTask.transcription?.bytes).toBeLessThanOrEqual(2_000_000);
    expect(byTask.separation?.bytes).toBeLessThanOrEqual(10_000_000);
  });

  for (const model of manifest.models) {
    if (model.task === "beats") continue; // no audio in: checked below
    describe(model.file, () => {
      const bytes = readFileSync(`${modelsDir}${model.file}`);

      it("matches the manifest's sha256 and size", () => {
        expect(bytes.length).toBe(model.bytes);
        expect(createHash("sha256").update(bytes).digest("hex")).toBe(model.sha256);
      });

      it("reproduces the recorded outputs on the check clip", async () => {
        const recorded = recordedFor(model);
        const session = await ort.InferenceSession.create(bytes, { intraOpNumThreads: 1 });
        expect(session.inputNames).toEqual(model.inputs.map((i) => i.name));
        expect([...session.outputNames].sort()).toEqual(model.outputs.map((o) => o.name).sort());

        const clip = checkClip(model.sampleRate).subarray(0, recorded.samples);
        expect(clip.length % model.hop === 0 || model.task === "transcription").toBe(true);
        const input = new ort.Tensor("float32", clip.slice(), [1, clip.length]);
        const out = await session.run({ [recorded.input]: input });

        for (const [name, rec] of Object.entries(recorded.outputs)) {
          const tensor = out[name];
          expect(tensor, `output ${name}`).toBeDefined();
          expect(tensor!.dims).toEqual(rec.shape);
          const data = tensor!.data as Float32Array;
          let worst = 0;
          rec.values.forEach((v, i) => {
            worst = Math.max(worst, Math.abs(data[i * rec.stride]! - v));
          });
          expect(worst, `max |onnxruntime - recorded| for ${name}`).toBeLessThanOrEqual(recorded.tolerance);
        }

        if (model.task === "transcription") {
          const frames = Math.floor(clip.length / model.hop) + 1;
          expect(out.onset!.dims).toEqual([1, frames, model.classes.length]);
          expect(out.velocity!.dims).toEqual([1, frames, model.classes.length]);
          if (model.articulations) {
            // one probability per component, softmaxed within each group (training/models.py)
            const art = out[model.articulations.output]!;
            const channels = articulationChannels(model.articulations.groups);
            expect(art.dims).toEqual([1, frames, channels]);
            expect(
              worstGroupSum(art.data as Float32Array, frames, channels, model.articulations),
            ).toBeLessThan(1e-5);
          }
        } else {
          // accompaniment is defined as mixture - drums
          const drums = out.drums!.data as Float32Array;
          const acc = out.accompaniment!.data as Float32Array;
          let worst = 0;
          for (let i = 0; i < clip.length; i++)
            worst = Math.max(worst, Math.abs(drums[i]! + acc[i]! - clip[i]!));
          expect(worst).toBeLessThan(1e-4);
        }
        await session.release();
      }, 60_000);

      it("runs on the shortest input its contract allows (one hop)", async () => {
        // A whole song can be shorter than the separator's median windows (17 frames): the graph
        // must still run, not fail on a slice past the end.
        const session = await ort.InferenceSession.create(bytes, { intraOpNumThreads: 1 });
        const clip = checkClip(model.sampleRate).slice(0, model.hop);
        const out = await session.run({
          [model.inputs[0]!.name]: new ort.Tensor("float32", clip, [1, clip.length]),
        });
        for (const o of model.outputs) {
          const data = out[o.name]!.data as Float32Array;
          expect(data.length, o.name).toBeGreaterThan(0);
          expect(data.every(Number.isFinite), o.name).toBe(true);
        }
        await session.release();
      }, 60_000);
    });
  }

  const beats = manifest.models.find((m) => m.task === "beats");
  if (beats) {
    describe(beats.file, () => {
      const bytes = readFileSync(`${modelsDir}${beats.file}`);
      const recorded = JSON.parse(
        readFileSync(fileURLToPath(new URL("./fixtures/expected-beats.json", import.meta.url)), "utf8"),
      ) as { sha256: string; frames: number; frameIndices: number[]; beat: number[]; downbeat: number[] };
      const transcriber = manifest.models.find((m) => m.task === "transcription")!;

      it("matches the manifest's sha256 and size, and reads transcriber classes at its frame rate", () => {
        expect(bytes.length).toBe(beats.bytes);
        expect(createHash("sha256").update(bytes).digest("hex")).toBe(beats.sha256);
        expect(recorded.sha256).toBe(beats.sha256);
        // by name (lib/pipeline/beat-model.ts): a transcriber may add classes after them
        expect(transcriber.classes).toEqual(expect.arrayContaining(beats.inputClasses));
        expect(beats.frameRate).toBe(transcriber.frameRate);
      });

      it("reproduces the outputs recorded by export-beats", async () => {
        const session = await ort.InferenceSession.create(bytes, { intraOpNumThreads: 1 });
        expect(session.inputNames).toEqual(beats.inputs.map((i) => i.name));
        const input = beatCheckInputs(recorded.frames, beats.inputChannels, beats.inputClasses.length);
        const out = await session.run({
          [beats.inputs[0]!.name]: new ort.Tensor("float32", input, [
            1,
            recorded.frames,
            beats.inputChannels,
          ]),
        });
        for (const name of ["beat", "downbeat"] as const) {
          const data = out[name]!.data as Float32Array;
          expect(out[name]!.dims).toEqual([1, recorded.frames]);
          const worst = Math.max(
            ...recorded.frameIndices.map((f, i) => Math.abs(data[f]! - recorded[name][i]!)),
          );
          expect(worst, `max |onnxruntime - recorded| for ${name}`).toBeLessThan(1e-4);
        }
        await session.release();
      }, 60_000);
    });
  }
});

/** The largest |sum - 1| of an articulation group's probabilities over all frames. */
function worstGroupSum(data: Float32Array, frames: number, channels: number, a: ArticulationsField): number {
  let worst = 0;
  for (let t = 0; t < frames; t++) {
    let start = 0;
    for (const g of a.groups) {
      let sum = 0;
      for (let j = 0; j < g.components.length; j++) sum += data[t * channels + start + j]!;
      worst = Math.max(worst, Math.abs(sum - 1));
      start += g.components.length;
    }
  }
  return worst;
}

/** training/beats_model.py check_inputs: sines of the frame index, features scaled by 3. */
function beatCheckInputs(frames: number, channels: number, classes: number): Float32Array {
  const out = new Float32Array(frames * channels);
  for (let t = 0; t < frames; t++) {
    for (let c = 0; c < channels; c++) {
      const v = 0.5 + 0.5 * Math.sin(0.37 * t * (c + 1) + 0.11 * c);
      out[t * channels + c] = c >= classes ? 3 * v : v;
    }
  }
  return out;
}
