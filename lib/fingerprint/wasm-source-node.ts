// Node-only: where the Chromaprint .wasm lives on disk and a cached, ready engine.
// The .wasm is read from node_modules (the @unimusic/chromaprint package) so it stays a separate,
// replaceable file; BEATSIGHT_CHROMAPRINT_WASM overrides the path (e.g. a rebuilt library).
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { type ChromaprintExports, instantiateChromaprint } from "./chromaprint-wasm.ts";

const require = createRequire(import.meta.url);

export function chromaprintWasmPath(): string {
  return (
    process.env.BEATSIGHT_CHROMAPRINT_WASM ?? require.resolve("@unimusic/chromaprint/dist/chromaprint.wasm")
  );
}

let compiled: Promise<WebAssembly.Module> | undefined;

/** A fresh engine instance; the compiled module is shared across calls in this process. */
export async function loadChromaprintNode(): Promise<ChromaprintExports> {
  compiled ??= readFile(chromaprintWasmPath()).then((bytes) => WebAssembly.compile(bytes));
  return instantiateChromaprint(await compiled);
}
