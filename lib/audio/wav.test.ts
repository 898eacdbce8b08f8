import { describe, expect, it } from "vitest";
import { encodeWav16 } from "./wav.ts";

describe("encodeWav16", () => {
  it("writes a RIFF/WAVE header and interleaved, clipped 16-bit samples", () => {
    const wav = encodeWav16([Float32Array.of(0, 1, -1, 2), Float32Array.of(0.5, -0.5, 0, -2)], 22_050);
    const view = new DataView(wav.buffer);
    const text = (o: number, n: number) => String.fromCharCode(...wav.subarray(o, o + n));
    expect(text(0, 4)).toBe("RIFF");
    expect(text(8, 4)).toBe("WAVE");
    expect(view.getUint16(22, true)).toBe(2);
    expect(view.getUint32(24, true)).toBe(22_050);
    expect(view.getUint32(40, true)).toBe(4 * 2 * 2);
    const samples = Array.from({ length: 8 }, (_, i) => view.getInt16(44 + i * 2, true));
    expect(samples).toEqual([0, 16384, 32767, -16383, -32767, 0, 32767, -32767]);
  });
});
