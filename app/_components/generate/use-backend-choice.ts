"use client";
// Where the generate page runs a song, decided by lib/inference: probe the device, read what was
// measured here before, time the backends still unmeasured once a song is chosen (both when a real
// GPU competes with WebAssembly, else the recommended one for its estimate), remember the result,
// and say how long this song will take.
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { isAbortError } from "@/lib/inference/abort.ts";
import {
  type BackendTiming,
  backendsToMeasure,
  type ClientBackend,
  type DeviceMeasurement,
  deviceKey,
  estimateSeconds,
  MEASUREMENT_SETTING,
  measuredRates,
  modelsKey,
  rememberedFor,
  withTiming,
} from "@/lib/inference/backend-choice.ts";
import {
  type BackendDecision,
  type Capabilities,
  type ClientChoice,
  chooseBackend,
  probeCapabilities,
  wasmThreads,
} from "@/lib/inference/capabilities.ts";
import { browserModelStoreDeps, bytesToDownload, type ModelFileRef } from "@/lib/inference/model-store.ts";
import { type LoadedManifest, loadPipelineModels } from "@/lib/pipeline/manifest-adapter.ts";
import { pipelineModelFiles } from "@/lib/pipeline/model-spec.ts";
import type { GenerationWorker } from "@/lib/pipeline/worker-client.ts";
import { localDb } from "@/lib/store/db.ts";
import { getSetting, putSetting } from "@/lib/store/results.ts";

export type MeasureState =
  | { kind: "idle" }
  | { kind: "measuring"; backend: ClientBackend; download: string | null }
  | { kind: "failed"; backend: ClientBackend; message: string };

export interface BackendChoice {
  caps: Capabilities | null;
  manifest: LoadedManifest | null;
  setupError: string | null;
  decision: BackendDecision | null;
  choice: ClientChoice | null;
  setOverride: (choice: ClientChoice) => void;
  /** Bytes of model files still to download (the one size shown before and during the download). */
  toDownload: number | null;
  measurement: DeviceMeasurement | null;
  measuring: MeasureState;
  /** Whether timings the recommendation or the estimate waits for are still to come. */
  waitingForMeasurement: boolean;
  /** Times every possible client backend again (also a software adapter, for the record). */
  measureAgain: () => void;
  /** Seconds this song should take on the chosen backend; null when unmeasured or unknown. */
  estimate: number | null;
  threads: number;
  refreshDownload: () => void;
}

function modelFiles(manifest: LoadedManifest): ModelFileRef[] {
  return pipelineModelFiles(manifest.models);
}

