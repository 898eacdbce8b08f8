import { describe, expect, it } from "vitest";
import { grooveChart } from "../beatmap/testing.ts";
import { alignToChart, attackEnvelopes, shiftSamples } from "./audio-align.ts";

const SR = 22_050;

/** A recording of the chart: a decaying low thump per kick, a noise burst per other note, 30 dB of hiss. */
function render(notes: { Time: number; Component: string }[], leadMs: number, seconds: number): Float32Array {
  let seed = 7;
  const noise = () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
    return seed / 2 ** 30 - 1;
  };
  const out = Float32Array.from({ length: seconds * SR }, () => 0.01 * noise());
  for (const n of notes) {
    const start = Math.round(((n.Time + leadMs) / 1000) * SR);
    for (let i = 0; i < SR * 0.15 && start + i < out.length; i++) {
      if (start + i < 0) continue;
      const decay = Math.exp(-i / (SR * 0.03));
      out[start + i]! +=
        n.Component === "kick" ? 0.6 * decay * Math.sin((2 * Math.PI * 60 * i) / SR) : 0.3 * decay * noise();
    }
  }
  return out;
}

describe("alignToChart", () => {
  const chart = grooveChart({ bars: 8, bpm: 128, offsetMs: 600 });
  const seconds = Math.ceil((chart.Audio.Duration ?? 0) / 1000) + 3;

  it.each([-110, -62, 0, 35, 110])("finds a 1,234 ms lead from a coarse guess %i ms off", (error) => {
    const envelopes = attackEnvelopes([render(chart.HitObjects, 1_234, seconds)], SR);
    const a = alignToChart(envelopes, chart.HitObjects, 1_234 + error);
    expect(a.refined).toBe(true);
    expect(Math.abs(a.offsetMs - 1_234)).toBeLessThanOrEqual(4);
  });

  it("averages a stereo file's channels", () => {
    const mono = render(chart.HitObjects, -400, seconds);
    const a = alignToChart(attackEnvelopes([mono, mono.map((x) => 0.5 * x)], SR), chart.HitObjects, -450);
    expect(Math.abs(a.offsetMs + 400)).toBeLessThanOrEqual(4);
  });

  it("keeps the coarse offset when the recording has no attacks or the chart too few notes", () => {
    const hiss = render([], 0, seconds);
    expect(alignToChart(attackEnvelopes([hiss], SR), chart.HitObjects, 250)).toMatchObject({
      offsetMs: 250,
      refined: false,
    });
    const drums = attackEnvelopes([render(chart.HitObjects, 0, seconds)], SR);
    expect(alignToChart(drums, chart.HitObjects.slice(0, 3), 40)).toMatchObject({
      offsetMs: 40,
      refined: false,
    });
  });
});

describe("shiftSamples", () => {
  const x = Float32Array.from([1, 2, 3, 4]);
  it("drops the lead of a file that starts before the chart and pads one that starts into it", () => {
    // One sample a second: 2,000 ms is two samples.
    expect(Array.from(shiftSamples(x, 2_000, 1))).toEqual([3, 4]);
    expect(Array.from(shiftSamples(x, -1_000, 1))).toEqual([0, 1, 2, 3, 4]);
    expect(shiftSamples(x, 0, 1)).toBe(x);
    expect(shiftSamples(x, 9_000, 1)).toHaveLength(0);
  });
});
