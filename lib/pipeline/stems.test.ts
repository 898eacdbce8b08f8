import { describe, expect, it } from "vitest";
import { stemsAtSourceRate } from "./stems.ts";

describe("stemsAtSourceRate", () => {
  const sourceRate = 44_100;
  const modelRate = 22_050;
  const seconds = 1;
  // Drums: a burst in the first half; accompaniment: a steady 220 Hz tone; plus a 15 kHz hiss the
  // model (at 22 050 Hz) cannot represent.
  const drumsSrc = Float32Array.from({ length: sourceRate * seconds }, (_, i) =>
    i < sourceRate / 2 ? 0.5 * Math.sin((2 * Math.PI * 100 * i) / sourceRate) : 0,
  );
  const accSrc = Float32Array.from(
    { length: sourceRate * seconds },
    (_, i) => 0.3 * Math.sin((2 * Math.PI * 220 * i) / sourceRate),
  );
  const hiss = Float32Array.from(
    { length: sourceRate * seconds },
    (_, i) => 0.05 * Math.sin((2 * Math.PI * 15_000 * i) / sourceRate),
  );
  const left = drumsSrc.map((d, i) => d + (accSrc[i] ?? 0) + (hiss[i] ?? 0));
  const right = drumsSrc.map((d, i) => 0.8 * d + (accSrc[i] ?? 0));
  const down = (x: Float32Array) => x.filter((_, i) => i % 2 === 0);
  const stems = { sampleRate: modelRate, drums: down(drumsSrc), accompaniment: down(accSrc) };

  it("returns stereo stems at the song's rate that add up to the original exactly", () => {
    const out = stemsAtSourceRate([left, right], sourceRate, stems);
    expect(out.sampleRate).toBe(sourceRate);
    expect(out.drums).toHaveLength(2);
    for (const [c, channel] of [left, right].entries()) {
      expect(out.drums[c]!.length).toBe(channel.length);
      let maxError = 0;
      for (let i = 0; i < channel.length; i++) {
        maxError = Math.max(
          maxError,
          Math.abs((out.drums[c]![i] ?? 0) + (out.accompaniment[c]![i] ?? 0) - (channel[i] ?? 0)),
        );
      }
      expect(maxError).toBeLessThan(1e-6);
    }
  });

  it("keeps the drums in the drum stem and out of the accompaniment", () => {
    const out = stemsAtSourceRate([left, right], sourceRate, stems);
    const energy = (x: Float32Array, from: number, to: number) => {
      let e = 0;
      for (let i = from; i < to; i++) e += (x[i] ?? 0) ** 2;
      return e;
    };
    const secondHalf = [sourceRate / 2 + 2000, sourceRate] as const;
    // Where there are no drums, the drum stem is near silent.
    expect(energy(out.drums[1]!, ...secondHalf)).toBeLessThan(
      0.01 * energy(out.accompaniment[1]!, ...secondHalf),
    );
    // In the first half, the drum stem carries the drum signal.
    const firstHalf = [2000, sourceRate / 2 - 2000] as const;
    const drumError = energy(
      out.drums[1]!.map((v, i) => v - 0.8 * (drumsSrc[i] ?? 0)),
      ...firstHalf,
    );
    expect(drumError).toBeLessThan(0.05 * energy(drumsSrc, ...firstHalf));
  });
});
