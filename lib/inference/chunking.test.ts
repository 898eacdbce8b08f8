import { describe, expect, it } from "vitest";
import { chunkInput, planChunks, stitchFrames, stitchSamples } from "./chunking.ts";

describe("planChunks", () => {
  it("tiles the audio exactly with keep regions", () => {
    for (const total of [1, 999, 1000, 1001, 5000, 123_457]) {
      const chunks = planChunks(total, { chunkSamples: 1000, overlapSamples: 200, align: 100 });
      expect(chunks[0]?.keepFrom).toBe(0);
      expect(chunks.at(-1)?.keepTo).toBe(total);
      for (let i = 1; i < chunks.length; i++) expect(chunks[i]?.keepFrom).toBe(chunks[i - 1]?.keepTo);
      for (const c of chunks) {
        expect(c.start % 100).toBe(0);
        expect(c.keepFrom).toBeGreaterThanOrEqual(c.start);
        expect(c.keepTo).toBeLessThanOrEqual(c.start + c.length);
        expect(c.length % 100).toBe(0);
      }
      // The last chunk covers what is left, not a whole chunk of padding.
      const last = chunks.at(-1)!;
      expect(last.start + last.length - total).toBeLessThan(100);
    }
  });

  it("rejects plans whose chunks would not line up with the model's frames", () => {
    expect(() => planChunks(10_000, { chunkSamples: 1000, overlapSamples: 150, align: 100 })).toThrow(
      /overlap/,
    );
    expect(() => planChunks(10_000, { chunkSamples: 1000, overlapSamples: 1000 })).toThrow(/shorter/);
  });
});

describe("stitching", () => {
  it("reassembles a frame-wise model output identical to one run over the whole signal", () => {
    const hop = 10;
    const total = 2345;
    const signal = Float32Array.from({ length: total }, (_, i) => Math.sin(i / 7));
    // A "model": per frame, the mean of the hop's samples and the frame's index parity (2 columns).
    const model = (input: Float32Array) => {
      const frames = input.length / hop;
      const out = new Float32Array(frames * 2);
      for (let f = 0; f < frames; f++) {
        let s = 0;
        for (let k = 0; k < hop; k++) s += input[f * hop + k] ?? 0;
        out[f * 2] = s / hop;
        out[f * 2 + 1] = f % 2;
      }
      return out;
    };
    const padded = new Float32Array(Math.ceil(total / hop) * hop);
    padded.set(signal);
    const whole = model(padded);
    const stitched = new Float32Array(whole.length).fill(Number.NaN);
    for (const chunk of planChunks(total, { chunkSamples: 400, overlapSamples: 100, align: 50 })) {
      stitchFrames(stitched, model(chunkInput(signal, chunk)), chunk, hop, 2);
    }
    for (let f = 0; f < whole.length / 2; f++)
      expect(stitched[f * 2]).toBeCloseTo(whole[f * 2] ?? Number.NaN, 6);
    expect(stitched.some(Number.isNaN)).toBe(false);
  });

  it("reassembles a waveform output without gaps", () => {
    const total = 1234;
    const signal = Float32Array.from({ length: total }, (_, i) => i);
    const out = new Float32Array(total).fill(-1);
    for (const chunk of planChunks(total, { chunkSamples: 300, overlapSamples: 60 })) {
      stitchSamples(out, chunkInput(signal, chunk), chunk);
    }
    expect(out).toEqual(signal);
  });
});
