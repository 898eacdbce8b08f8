import { describe, expect, it } from "vitest";
import { decompressFingerprint } from "./compress.ts";
import { loadChromaprintNode } from "./wasm-source-node.ts";
import { createFingerprintHandler, type FingerprintResponse } from "./worker-protocol.ts";

function chordAudio(seconds: number, rate = 44100): Float32Array[] {
  const n = seconds * rate;
  const left = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const t = i / rate;
    const bar = Math.floor(t / 2) % 4;
    const root = [220, 196, 174.6, 246.9][bar]!;
    left[i] =
      0.2 *
      (Math.sin(2 * Math.PI * root * t) +
        Math.sin(2 * Math.PI * root * 1.26 * t) +
        Math.sin(2 * Math.PI * root * 1.5 * t));
    if (t % 0.5 < 0.05) left[i]! += 0.3 * Math.sin(2 * Math.PI * 60 * t);
  }
  return [left, left.slice()];
}

function collect() {
  const messages: FingerprintResponse[] = [];
  const handle = createFingerprintHandler(loadChromaprintNode, (m) => messages.push(m));
  return { messages, handle };
}

describe("fingerprint worker handler", () => {
  it("reports progress, then a result whose compressed form decodes to the raw items", async () => {
    const { messages, handle } = collect();
    await handle({ type: "fingerprint", id: 7, audio: { sampleRate: 44100, channels: chordAudio(12) } });
    expect(messages.map((m) => m.type)).toEqual(["progress", "progress", "result"]);
    const result = messages[2]!;
    if (result.type !== "result") throw new Error("expected a result");
    expect(result.id).toBe(7);
    expect(result.durationSeconds).toBeCloseTo(12, 3);
    expect(result.raw.length).toBeGreaterThan(60); // ~8 items per second, minus the filter warm-up
    expect(Array.from(decompressFingerprint(result.compressed).raw)).toEqual(Array.from(result.raw));
  });

  it("answers silence and too-short audio with typed errors", async () => {
    const { messages, handle } = collect();
    await handle({
      type: "fingerprint",
      id: 1,
      audio: { sampleRate: 44100, channels: [new Float32Array(44100 * 10)] },
    });
    await handle({ type: "fingerprint", id: 2, audio: { sampleRate: 44100, channels: chordAudio(2) } });
    expect(messages.filter((m) => m.type === "error")).toMatchObject([
      { id: 1, code: "silent" },
      { id: 2, code: "too-short" },
    ]);
  });
});
