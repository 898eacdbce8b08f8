/// <reference lib="webworker" />
// Web Worker entry: `new Worker(new URL("./worker.ts", import.meta.url), { type: "module" })`.
// Loads /wasm/chromaprint.wasm (override with `?wasm=<url>` on the worker URL), then answers
// FingerprintRequest messages one at a time. See worker-client.ts for the page side.
import { instantiateChromaprint } from "./chromaprint-wasm.ts";
import { createFingerprintHandler, type FingerprintRequest } from "./worker-protocol.ts";

declare const self: DedicatedWorkerGlobalScope;

export const DEFAULT_WASM_URL = "/wasm/chromaprint.wasm";

const wasmUrl = new URL(self.location.href).searchParams.get("wasm") ?? DEFAULT_WASM_URL;

async function loadEngine() {
  const response = await fetch(wasmUrl);
  if (!response.ok) throw new Error(`Could not load ${wasmUrl} (HTTP ${response.status}).`);
  const module =
    typeof WebAssembly.compileStreaming === "function" &&
    response.headers.get("content-type")?.startsWith("application/wasm")
      ? await WebAssembly.compileStreaming(response)
      : await WebAssembly.compile(await response.arrayBuffer());
  return instantiateChromaprint(module, (line) => console.warn(`[chromaprint] ${line}`));
}

// Compiled as soon as the worker starts, so a page that starts its worker early (intake does, when
// idle) has the engine ready before the first file arrives. A failure surfaces on the first request.
const engineReady = loadEngine();
engineReady.catch(() => undefined);

const handle = createFingerprintHandler(
  () => engineReady,
  (message, transfer) => self.postMessage(message, transfer),
);

// One request at a time, in arrival order.
let queue = Promise.resolve();
self.addEventListener("message", (event: MessageEvent<FingerprintRequest>) => {
  if (event.data?.type !== "fingerprint") return;
  queue = queue.then(() => handle(event.data));
});
