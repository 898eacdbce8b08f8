import { describe, expect, it } from "vitest";
import type { ModelSession, TensorData } from "../inference/backend.ts";
import type { SeparatorSpec, TranscriberSpec } from "./model-spec.ts";
import { runSeparator, runTranscriber } from "./run-model.ts";

const hop = 100;
const base = {
  url: "/m",
  sha256: "0",
  bytes: 1,
  name: "fake",
  version: "1",
  sampleRate: 1000,
  input: "audio",
  hop,
};
const transcriber: TranscriberSpec = {
  ...base,
  task: "transcription",
  onsetOutput: "onset",
  classes: ["kick", "snare"],
  thresholds: { kick: 0.5, snare: 0.5 },
  source: "drums",
  minGapMs: 30,
  chunkSeconds: 2,
  overlapSeconds: 0.4,
};

/** A "model" whose frame t reports the input sample at the frame's centre (and its negation). */
function fakeTranscriber(runs: { count: number }): ModelSession {
  return {
    inputNames: ["audio"],
    outputNames: ["onset"],
    async run(feeds: Record<string, TensorData>) {
      runs.count++;
      const x = feeds.audio!.data;
      const frames = Math.floor(x.length / hop) + 1;
      const out = new Float32Array(frames * 2);
      for (let t = 0; t < frames; t++) {
        out[t * 2] = x[t * hop] ?? 0;
        out[t * 2 + 1] = -(x[t * hop] ?? 0);
      }
      return { onset: { data: out, dims: [1, frames, 2] } };
    },
    async release() {},
  };
}

describe("runTranscriber", () => {
  it("streams a long song through the model in chunks and reassembles every frame", async () => {
    const audio = Float32Array.from({ length: 9_950 }, (_, i) => i / 10_000);
    const runs = { count: 0 };
    const fractions: number[] = [];
    const result = await runTranscriber(
      new AbortController().signal,
      fakeTranscriber(runs),
      transcriber,
      audio,
      (f) => fractions.push(f),
    );
    expect(runs.count).toBeGreaterThan(4);
    expect(result.fps).toBe(10);
    const frames = Math.floor(audio.length / hop) + 1;
    expect(result.onset.length).toBe(frames * 2);
    for (let t = 0; t < frames; t++) {
      expect(result.onset[t * 2]).toBeCloseTo(audio[t * hop] ?? 0, 6);
      expect(result.onset[t * 2 + 1]).toBeCloseTo(-(audio[t * hop] ?? 0), 6);
    }
    expect(fractions.at(-1)).toBe(1);
  });

  it("stops between chunks when cancelled", async () => {
    const controller = new AbortController();
    const runs = { count: 0 };
    const audio = new Float32Array(20_000);
    const run = runTranscriber(controller.signal, fakeTranscriber(runs), transcriber, audio, (f) => {
      if (f > 0.2) controller.abort();
    });
    await expect(run).rejects.toMatchObject({ name: "AbortError" });
    expect(runs.count).toBeLessThan(6);
  });

  it("stitches the articulation output chunk by chunk like the onsets", async () => {
    const groups = [
      { class: "snare", components: ["snare", "snare_rimshot"] as ("snare" | "snare_rimshot")[] },
    ];
    const spec: TranscriberSpec = { ...transcriber, articulations: { output: "articulation", groups } };
    const inner = fakeTranscriber({ count: 0 });
    // Channel 0: the sample at the frame's centre; channel 1: one minus it.
    const session: ModelSession = {
      ...inner,
      async run(feeds) {
        const out = await inner.run(feeds);
        const onset = out.onset!;
        const frames = onset.dims[1]!;
        const art = new Float32Array(frames * 2);
        for (let t = 0; t < frames; t++) {
          art[t * 2] = onset.data[t * 2]!;
          art[t * 2 + 1] = 1 - onset.data[t * 2]!;
        }
        return { ...out, articulation: { data: art, dims: [1, frames, 2] } };
      },
    };
    const audio = Float32Array.from({ length: 9_950 }, (_, i) => i / 10_000);
    const result = await runTranscriber(new AbortController().signal, session, spec, audio);
    const frames = Math.floor(audio.length / hop) + 1;
    expect(result.articulation?.groups).toEqual(groups);
    expect(result.articulation?.data.length).toBe(frames * 2);
    for (let t = 0; t < frames; t++) {
      expect(result.articulation!.data[t * 2]).toBeCloseTo(audio[t * hop] ?? 0, 6);
      expect(result.articulation!.data[t * 2 + 1]).toBeCloseTo(1 - (audio[t * hop] ?? 0), 6);
    }
    // Without the field in the manifest, the output is not read (a 1.8.0 model has none).
    expect(
      (await runTranscriber(new AbortController().signal, session, transcriber, audio)).articulation,
    ).toBeUndefined();
    const wrongGroups = [
      { class: "snare", components: ["snare", "snare_rimshot", "snare_cross_stick"] as const },
    ];
    await expect(
      runTranscriber(
        new AbortController().signal,
        session,
        {
          ...spec,
          articulations: {
            output: "articulation",
            groups: [{ ...wrongGroups[0]!, components: [...wrongGroups[0]!.components] }],
          },
        },
        audio,
      ),
    ).rejects.toThrow(/returned 2 articulation channels; the manifest lists 3/);
  });

  it("names the problem when a model does not match its manifest", async () => {
    const wrong = { ...transcriber, classes: ["kick", "snare", "hihat"] };
    await expect(
      runTranscriber(
        new AbortController().signal,
        fakeTranscriber({ count: 0 }),
        wrong,
        new Float32Array(3000),
      ),
    ).rejects.toThrow(/returned 2 classes; the manifest lists 3/);
  });
});

describe("runSeparator", () => {
  it("returns stems as long as the input", async () => {
    const spec: SeparatorSpec = {
      ...base,
      task: "separation",
      drumsOutput: "drums",
      accompanimentOutput: "accompaniment",
      chunkSeconds: 2,
      overlapSeconds: 0.4,
    };
    const session: ModelSession = {
      inputNames: ["audio"],
      outputNames: ["drums", "accompaniment"],
      async run(feeds) {
        const x = feeds.audio!.data;
        return {
          drums: { data: x.map((v) => v * 0.25), dims: [1, x.length] },
          accompaniment: { data: x.map((v) => v * 0.75), dims: [1, x.length] },
        };
      },
      async release() {},
    };
    const audio = Float32Array.from({ length: 7_777 }, (_, i) => Math.sin(i));
    const stems = await runSeparator(new AbortController().signal, session, spec, audio);
    expect(stems.drums.length).toBe(audio.length);
    for (let i = 0; i < audio.length; i += 97) {
      expect((stems.drums[i] ?? 0) + (stems.accompaniment[i] ?? 0)).toBeCloseTo(audio[i] ?? 0, 5);
    }
  });
});
