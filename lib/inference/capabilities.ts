// What this device can run, probed once before any model download, and the backend choice made
// from an ordered list (webgpu → wasm → server), as transformers.js does. A software WebGPU adapter
// (SwiftShader, llvmpipe: what a browser offers without a usable GPU) counts as no GPU; where
// measurements exist (./backend-choice.ts) the faster backend wins. The user can override the
// choice; the reasons are shown so the choice is never a mystery.
import type { BackendName } from "./backend.ts";

export type ClientChoice = Extract<BackendName, "webgpu" | "wasm"> | "server";

export interface Capabilities {
  webgpu: boolean;
  /** e.g. "nvidia ampere" from the adapter info, when WebGPU is present. */
  gpuDescription: string | null;
  /**
   * The WebGPU adapter is a fallback or software rasteriser (adapter.info.isFallbackAdapter, or
   * SwiftShader / llvmpipe / WARP by name): it runs the models far slower than WebAssembly.
   */
  gpuSoftware: boolean;
  webassembly: boolean;
  /** SharedArrayBuffer is usable (COOP/COEP set): WASM may use threads. */
  crossOriginIsolated: boolean;
  logicalCores: number;
  /** navigator.deviceMemory (Chromium only, rounded down, capped at 8); null when unknown. */
  deviceMemoryGb: number | null;
  /** Free storage quota in bytes (navigator.storage.estimate); null when unknown. */
  storageAvailableBytes: number | null;
}

export interface Requirements {
  /** Bytes of model files still to download (0 when cached). */
  downloadBytes: number;
  /** Below this much device memory, in-browser generation is not offered first. */
  minMemoryGb: number;
  /** Whether this installation runs server jobs (default true). */
  serverOffered?: boolean;
  /**
   * Measured seconds of work per second of audio on this device (./backend-choice.ts); where both
   * client backends were measured, the faster one is recommended.
   */
  measured?: Partial<Record<"webgpu" | "wasm", number>>;
}

export interface BackendDecision {
  choice: ClientChoice;
  /** Every option in preference order, with whether it is possible and why. */
  options: { choice: ClientChoice; possible: boolean; reason: string }[];
}

interface AdapterInfoLike {
  vendor?: string;
  architecture?: string;
  device?: string;
  description?: string;
  /** Chromium 130+ (the spec moved it here from the adapter). */
  isFallbackAdapter?: boolean;
}

interface GpuLike {
  requestAdapter(): Promise<{ info?: AdapterInfoLike; isFallbackAdapter?: boolean } | null>;
}

/** Software rasterisers browsers expose as WebGPU adapters when there is no usable GPU. */
const SOFTWARE_ADAPTER = /swiftshader|llvmpipe|lavapipe|softpipe|software|microsoft basic render|\bwarp\b/i;

/** Whether an adapter is a fallback/software one, by its flag or by name. */
export function isSoftwareAdapter(adapter: { info?: AdapterInfoLike; isFallbackAdapter?: boolean }): boolean {
  const info = adapter.info;
  if (info?.isFallbackAdapter === true || adapter.isFallbackAdapter === true) return true;
  return SOFTWARE_ADAPTER.test([info?.vendor, info?.architecture, info?.device, info?.description].join(" "));
}

/** What is read off `navigator`: a page's Navigator or a worker's WorkerNavigator. */
interface NavigatorLike {
  hardwareConcurrency: number;
  storage?: { estimate(): Promise<{ quota?: number; usage?: number }> };
}

