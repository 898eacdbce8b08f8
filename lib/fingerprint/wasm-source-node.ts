// Node-only: where the Chromaprint .wasm lives on disk and a cached, ready engine.
// The .wasm is read from node_modules (the @unimusic/chromaprint package) so it stays a separate,
// replaceable file; BEATSIGHT_CHROMAPRINT_WASM overrides the path (e.g. a rebuilt library).
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { type ChromaprintExports, instantiateChromaprint } from "./chromaprint-wasm.ts";

// Built at run time, and resolved from the working directory rather than this module: Next.js
// bundles the server's upload route (which fingerprints uploads) and would otherwise try to bundle
// the .wasm as an ES module, or replace the resolver with one that cannot find it.
const WASM_SPECIFIER = ["@unimusic/chromaprint", "dist", "chromaprint.wasm"].join("/");
const fromHere = (): string => {
  try {
    return createRequire(import.meta.url).resolve(WASM_SPECIFIER);
  } catch {
    return createRequire(path.join(process.cwd(), "package.json")).resolve(WASM_SPECIFIER);
  }
};

export function chromaprintWasmPath(): string {
  return process.env.BEATSIGHT_CHROMAPRINT_WASM ?? fromHere();
}

let compiled: Promise<WebAssembly.Module> | undefined;

/** A fresh engine instance; the compiled module is shared across calls in this process. */
export async function loadChromaprintNode(): Promise<ChromaprintExports> {
  // Ignored by Next's trace, which would copy the whole project; the build copies the .wasm itself
  // (scripts/complete-standalone.mjs).
  compiled ??= readFile(/*turbopackIgnore: true*/ chromaprintWasmPath()).then((bytes) =>
    WebAssembly.compile(bytes),
  );
  return instantiateChromaprint(await compiled);
}
