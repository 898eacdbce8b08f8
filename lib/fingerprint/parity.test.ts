// Parity with the reference: Debian's fpcalc on the same files, side by side.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { planarToMono11025 } from "../audio/to-mono-11025.ts";
import { fingerprintPcm } from "./chromaprint.ts";
import { identicalBitShare } from "./compare.ts";
import { compressFingerprint, decompressFingerprint } from "./compress.ts";
import { fingerprintFile } from "./node.ts";
import {
  fpcalcCompressed,
  fpcalcRaw,
  makeTempDir,
  renderSong,
  requireTools,
  transcode,
} from "./test-support.ts";
import { loadChromaprintNode } from "./wasm-source-node.ts";

const PARITY = 0.999;
let tmp: ReturnType<typeof makeTempDir>;
const files: Record<string, string> = {};

beforeAll(() => {
  requireTools("fpcalc", "ffmpeg", "sox");
  tmp = makeTempDir();
  const a = renderSong(tmp.dir, 1, 25);
  const b = renderSong(tmp.dir, 2, 40);
  files.wav44 = a;
  files.mp3 = transcode(b, join(tmp.dir, "b.mp3"), ["-b:a", "128k"]);
  files.ogg48 = transcode(a, join(tmp.dir, "a48.ogg"), ["-ar", "48000", "-c:a", "libvorbis", "-q:a", "4"]);
  files.mono11025 = transcode(b, join(tmp.dir, "b11025.wav"), ["-ac", "1", "-ar", "11025"]);
}, 60_000);

afterAll(() => tmp?.cleanup());

describe("fingerprintFile (Node: FFmpeg decode + Chromaprint WASM) vs fpcalc", () => {
  for (const name of ["mono11025", "wav44", "mp3", "ogg48"]) {
    it(`${name}: ≥ 99.9 % identical raw bits and the same compressed string`, async () => {
      const file = files[name]!;
      const ours = await fingerprintFile(file);
      const ref = fpcalcRaw(file);
      expect(ours.raw.length).toBe(ref.raw.length);
      expect(identicalBitShare(ours.raw, ref.raw)).toBeGreaterThanOrEqual(PARITY);
      expect(Math.trunc(ours.durationSeconds)).toBe(ref.duration);
      if (identicalBitShare(ours.raw, ref.raw) === 1) expect(ours.compressed).toBe(fpcalcCompressed(file));
    });
  }

  it("compressFingerprint / decompressFingerprint agree with fpcalc's strings", () => {
    for (const file of [files.mp3!, files.wav44!]) {
      const compressed = fpcalcCompressed(file);
      const { raw } = fpcalcRaw(file);
      expect(Array.from(decompressFingerprint(compressed).raw)).toEqual(Array.from(raw));
      expect(compressFingerprint(raw)).toBe(compressed);
    }
  });

  it("is bit-identical on the same 11025 Hz mono PCM", async () => {
    const ours = await fingerprintFile(files.mono11025!);
    expect(Array.from(ours.raw)).toEqual(Array.from(fpcalcRaw(files.mono11025!).raw));
  });
});

describe("worker path (float PCM → swr-compatible resample in TS → Chromaprint) vs fpcalc", () => {
  // What a browser hands the worker: float channels at the file's rate (FFmpeg stands in for
  // decodeAudioData here; Chromium decodes mp3/ogg/aac with FFmpeg too).
  function decodeFloat(file: string, rate: number): Float32Array[] {
    const bytes = execFileSync(
      "ffmpeg",
      ["-v", "error", "-i", file, "-f", "f32le", "-ac", "2", "-ar", String(rate), "pipe:1"],
      {
        maxBuffer: 256 * 1024 * 1024,
      },
    );
    const interleaved = new Float32Array(
      bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length),
    );
    const left = new Float32Array(interleaved.length / 2);
    const right = new Float32Array(interleaved.length / 2);
    for (let i = 0; i < left.length; i++) {
      left[i] = interleaved[2 * i]!;
      right[i] = interleaved[2 * i + 1]!;
    }
    return [left, right];
  }

  for (const [name, rate] of [
    ["mp3", 44100],
    ["ogg48", 48000],
  ] as const) {
    it(`${name}: ≥ 99.9 % identical raw bits`, async () => {
      const engine = await loadChromaprintNode();
      const pcm = planarToMono11025({ sampleRate: rate, channels: decodeFloat(files[name]!, rate) });
      const ours = fingerprintPcm(engine, pcm.samples, { sampleRate: pcm.sampleRate, channels: 1 });
      const ref = fpcalcRaw(files[name]!);
      expect(identicalBitShare(ours.raw, ref.raw)).toBeGreaterThanOrEqual(PARITY);
    });
  }
});

describe("public/wasm/chromaprint.wasm", () => {
  it("is the same file the Node path loads (copy refreshed with the package)", async () => {
    const { chromaprintWasmPath } = await import("./wasm-source-node.ts");
    const shipped = readFileSync(join(import.meta.dirname, "../../public/wasm/chromaprint.wasm"));
    expect(shipped.equals(readFileSync(chromaprintWasmPath()))).toBe(true);
  });
});
