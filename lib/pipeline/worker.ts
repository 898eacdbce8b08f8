/// <reference lib="webworker" />
// The generation Worker: owns the onnxruntime-web backend and its model sessions (expensive to
// build, so they live as long as the worker), runs generateChart, and reports progress. A cancel
// request aborts the run between chunks; the sessions stay warm for the next song.
import { isAbortError } from "../inference/abort.ts";
import type { InferenceBackend, ModelSession } from "../inference/backend.ts";
import { browserModelStoreDeps, loadModelFile } from "../inference/model-store.ts";
import { createWebBackend } from "../inference/ort-web.ts";
import { generateChart } from "./generate.ts";
import type { ModelSpec } from "./model-spec.ts";
import type {
  GenerateRequest,
  GenerationRequest,
  GenerationResponse,
  MeasureRequest,
} from "./worker-protocol.ts";

const scope = self as unknown as DedicatedWorkerGlobalScope;
const post = (message: GenerationResponse, transfer: Transferable[] = []) =>
  scope.postMessage(message, transfer);

let backend: { key: string; backend: Promise<InferenceBackend> } | undefined;
const sessions = new Map<string, Promise<ModelSession>>();
/** Seconds each session's warm-up run took (shader compilation / WASM JIT), for measurements. */
const warmUps = new Map<string, number>();
const running = new Map<number, AbortController>();

function backendFor(request: GenerateRequest | MeasureRequest): Promise<InferenceBackend> {
  const key = `${request.backend}/${request.threads}`;
  if (backend?.key !== key) {
    // A different backend needs new sessions.
    sessions.clear();
    backend = {
      key,
      backend: createWebBackend(request.backend, { wasmPaths: request.wasmPaths, threads: request.threads }),
    };
  }
  return backend.backend;
}

async function sessionFor(
  signal: AbortSignal,
  id: number,
  runtime: InferenceBackend,
  spec: ModelSpec,
  onFraction: (f: number) => void,
): Promise<ModelSession> {
  const key = `${runtime.name}/${spec.sha256}`;
  let session = sessions.get(key);
  if (!session) {
    session = (async () => {
      const file = await loadModelFile(signal, spec, browserModelStoreDeps(), (progress) => {
        post({ type: "download", id, progress });
        onFraction(0.8 * (progress.loadedBytes / Math.max(1, progress.totalBytes)));
      });
      const created = await runtime.createSession(file.bytes);
      // Warm-up run: compiles WebGPU shaders / JITs WASM before the real audio arrives.
      const t0 = performance.now();
      await created.run(
        spec.task === "beats"
          ? {
              [spec.input]: {
                data: new Float32Array(64 * spec.inputChannels),
                dims: [1, 64, spec.inputChannels],
              },
            }
          : { [spec.input]: { data: new Float32Array(spec.hop * 64), dims: [1, spec.hop * 64] } },
      );
      warmUps.set(key, (performance.now() - t0) / 1000);
      return created;
    })();
    sessions.set(key, session);
    session.catch(() => sessions.delete(key));
  }
  const ready = await session;
  onFraction(1);
  return ready;
}

async function generate(request: GenerateRequest): Promise<void> {
  const controller = new AbortController();
  running.set(request.id, controller);
  try {
    const runtime = await backendFor(request);
    const result = await generateChart(
      controller.signal,
      request.input,
      {
        backend: runtime,
        models: request.models,
        session: (signal, spec, onFraction) => sessionFor(signal, request.id, runtime, spec, onFraction),
      },
      (event) => post({ type: "progress", id: request.id, event }),
    );
    const transfer = result.stems ? [result.stems.drums.buffer, result.stems.accompaniment.buffer] : [];
    post(
      {
        type: "done",
        id: request.id,
        beatmap: result.beatmap,
        ...(result.stems ? { stems: result.stems } : {}),
        warnings: result.warnings,
        stageSeconds: result.stageSeconds,
        backend: result.backend,
      },
      transfer,
    );
  } catch (error) {
    postFailure(request.id, error);
  } finally {
    running.delete(request.id);
  }
}

/** A failed or cancelled run's reply; the page rebuilds the Error from it (worker-client.ts). */
function postFailure(id: number, error: unknown): void {
  const e = error instanceof Error ? error : new Error(String(error));
  post({ type: "error", id, name: isAbortError(e) ? "AbortError" : e.name, message: e.message });
}

/**
 * Times each model on this backend (lib/inference/backend-choice.ts): sessions are made (and
 * warmed up) as for a song and kept for it; then one run on a few seconds of quiet noise each.
 */
async function measure(request: MeasureRequest): Promise<void> {
  const controller = new AbortController();
  running.set(request.id, controller);
  try {
    const runtime = await backendFor(request);
    const specs = [request.models.separator, request.models.transcriber].filter((s) => s !== undefined);
    const runs: Extract<GenerationResponse, { type: "measured" }>["runs"] = [];
    let warmUpSeconds = 0;
    for (const spec of specs) {
      const session = await sessionFor(controller.signal, request.id, runtime, spec, () => {});
      warmUpSeconds += warmUps.get(`${runtime.name}/${spec.sha256}`) ?? 0;
      // Whole hops, as the pipeline's chunks; noise, not silence, so no path is skipped.
      const samples = Math.round((request.probeSeconds * spec.sampleRate) / spec.hop) * spec.hop;
      const audio = new Float32Array(samples);
      for (let i = 0; i < samples; i++) audio[i] = (Math.random() - 0.5) * 0.1;
      controller.signal.throwIfAborted();
      const t0 = performance.now();
      await session.run({ [spec.input]: { data: audio, dims: [1, samples] } });
      runs.push({
        seconds: (performance.now() - t0) / 1000,
        audioSeconds: samples / spec.sampleRate,
        chunkSeconds: spec.chunkSeconds,
        overlapSeconds: spec.overlapSeconds,
      });
    }
    // The beat model is loaded too (not timed: it runs once per song, in milliseconds), so that
    // after a measurement nothing is left to download and the page's one download total holds.
    if (request.models.beats) {
      await sessionFor(controller.signal, request.id, runtime, request.models.beats, () => {});
      warmUpSeconds += warmUps.get(`${runtime.name}/${request.models.beats.sha256}`) ?? 0;
    }
    post({ type: "measured", id: request.id, runs, warmUpSeconds });
  } catch (error) {
    postFailure(request.id, error);
  } finally {
    running.delete(request.id);
  }
}

scope.addEventListener("message", (event: MessageEvent<GenerationRequest>) => {
  const request = event.data;
  if (request.type === "cancel") running.get(request.id)?.abort();
  else if (request.type === "measure") void measure(request);
  else void generate(request);
});
