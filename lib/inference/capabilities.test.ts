import { describe, expect, it } from "vitest";
import { type Capabilities, chooseBackend, probeCapabilities, wasmThreads } from "./capabilities.ts";

const base: Capabilities = {
  webgpu: true,
  gpuDescription: "nvidia ampere",
  webassembly: true,
  crossOriginIsolated: true,
  logicalCores: 8,
  deviceMemoryGb: 8,
  storageAvailableBytes: 1e9,
};
const req = { downloadBytes: 12e6, minMemoryGb: 2 };

describe("chooseBackend", () => {
  it("prefers WebGPU, then WASM, then the server", () => {
    expect(chooseBackend(base, req).choice).toBe("webgpu");
    expect(chooseBackend({ ...base, webgpu: false }, req).choice).toBe("wasm");
    expect(chooseBackend({ ...base, webgpu: false, webassembly: false }, req).choice).toBe("server");
  });

  it("offers the server first on devices too small for the models, and says why", () => {
    const lowMemory = chooseBackend({ ...base, deviceMemoryGb: 1 }, req);
    expect(lowMemory.choice).toBe("server");
    expect(lowMemory.options[0]?.reason).toMatch(/1 GB of memory/);
    const noStorage = chooseBackend({ ...base, storageAvailableBytes: 5e6 }, req);
    expect(noStorage.choice).toBe("server");
    expect(noStorage.options[1]?.reason).toMatch(/not enough free storage/);
  });

  it("sends weak devices (no WebGPU, no WASM threads) to the server when it is offered", () => {
    const weak = { ...base, webgpu: false, crossOriginIsolated: false };
    expect(chooseBackend(weak, req).choice).toBe("server");
    expect(chooseBackend(weak, { ...req, serverOffered: false }).choice).toBe("wasm");
    expect(chooseBackend({ ...base, webgpu: false }, req).choice).toBe("wasm");
    const none = chooseBackend(
      { ...base, webgpu: false, webassembly: false },
      { ...req, serverOffered: false },
    );
    expect(none.options.find((o) => o.choice === "server")?.possible).toBe(false);
  });

  it("treats unknown memory and storage as sufficient (Firefox and Safari do not report them)", () => {
    expect(chooseBackend({ ...base, deviceMemoryGb: null, storageAvailableBytes: null }, req).choice).toBe(
      "webgpu",
    );
  });

  it("uses threads only when the page is cross-origin isolated", () => {
    expect(wasmThreads({ crossOriginIsolated: false, logicalCores: 8 })).toBe(1);
    expect(wasmThreads({ crossOriginIsolated: true, logicalCores: 8 })).toBe(4);
    expect(wasmThreads({ crossOriginIsolated: true, logicalCores: 2 })).toBe(1);
  });
});

describe("probeCapabilities", () => {
  it("reads WebGPU, memory, cores and storage from the navigator", async () => {
    const nav = {
      gpu: { requestAdapter: async () => ({ info: { vendor: "intel", architecture: "gen-12lp" } }) },
      hardwareConcurrency: 4,
      deviceMemory: 4,
      storage: { estimate: async () => ({ quota: 2e9, usage: 5e8 }) },
    } as unknown as Navigator;
    const caps = await probeCapabilities(nav, { crossOriginIsolated: true, WebAssembly: {} });
    expect(caps).toEqual({
      webgpu: true,
      gpuDescription: "intel gen-12lp",
      webassembly: true,
      crossOriginIsolated: true,
      logicalCores: 4,
      deviceMemoryGb: 4,
      storageAvailableBytes: 1.5e9,
    });
  });

  it("survives a browser without WebGPU or storage estimates", async () => {
    const nav = { hardwareConcurrency: 2 } as unknown as Navigator;
    const caps = await probeCapabilities(nav, { WebAssembly: {} });
    expect(caps.webgpu).toBe(false);
    expect(caps.storageAvailableBytes).toBeNull();
    expect(caps.crossOriginIsolated).toBe(false);
  });
});