export function useBackendChoice(options: {
  worker: () => GenerationWorker;
  serverOffered: boolean | null;
  /** A song is chosen: measuring (which downloads the models) may start. */
  songChosen: boolean;
  durationSeconds: number | null;
  formatDownload: (loaded: number, total: number) => string;
}): BackendChoice {
  const { worker, serverOffered, songChosen, durationSeconds, formatDownload } = options;
  const [caps, setCaps] = useState<Capabilities | null>(null);
  const [manifest, setManifest] = useState<LoadedManifest | null>(null);
  const [setupError, setSetupError] = useState<string | null>(null);
  const [stored, setStored] = useState<DeviceMeasurement | null | undefined>(undefined);
  const [override, setOverride] = useState<ClientChoice | null>(null);
  const [toDownload, setToDownload] = useState<number | null>(null);
  const [measuring, setMeasuring] = useState<MeasureState>({ kind: "idle" });
  const [forced, setForced] = useState<ClientBackend[]>([]);
  const abort = useRef<AbortController | null>(null);

  useEffect(() => {
    Promise.all([
      probeCapabilities(),
      loadPipelineModels(fetch),
      getSetting<DeviceMeasurement>(localDb(), MEASUREMENT_SETTING).catch(() => undefined),
    ])
      .then(([c, m, s]) => {
        setCaps(c);
        setManifest(m);
        setStored(s ?? null);
      })
      .catch((error: unknown) => setSetupError(error instanceof Error ? error.message : String(error)));
    return () => abort.current?.abort();
  }, []);

  const refreshDownload = useCallback(() => {
    if (manifest) void bytesToDownload(modelFiles(manifest), browserModelStoreDeps()).then(setToDownload);
  }, [manifest]);
  useEffect(refreshDownload, [refreshDownload]);

  const device = caps ? deviceKey(caps) : null;
  const models = manifest ? modelsKey(modelFiles(manifest)) : null;
  const measurement = device && models && stored !== undefined ? rememberedFor(stored, device, models) : null;

  const decision = useMemo(
    () =>
      caps && manifest && serverOffered !== null && stored !== undefined
        ? chooseBackend(caps, {
            downloadBytes: toDownload ?? manifest.downloadBytes,
            minMemoryGb: 2,
            serverOffered,
            measured: measuredRates(measurement),
          })
        : null,
    [caps, manifest, serverOffered, stored, toDownload, measurement],
  );
  const choice = override ?? decision?.choice ?? null;
  const pending = useMemo(() => {
    if (!caps || !decision) return [];
    const needed = backendsToMeasure(caps, decision, measurement);
    return [...new Set([...forced, ...needed])];
  }, [caps, decision, measurement, forced]);
  const next = measuring.kind === "idle" && (songChosen || forced.length > 0) ? pending[0] : undefined;
  const threads = caps ? wasmThreads(caps) : 1;

  // What a measurement reads when it starts; only a new backend to measure starts one.
  const latest = useRef({ manifest, device, models, toDownload, threads, measurement });
  latest.current = { manifest, device, models, toDownload, threads, measurement };
  const helpers = useRef({ worker, formatDownload, refreshDownload });
  helpers.current = { worker, formatDownload, refreshDownload };

  useEffect(() => {
    const { manifest, device, models, toDownload, threads, measurement } = latest.current;
    if (!next || !manifest || !device || !models) return;
    const controller = new AbortController();
    abort.current = controller;
    const loaded = new Map<string, number>();
    const total = toDownload ?? manifest.downloadBytes;
    setMeasuring({ kind: "measuring", backend: next, download: null });
    helpers.current
      .worker()
      .measure({
        backend: next,
        threads,
        models: manifest.models,
        signal: controller.signal,
        onDownload: (d) => {
          if (d.fromCache) return;
          loaded.set(d.url, d.loadedBytes);
          const sum = [...loaded.values()].reduce((a, b) => a + b, 0);
          setMeasuring({
            kind: "measuring",
            backend: next,
            download: helpers.current.formatDownload(sum, total),
          });
        },
      })
      .then(async (timing: BackendTiming) => {
        const merged = withTiming(measurement, device, models, timing);
        await putSetting(localDb(), MEASUREMENT_SETTING, merged).catch(() => {});
        setStored(merged);
        setForced((f) => f.filter((b) => b !== next));
        setMeasuring({ kind: "idle" });
        helpers.current.refreshDownload();
      })
      .catch((error: unknown) => {
        if (isAbortError(error)) return;
        setForced((f) => f.filter((b) => b !== next));
        setMeasuring({
          kind: "failed",
          backend: next,
          message: error instanceof Error ? error.message : String(error),
        });
      });
  }, [next]);

  const measureAgain = useCallback(() => {
    if (!decision) return;
    const client = decision.options
      .filter((o) => o.possible && o.choice !== "server")
      .map((o) => o.choice as ClientBackend);
    setStored(null);
    setForced(client);
    setMeasuring({ kind: "idle" });
  }, [decision]);

  const timing =
    choice === "webgpu" || choice === "wasm"
      ? measurement?.timings.find((t) => t.backend === choice)
      : undefined;
  const estimate =
    timing && durationSeconds !== null ? estimateSeconds(timing, durationSeconds, toDownload ?? 0) : null;

  return {
    caps,
    manifest,
    setupError,
    decision,
    choice,
    setOverride,
    toDownload,
    measurement,
    measuring,
    waitingForMeasurement: measuring.kind === "measuring" || (songChosen && next !== undefined),
    measureAgain,
    estimate,
    threads,
    refreshDownload,
  };
}
