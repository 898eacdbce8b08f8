// Backend choice by measurement. What a device reports does not say how fast it runs our models: an
// integrated GPU may lose to four WASM threads, and a software adapter always does. So where the
// choice is open (a real GPU and WebAssembly both possible) each candidate runs the models once on
// a few seconds of audio after its warm-up, and the faster is recommended; the chosen backend is
// measured too, so the time shown before starting comes from this device. The result is
// remembered per device (and per model files), so this happens once.
import type { BackendDecision, Capabilities } from "./capabilities.ts";

export type ClientBackend = "webgpu" | "wasm";

/** One model's timed run, as the worker measures it. */
export interface ProbeRun {
  /** Wall seconds of one warm run on `audioSeconds` of audio. */
  seconds: number;
  audioSeconds: number;
  /** The model's chunking: overlapping chunks make a song cost more than its length. */
  chunkSeconds: number;
  overlapSeconds: number;
}

export interface BackendTiming {
  backend: ClientBackend;
  /** Seconds of model work per second of a song (both models, chunk overlap included). */
  secondsPerAudioSecond: number;
  /** The first (warm-up) run of each model: WASM compilation, WebGPU shader compilation. */
  warmUpSeconds: number;
}

export interface DeviceMeasurement {
  /** deviceKey(): a different GPU, core count or isolation means measuring again. */
  device: string;
  /** modelsKey(): new model files mean measuring again. */
  models: string;
  measuredAt: number;
  timings: BackendTiming[];
}

/** Where a measurement is remembered (the device's settings table). */
export const MEASUREMENT_SETTING = "inference.backendMeasurement";

/** Seconds of audio each model runs on when timed: long enough to be steady, short on a slow device. */
export const PROBE_AUDIO_SECONDS = 3;

/** Model work per second of a song, from one timed run of each model. */
export function secondsPerAudioSecond(runs: readonly ProbeRun[]): number {
  let total = 0;
  for (const run of runs) {
    const step = Math.max(run.chunkSeconds - run.overlapSeconds, run.chunkSeconds / 2);
    total += (run.seconds / run.audioSeconds) * (run.chunkSeconds / step);
  }
  return total;
}

/** What decides how fast this device runs the models (and so when a measurement is stale). */
export function deviceKey(caps: Capabilities): string {
  return [
    caps.webgpu ? (caps.gpuDescription ?? "gpu") : "no-webgpu",
    caps.gpuSoftware ? "software" : "",
    `${caps.logicalCores} cores`,
    caps.crossOriginIsolated ? "threads" : "1 thread",
    `${caps.deviceMemoryGb ?? "?"} GB`,
  ].join("|");
}

export function modelsKey(files: readonly { sha256: string }[]): string {
  return files.map((f) => f.sha256.slice(0, 16)).join("+");
}

/** The stored measurement when it is for this device and these models, else null. */
export function rememberedFor(
  stored: DeviceMeasurement | null | undefined,
  device: string,
  models: string,
): DeviceMeasurement | null {
  return stored && stored.device === device && stored.models === models ? stored : null;
}

/**
 * Backends still to measure: both client backends when the choice is open (a real GPU and WASM),
 * otherwise the recommended one (for its estimate); none when the choice is the server or all
 * needed timings are remembered.
 */
export function backendsToMeasure(
  caps: Capabilities,
  decision: BackendDecision,
  remembered: DeviceMeasurement | null,
): ClientBackend[] {
  const possible = (b: ClientBackend) => decision.options.some((o) => o.choice === b && o.possible);
  const open = caps.webgpu && !caps.gpuSoftware && possible("webgpu") && possible("wasm");
  const wanted: ClientBackend[] = open
    ? ["wasm", "webgpu"]
    : decision.choice === "server"
      ? []
      : [decision.choice];
  return wanted.filter((b) => !remembered?.timings.some((t) => t.backend === b));
}

/** Timings as chooseBackend's `measured` requirement. */
export function measuredRates(
  measurement: DeviceMeasurement | null,
): Partial<Record<ClientBackend, number>> | undefined {
  if (!measurement) return undefined;
  return Object.fromEntries(measurement.timings.map((t) => [t.backend, t.secondsPerAudioSecond]));
}

/** A new timing merged into what was remembered (a backend measured again replaces its old timing). */
export function withTiming(
  previous: DeviceMeasurement | null,
  device: string,
  models: string,
  timing: BackendTiming,
  now = Date.now(),
): DeviceMeasurement {
  const kept = previous?.timings.filter((t) => t.backend !== timing.backend) ?? [];
  return { device, models, measuredAt: now, timings: [...kept, timing] };
}

/**
 * Seconds a song of `audioSeconds` takes on a measured backend: the model work, plus an allowance
 * of 2 % of the song and a second for decoding and post-processing, plus the downloads still to do
 * at a cautious 2 MB/s. The probe's short runs read slower than a song's long chunks (e2e: 0.29 s
 * per second measured, 0.15 s per second generating a 19 s song), so the figure errs long.
 */
export function estimateSeconds(
  timing: Pick<BackendTiming, "secondsPerAudioSecond">,
  audioSeconds: number,
  downloadBytes = 0,
): number {
  return audioSeconds * (timing.secondsPerAudioSecond + 0.02) + 1 + downloadBytes / 2e6;
}
