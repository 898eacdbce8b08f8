import { describe, expect, it } from "vitest";
import {
  backendsToMeasure,
  type DeviceMeasurement,
  deviceKey,
  estimateSeconds,
  measuredRates,
  rememberedFor,
  secondsPerAudioSecond,
  withTiming,
} from "./backend-choice.ts";
import { type Capabilities, chooseBackend } from "./capabilities.ts";

const gpuDevice: Capabilities = {
  webgpu: true,
  gpuDescription: "intel gen-12lp",
  gpuSoftware: false,
  webassembly: true,
  crossOriginIsolated: true,
  logicalCores: 8,
  deviceMemoryGb: 8,
  storageAvailableBytes: 1e9,
};
const swiftshader: Capabilities = { ...gpuDevice, gpuDescription: "google swiftshader", gpuSoftware: true };
const noGpu: Capabilities = { ...gpuDevice, webgpu: false, gpuDescription: null };
const req = { downloadBytes: 9e6, minMemoryGb: 2, serverOffered: true };

/** A fake device: how long each backend's probe takes there (what the worker would report). */
function timingOn(backend: "webgpu" | "wasm", probeSeconds: { separator: number; transcriber: number }) {
  return {
    backend,
    secondsPerAudioSecond: secondsPerAudioSecond([
      { seconds: probeSeconds.separator, audioSeconds: 3, chunkSeconds: 11.89, overlapSeconds: 2 },
      { seconds: probeSeconds.transcriber, audioSeconds: 3, chunkSeconds: 30, overlapSeconds: 2 },
    ]),
    warmUpSeconds: 1,
  };
}

/** The page's loop: decide, measure what is missing, remember, decide again. */
function decideByMeasuring(
  caps: Capabilities,
  probe: Record<"webgpu" | "wasm", { separator: number; transcriber: number }>,
  stored: DeviceMeasurement | null = null,
) {
  const device = deviceKey(caps);
  let remembered = rememberedFor(stored, device, "models-1");
  const first = chooseBackend(caps, { ...req, measured: measuredRates(remembered) });
  const measuredNow = backendsToMeasure(caps, first, remembered);
  for (const backend of measuredNow) {
    remembered = withTiming(remembered, device, "models-1", timingOn(backend, probe[backend]), 1000);
  }
  return {
    measuredNow,
    remembered,
    choice: chooseBackend(caps, { ...req, measured: measuredRates(remembered) }).choice,
  };
}

describe("backend choice by measurement", () => {
  it("a software adapter is never measured against the CPU: WASM is recommended and timed", () => {
    const result = decideByMeasuring(swiftshader, {
      webgpu: { separator: 300, transcriber: 40 }, // ~100x slower: never run
      wasm: { separator: 1.2, transcriber: 0.2 },
    });
    expect(result.measuredNow).toEqual(["wasm"]);
    expect(result.choice).toBe("wasm");
  });

  it("a real GPU that loses to four WASM threads is not recommended once both are timed", () => {
    const slowGpu = decideByMeasuring(gpuDevice, {
      webgpu: { separator: 2.4, transcriber: 0.5 },
      wasm: { separator: 1.2, transcriber: 0.2 },
    });
    expect(slowGpu.measuredNow).toEqual(["wasm", "webgpu"]);
    expect(slowGpu.choice).toBe("wasm");
    const fastGpu = decideByMeasuring(gpuDevice, {
      webgpu: { separator: 0.1, transcriber: 0.02 },
      wasm: { separator: 1.2, transcriber: 0.2 },
    });
    expect(fastGpu.choice).toBe("webgpu");
  });

  it("remembers the result per device and per model files: a second visit measures nothing", () => {
    const probe = {
      webgpu: { separator: 0.1, transcriber: 0.02 },
      wasm: { separator: 1.2, transcriber: 0.2 },
    };
    const first = decideByMeasuring(gpuDevice, probe);
    const again = decideByMeasuring(gpuDevice, probe, first.remembered);
    expect(again.measuredNow).toEqual([]);
    expect(again.choice).toBe("webgpu");
    // Another GPU (or other models) is measured afresh.
    const otherGpu = { ...gpuDevice, gpuDescription: "amd rdna-3" };
    expect(decideByMeasuring(otherGpu, probe, first.remembered).measuredNow).toEqual(["wasm", "webgpu"]);
    expect(rememberedFor(first.remembered, deviceKey(gpuDevice), "models-2")).toBeNull();
  });

  it("without WebGPU only the recommended backend is timed, for its estimate; the server needs none", () => {
    const cpu = decideByMeasuring(noGpu, {
      webgpu: { separator: 0, transcriber: 0 },
      wasm: { separator: 1.2, transcriber: 0.2 },
    });
    expect(cpu.measuredNow).toEqual(["wasm"]);
    const weak = { ...noGpu, crossOriginIsolated: false };
    const decision = chooseBackend(weak, req);
    expect(decision.choice).toBe("server");
    expect(backendsToMeasure(weak, decision, null)).toEqual([]);
  });

  it("counts chunk overlap: a song costs more model work than its length alone", () => {
    // 1 s per 3 s of audio on a model with 12 s chunks overlapping by 2 s: 1/3 × 12/10.
    expect(
      secondsPerAudioSecond([{ seconds: 1, audioSeconds: 3, chunkSeconds: 12, overlapSeconds: 2 }]),
    ).toBeCloseTo(0.4, 6);
    expect(
      secondsPerAudioSecond([
        { seconds: 1, audioSeconds: 3, chunkSeconds: 12, overlapSeconds: 2 },
        { seconds: 0.3, audioSeconds: 3, chunkSeconds: 30, overlapSeconds: 0 },
      ]),
    ).toBeCloseTo(0.5, 6);
  });

  it("estimates a song's time from the measured rate, plus what is still to download", () => {
    const timing = { secondsPerAudioSecond: 0.1 };
    // A 4-minute song at 0.1 s per second: 24 s of model work, ~5 s more for decoding and the chart.
    expect(estimateSeconds(timing, 240)).toBeCloseTo(240 * 0.12 + 1, 6);
    expect(estimateSeconds(timing, 240, 8.8e6) - estimateSeconds(timing, 240)).toBeCloseTo(4.4, 6);
    // SwiftShader-like rates give the minutes the issue saw; the CPU's give seconds.
    expect(estimateSeconds({ secondsPerAudioSecond: 2.6 }, 300)).toBeGreaterThan(600);
  });
});
