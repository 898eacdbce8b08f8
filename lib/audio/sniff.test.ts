import { describe, expect, it } from "vitest";
import { sniffAudio } from "./sniff.ts";
import { encodeWav16 } from "./wav.ts";

const bytes = (...parts: (string | number[])[]) =>
  new Uint8Array(parts.flatMap((p) => (typeof p === "string" ? [...p].map((c) => c.charCodeAt(0)) : p)));

describe("sniffAudio", () => {
  it("recognises the audio containers BeatSight accepts", () => {
    expect(sniffAudio(encodeWav16([new Float32Array(10)], 44_100))).toEqual({ audio: true, format: "wav" });
    expect(sniffAudio(bytes("ID3", [4, 0, 0]))).toEqual({ audio: true, format: "mp3" });
    expect(sniffAudio(bytes([0xff, 0xfb, 0x90, 0x64]))).toEqual({ audio: true, format: "mp3" });
    expect(sniffAudio(bytes([0xff, 0xf1, 0x50, 0x80]))).toEqual({ audio: true, format: "aac" });
    expect(sniffAudio(bytes("fLaC"))).toEqual({ audio: true, format: "flac" });
    expect(sniffAudio(bytes("OggS", [0, 2]))).toEqual({ audio: true, format: "ogg" });
    expect(sniffAudio(bytes([0, 0, 0, 32], "ftypM4A "))).toEqual({ audio: true, format: "mp4" });
    expect(sniffAudio(bytes([0x1a, 0x45, 0xdf, 0xa3]))).toEqual({ audio: true, format: "webm" });
  });

  it("names what a non-audio file looks like", () => {
    expect(sniffAudio(bytes([0x89], "PNG\r\n"))).toEqual({ audio: false, looksLike: "a PNG image" });
    expect(sniffAudio(bytes("%PDF-1.7"))).toEqual({ audio: false, looksLike: "a PDF document" });
    expect(sniffAudio(bytes("hello, this is not a song\n"))).toEqual({
      audio: false,
      looksLike: "a text file",
    });
    expect(sniffAudio(bytes([0, 1, 2, 3, 200, 201]))).toEqual({ audio: false, looksLike: null });
    expect(sniffAudio(new Uint8Array(0))).toEqual({ audio: false, looksLike: null });
  });
});
