import { describe, expect, it } from "vitest";
import {
  type Capabilities,
  chooseBackend,
  isSoftwareAdapter,
  probeCapabilities,
  wasmThreads,
} from "./capabilities.ts";

const base: Capabilities = {
  webgpu: true,
  gpuDescription: "nvidia ampere",
  gpuSoftware: false,
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

  it("treats a software WebGPU adapter as no GPU: WASM is recommended, WebGPU stays selectable", () => {
    const swiftshader = { ...base, gpuDescription: "google swiftshader", gpuSoftware: true };
    const decision = chooseBackend(swiftshader, req);
    expect(decision.choice).toBe("wasm");
    const gpu = decision.options.find((o) => o.choice === "webgpu");
    expect(gpu?.possible).toBe(true);
    expect(gpu?.reason).toMatch(/not a GPU: a software renderer \(google swiftshader\)/);
    // Without WASM threads a software adapter does not make the device strong: the server is offered.
    expect(chooseBackend({ ...swiftshader, crossOriginIsolated: false }, req).choice).toBe("server");
  });

  it("recommends the faster backend once both are measured, whatever the adapter claims", () => {
    expect(chooseBackend(base, { ...req, measured: { webgpu: 0.9, wasm: 0.4 } }).choice).toBe("wasm");
    expect(chooseBackend(base, { ...req, measured: { webgpu: 0.05, wasm: 0.4 } }).choice).toBe("webgpu");
    // One timing alone decides nothing: the preference order stands.
    expect(chooseBackend(base, { ...req, measured: { wasm: 0.4 } }).choice).toBe("webgpu");
    // A measured backend that is not possible (too little memory) is never recommended.
    expect(
      chooseBackend({ ...base, deviceMemoryGb: 1 }, { ...req, measured: { webgpu: 0.05, wasm: 0.4 } }).choice,
    ).toBe("server");
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
      gpuSoftware: false,
      webassembly: true,
      crossOriginIsolated: true,
      logicalCores: 4,
      deviceMemoryGb: 4,
      storageAvailableBytes: 1.5e9,
    });
  });

  it("flags software adapters by their fallback flag or by name", async () => {
    const nav = (adapter: unknown) =>
      ({ gpu: { requestAdapter: async () => adapter }, hardwareConcurrency: 2 }) as unknown as Navigator;
    const swiftshader = await probeCapabilities(
      nav({ info: { vendor: "google", architecture: "swiftshader" } }),
      { WebAssembly: {} },
    );
    expect(swiftshader).toMatchObject({
      webgpu: true,
      gpuDescription: "google swiftshader",
      gpuSoftware: true,
    });
    expect(isSoftwareAdapter({ info: { vendor: "mesa", device: "llvmpipe (LLVM 15.0.6, 256 bits)" } })).toBe(
      true,
    );
    expect(
      isSoftwareAdapter({ info: { vendor: "microsoft", description: "Microsoft Basic Render Driver" } }),
    ).toBe(true);
    expect(isSoftwareAdapter({ info: { vendor: "apple", isFallbackAdapter: true } })).toBe(true);
    expect(isSoftwareAdapter({ info: { vendor: "intel" }, isFallbackAdapter: true })).toBe(true);
    expect(isSoftwareAdapter({ info: { vendor: "nvidia", architecture: "ampere" } })).toBe(false);
    expect(
      isSoftwareAdapter({ info: { vendor: "apple", architecture: "common-3", isFallbackAdapter: false } }),
    ).toBe(false);
  });

  it("survives a browser without WebGPU or storage estimates", async () => {
    const nav = { hardwareConcurrency: 2 } as unknown as Navigator;
    const caps = await probeCapabilities(nav, { WebAssembly: {} });
    expect(caps.webgpu).toBe(false);
    expect(caps.storageAvailableBytes).toBeNull();
    expect(caps.crossOriginIsolated).toBe(false);
  });
});
