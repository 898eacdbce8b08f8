import { describe, expect, it } from "vitest";
import { parseWavDeclaredSeconds } from "./inspect-node.ts";

/** RIFF/WAVE with a 16-byte fmt chunk (44.1 kHz stereo 16-bit), optional chunks, then a data header. */
function wav(dataBytes: number, extra: Buffer[] = []): Uint8Array {
  const fmt = Buffer.alloc(24);
  fmt.write("fmt ", 0, "ascii");
  fmt.writeUInt32LE(16, 4);
  fmt.writeUInt16LE(1, 8);
  fmt.writeUInt16LE(2, 10);
  fmt.writeUInt32LE(44100, 12);
  fmt.writeUInt32LE(44100 * 4, 16);
  fmt.writeUInt16LE(4, 20);
  fmt.writeUInt16LE(16, 22);
  const data = Buffer.alloc(8);
  data.write("data", 0, "ascii");
  data.writeUInt32LE(dataBytes, 4);
  return Buffer.concat([Buffer.from("RIFF\0\0\0\0WAVE", "ascii"), fmt, ...extra, data]);
}

describe("parseWavDeclaredSeconds", () => {
  it("reads the data chunk's promise in seconds", () => {
    expect(parseWavDeclaredSeconds(wav(44100 * 4 * 3))).toBe(3);
  });

  it("skips chunks before data (LIST, odd sizes padded)", () => {
    const list = Buffer.concat([
      Buffer.from("LIST", "ascii"),
      Buffer.from([5, 0, 0, 0]),
      Buffer.from("INFOx\0"),
    ]);
    expect(parseWavDeclaredSeconds(wav(44100 * 4 * 10, [list]))).toBe(10);
  });

  it("gives null for sizes streaming writers leave unknown, and for non-WAV bytes", () => {
    expect(parseWavDeclaredSeconds(wav(0))).toBeNull();
    expect(parseWavDeclaredSeconds(wav(0xffffffff))).toBeNull();
    expect(parseWavDeclaredSeconds(Buffer.from("OggS and more bytes here", "ascii"))).toBeNull();
  });
});