export async function probeCapabilities(
  nav: NavigatorLike = navigator,
  scope: { crossOriginIsolated?: boolean; WebAssembly?: unknown } = globalThis,
): Promise<Capabilities> {
  let webgpu = false;
  let gpuDescription: string | null = null;
  let gpuSoftware = false;
  const gpu = (nav as NavigatorLike & { gpu?: GpuLike }).gpu;
  if (gpu) {
    try {
      const adapter = await gpu.requestAdapter();
      if (adapter) {
        webgpu = true;
        const info = adapter.info;
        gpuDescription = [info?.vendor, info?.architecture].filter(Boolean).join(" ") || "unknown GPU";
        gpuSoftware = isSoftwareAdapter(adapter);
      }
    } catch {
      webgpu = false;
    }
  }
  let storageAvailableBytes: number | null = null;
  try {
    const estimate = await nav.storage?.estimate();
    if (estimate?.quota !== undefined) storageAvailableBytes = estimate.quota - (estimate.usage ?? 0);
  } catch {
    storageAvailableBytes = null;
  }
  return {
    webgpu,
    gpuDescription,
    gpuSoftware,
    webassembly: typeof scope.WebAssembly === "object",
    crossOriginIsolated: scope.crossOriginIsolated === true,
    logicalCores: nav.hardwareConcurrency || 1,
    deviceMemoryGb: (nav as NavigatorLike & { deviceMemory?: number }).deviceMemory ?? null,
    storageAvailableBytes,
  };
}

export function chooseBackend(caps: Capabilities, req: Requirements): BackendDecision {
  const memoryOk = caps.deviceMemoryGb === null || caps.deviceMemoryGb >= req.minMemoryGb;
  const storageOk =
    caps.storageAvailableBytes === null || caps.storageAvailableBytes >= req.downloadBytes * 1.2;
  const blocker = !memoryOk
    ? `this device reports ${caps.deviceMemoryGb} GB of memory (at least ${req.minMemoryGb} GB needed)`
    : !storageOk
      ? `not enough free storage for the models (${mb(req.downloadBytes)} needed, ${mb(caps.storageAvailableBytes ?? 0)} free)`
      : null;

  const serverOffered = req.serverOffered ?? true;
  const gpu = caps.webgpu && !caps.gpuSoftware;
  // No GPU and no WASM threads: one CPU thread takes several times the song's length, so a device
  // like this is better served by the server queue (it can still choose to wait).
  const weak = !gpu && !caps.crossOriginIsolated;

  const options: BackendDecision["options"] = [
    {
      choice: "webgpu",
      // A software adapter stays selectable (it works, slowly) but is never recommended.
      possible: caps.webgpu && blocker === null,
      reason:
        blocker ??
        (!caps.webgpu
          ? "WebGPU is not available in this browser"
          : caps.gpuSoftware
            ? `not a GPU: a software renderer (${caps.gpuDescription}), much slower than the CPU`
            : `GPU: ${caps.gpuDescription}`),
    },
    {
      choice: "wasm",
      possible: caps.webassembly && blocker === null,
      reason:
        blocker ??
        (caps.webassembly
          ? caps.crossOriginIsolated
            ? `CPU, ${Math.min(caps.logicalCores, 4)} threads`
            : "CPU, single thread (page is not cross-origin isolated)"
          : "WebAssembly is not available"),
    },
    {
      choice: "server",
      possible: serverOffered,
      reason: serverOffered
        ? "the server generates the chart and notifies you (audio is uploaded; needs an account)"
        : "server processing is not offered by this installation",
    },
  ];
  const possible = (choice: ClientChoice) => options.find((o) => o.choice === choice)?.possible === true;
  const { webgpu: gpuRate, wasm: wasmRate } = req.measured ?? {};
  // Measured: the faster of the two wins, whatever the adapter claims to be.
  if (gpuRate !== undefined && wasmRate !== undefined && possible("webgpu") && possible("wasm")) {
    return { choice: gpuRate < wasmRate ? "webgpu" : "wasm", options };
  }
  if (weak && serverOffered) return { choice: "server", options };
  const preferred = options.find((o) => o.possible && !(o.choice === "webgpu" && !gpu));
  return { choice: preferred?.choice ?? "server", options };
}

/** Threads for WASM inference: only with SharedArrayBuffer, and leave a core for the page. */
export function wasmThreads(caps: Pick<Capabilities, "crossOriginIsolated" | "logicalCores">): number {
  return caps.crossOriginIsolated ? Math.max(1, Math.min(4, caps.logicalCores - 1)) : 1;
}

function mb(bytes: number): string {
  return `${(bytes / 1e6).toFixed(1)} MB`;
}
