import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { requireTools } from "../fingerprint/test-support.ts";
import { downmixToMono, floatToInt16 } from "./pcm.ts";
import { resampleSwrCompat } from "./resample.ts";

function tone(rate: number, seconds: number, hz: number, amp = 0.5): Float32Array {
  const out = new Float32Array(Math.round(rate * seconds));
  for (let i = 0; i < out.length; i++) out[i] = amp * Math.sin((2 * Math.PI * hz * i) / rate);
  return out;
}

describe("resampleSwrCompat", () => {
  it("produces out/in as many samples and keeps DC and in-band tones", () => {
    const dc = new Float32Array(44100).fill(0.25);
    const out = resampleSwrCompat(dc, 44100, 11025);
    expect(out.length).toBe(11025);
    expect(out[5000]).toBeCloseTo(0.25, 4);
    const sine = resampleSwrCompat(tone(48000, 1, 440), 48000, 11025);
    expect(sine.length).toBe(11025);
    const peak = Math.max(...sine.subarray(1000, 10000));
    expect(peak).toBeGreaterThan(0.49);
    expect(peak).toBeLessThan(0.51);
  });

  it("removes content above the new Nyquist", () => {
    const high = resampleSwrCompat(tone(44100, 1, 8000), 44100, 11025);
    expect(Math.max(...high.subarray(1000, 10000).map(Math.abs))).toBeLessThan(0.001);
  });

  it("matches FFmpeg's aresample in chromaprint's compatible mode within one LSB", () => {
    requireTools("ffmpeg");
    const input = tone(44100, 3, 330, 0.3).map((v, i) => v + 0.2 * Math.sin(i / 7));
    const ref = execFileSync(
      "ffmpeg",
      [
        "-v",
        "error",
        "-f",
        "f32le",
        "-ar",
        "44100",
        "-ac",
        "1",
        "-i",
        "pipe:0",
        "-af",
        "aresample=resampler=swr:osr=11025:osf=s16:filter_size=16:phase_shift=8:linear_interp=1:cutoff=0.8",
        "-f",
        "s16le",
        "pipe:1",
      ],
      { input: Buffer.from(input.buffer) },
    );
    const expected = new Int16Array(ref.buffer.slice(ref.byteOffset, ref.byteOffset + ref.length));
    const ours = floatToInt16(resampleSwrCompat(input, 44100, 11025));
    expect(ours.length).toBe(expected.length);
    let off = 0;
    for (let i = 0; i < expected.length - 16; i++) {
      const d = Math.abs(ours[i]! - expected[i]!);
      expect(d).toBeLessThanOrEqual(1);
      if (d) off++;
    }
    expect(off / expected.length).toBeLessThan(0.01);
  });
});

describe("pcm helpers", () => {
  it("downmixes stereo as the mean and converts like swr", () => {
    const mono = downmixToMono([Float32Array.from([1, 0.5]), Float32Array.from([0, -0.5])]);
    expect(Array.from(mono)).toEqual([0.5, 0]);
    expect(Array.from(floatToInt16(Float32Array.from([1, -1, 0.5, 2])))).toEqual([
      32767, -32768, 16384, 32767,
    ]);
  });
});
