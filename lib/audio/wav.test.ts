import { describe, expect, it } from "vitest";
import { decodeWav16, encodeWav16 } from "./wav.ts";

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

describe("decodeWav16", () => {
  it("reads back what encodeWav16 wrote, to 16-bit precision", () => {
    const left = Float32Array.from({ length: 1000 }, (_, i) => Math.sin(i / 7) * 0.8);
    const right = Float32Array.from({ length: 1000 }, (_, i) => Math.cos(i / 5) * 0.3);
    const decoded = decodeWav16(encodeWav16([left, right], 44_100))!;
    expect(decoded.sampleRate).toBe(44_100);
    expect(decoded.channels).toHaveLength(2);
    for (const [c, original] of [left, right].entries()) {
      expect(decoded.channels[c]).toHaveLength(1000);
      const worst = Math.max(...original.map((x, i) => Math.abs(x - decoded.channels[c]![i]!)));
      expect(worst).toBeLessThanOrEqual(0.5 / 32767 + 1e-7);
    }
  });

  it("skips chunks it does not know, before the data", () => {
    const wav = encodeWav16([Float32Array.of(0.5, -0.5)], 8000);
    // RIFF header and fmt chunk, then a 3-byte "LIST" chunk (padded to 4), then the data chunk.
    const extra = Uint8Array.of(0x4c, 0x49, 0x53, 0x54, 3, 0, 0, 0, 1, 2, 3, 0);
    const spliced = new Uint8Array([...wav.subarray(0, 36), ...extra, ...wav.subarray(36)]);
    expect([...(decodeWav16(spliced)?.channels[0] ?? [])]).toEqual(
      [16384 / 32767, -16383 / 32767].map(Math.fround),
    );
  });

  it("answers null for files it cannot read (they are kept as they are)", () => {
    expect(decodeWav16(new TextEncoder().encode("OggS and more bytes than a header"))).toBeNull();
    const float = encodeWav16([Float32Array.of(0)], 8000);
    new DataView(float.buffer).setUint16(34, 32, true); // 32-bit samples
    expect(decodeWav16(float)).toBeNull();
  });
});
