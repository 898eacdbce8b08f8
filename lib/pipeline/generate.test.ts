import { describe, expect, it } from "vitest";
import type { InferenceBackend, ModelSession } from "../inference/backend.ts";
import { generateChart } from "./generate.ts";
import type { PipelineModels } from "./model-spec.ts";
import type { ProgressEvent } from "./progress.ts";

const sampleRate = 8000;
const hop = 80; // 100 fps
const common = {
  sha256: "0",
  bytes: 1,
  version: "test",
  sampleRate,
  input: "audio",
  hop,
  chunkSeconds: 4,
  overlapSeconds: 0.4,
};
const models: PipelineModels = {
  separator: {
    ...common,
    url: "/s",
    name: "sep",
    task: "separation",
    drumsOutput: "drums",
    accompanimentOutput: "acc",
  },
  transcriber: {
    ...common,
    url: "/t",
    name: "trans",
    task: "transcription",
    onsetOutput: "onset",
    classes: ["kick", "snare"],
    thresholds: { kick: 0.5, snare: 0.5 },
    source: "drums",
    minGapMs: 30,
  },
};

// The fake separator puts the input in the drum stem; the fake transcriber fires "kick" at every
// sample above 0.9 and "snare" at every sample below -0.9 (one frame per hop).
const sessions: Record<string, ModelSession> = {
  sep: {
    inputNames: ["audio"],
    outputNames: ["drums", "acc"],
    async run({ audio }) {
      return {
        drums: { data: audio!.data.slice(), dims: audio!.dims },
        acc: { data: new Float32Array(audio!.data.length), dims: audio!.dims },
      };
    },
    async release() {},
  },
  trans: {
    inputNames: ["audio"],
    outputNames: ["onset"],
    async run({ audio }) {
      const x = audio!.data;
      const frames = Math.floor(x.length / hop) + 1;
      const out = new Float32Array(frames * 2);
      for (let t = 0; t < frames; t++) {
        const v = x[t * hop] ?? 0;
        out[t * 2] = v > 0.9 ? 0.95 : 0.01;
        out[t * 2 + 1] = v < -0.9 ? 0.9 : 0.01;
      }
      return { onset: { data: out, dims: [1, frames, 2] } };
    },
    async release() {},
  },
};

const backend: InferenceBackend = { name: "node-cpu", createSession: async () => sessions.trans! };

describe("generateChart", () => {
  it("separates, transcribes the drum stem and builds a chart with the notes and its metadata", async () => {
    // 12 s at 120 BPM: kick on beats 1 and 3, snare on 2 and 4.
    const seconds = 12;
    const audio = new Float32Array(seconds * sampleRate);
    const expected: { time: number; kind: string }[] = [];
    for (let beat = 0; beat < seconds * 2; beat++) {
      const i = beat * (sampleRate / 2);
      audio[i] = beat % 2 === 0 ? 1 : -1;
      expected.push({ time: beat * 500, kind: beat % 2 === 0 ? "kick" : "snare" });
    }
    const events: ProgressEvent[] = [];
    const result = await generateChart(
      new AbortController().signal,
      {
        audio,
        sampleRate,
        source: { durationMs: seconds * 1000, sampleRate: 44_100, filename: "groove.wav" },
      },
      {
        backend,
        models,
        session: async (_signal, spec, report) => {
          report(1);
          return sessions[spec.name]!;
        },
      },
      (e) => events.push(e),
    );
    const notes = result.beatmap.HitObjects;
    expect(notes.map((n) => n.Component)).toEqual(expected.map((e) => e.kind));
    for (const [i, note] of notes.entries())
      expect(Math.abs(note.Time - expected[i]!.time)).toBeLessThanOrEqual(5);
    expect(result.beatmap.Timing?.Bpm).toBeCloseTo(120, 0);
    expect(result.stems?.drums.length).toBe(audio.length);
    expect(result.beatmap.Editor?.AiGenerationMetadata).toMatchObject({
      backend: "node-cpu",
      "model.trans": "test",
      "model.sep": "test",
    });
    expect(events.map((e) => e.stage)).toEqual(
      expect.arrayContaining(["load-models", "separate", "transcribe", "post-process"]),
    );
    expect(events.at(-1)?.fraction).toBeCloseTo(1, 6);
  });

  it("charts the articulations and calibrated velocities of a model that has them (1.9.0)", async () => {
    // Snare on every beat; the articulation head calls every second one a rimshot.
    const seconds = 6;
    const audio = new Float32Array(seconds * sampleRate);
    for (let beat = 0; beat < seconds * 2; beat++) audio[beat * (sampleRate / 2)] = -1;
    const rimEvery = (frame: number) => Math.round(frame / 50) % 2 === 1;
    const articulated: ModelSession = {
      ...sessions.trans!,
      outputNames: ["onset", "velocity", "articulation"],
      async run(feeds) {
        const out = await sessions.trans!.run(feeds);
        const frames = out.onset!.dims[1]!;
        const art = new Float32Array(frames * 2);
        const velocity = new Float32Array(frames * 2).fill(0.5);
        for (let t = 0; t < frames; t++) {
          const rim = rimEvery(t);
          art[t * 2] = rim ? 0.2 : 0.8;
          art[t * 2 + 1] = rim ? 0.8 : 0.2;
        }
        return {
          ...out,
          velocity: { data: velocity, dims: [1, frames, 2] },
          articulation: { data: art, dims: [1, frames, 2] },
        };
      },
    };
    const spec = {
      ...models.transcriber,
      // One chunk, so frame numbers are song frames for the fake head above.
      chunkSeconds: 10,
      velocityOutput: "velocity",
      articulations: {
        output: "articulation",
        groups: [{ class: "snare", components: ["snare", "snare_rimshot"] }],
      },
      calibration: {
        velocity: {
          snare: [
            [0, 0],
            [0.5, 0.9],
            [1, 1],
          ],
        },
      },
    } satisfies PipelineModels["transcriber"];
    const result = await generateChart(
      new AbortController().signal,
      { audio, sampleRate, source: { durationMs: seconds * 1000, sampleRate: 44_100 } },
      { backend, models: { transcriber: spec }, session: async () => articulated },
    );
    const notes = result.beatmap.HitObjects;
    expect(notes).toHaveLength(seconds * 2);
    expect(notes.map((n) => n.Component)).toEqual(
      notes.map((_, i) => (i % 2 === 1 ? "snare_rimshot" : "snare")),
    );
    // The head says 0.5 everywhere; the map says that is an accent when played.
    expect(new Set(notes.map((n) => n.Velocity))).toEqual(new Set([0.9]));
  });

  it("refuses audio at the wrong rate instead of producing a wrong chart", async () => {
    await expect(
      generateChart(
        new AbortController().signal,
        { audio: new Float32Array(100), sampleRate: 44_100, source: { durationMs: 1, sampleRate: 44_100 } },
        { backend, models, session: async () => sessions.trans! },
      ),
    ).rejects.toThrow(/expects 8000 Hz/);
  });
});
