// Web APIs that Node 20 has at run time and @types/node 20 leaves out, for the Node project only
// (tsconfig.node.json). The shared Chromaprint loader (lib/fingerprint/chromaprint-wasm.ts) runs in
// pages, workers and Node; the model manifest is fetched with a cache mode in every environment.

/** As lib.dom declares it. */
type BufferSource = ArrayBufferView | ArrayBuffer;

// The part of the WebAssembly JavaScript API the project uses (lib.dom's declarations, trimmed).
declare namespace WebAssembly {
  interface Memory {
    readonly buffer: ArrayBuffer;
    grow(delta: number): number;
  }
  var Memory: {
    prototype: Memory;
    new (descriptor: { initial: number; maximum?: number; shared?: boolean }): Memory;
  };
  // biome-ignore lint/suspicious/noEmptyInterface: an opaque handle, as in lib.dom
  interface Module {}
  var Module: { prototype: Module; new (bytes: BufferSource): Module };
  interface Instance {
    readonly exports: Exports;
  }
  var Instance: { prototype: Instance; new (module: Module, importObject?: Imports): Instance };
  // biome-ignore lint/complexity/noBannedTypes: the exports of a module are functions of any shape
  type ExportValue = Function | Memory;
  type Exports = Record<string, ExportValue>;
  type ImportValue = ExportValue | number;
  type ModuleImports = Record<string, ImportValue>;
  type Imports = Record<string, ModuleImports>;
  interface WebAssemblyInstantiatedSource {
    instance: Instance;
    module: Module;
  }
  function compile(bytes: BufferSource): Promise<Module>;
  function instantiate(bytes: BufferSource, importObject?: Imports): Promise<WebAssemblyInstantiatedSource>;
  function instantiate(moduleObject: Module, importObject?: Imports): Promise<Instance>;
}

// Node's fetch (undici) accepts the Fetch standard's cache mode; it keeps no HTTP cache, so every
// mode goes to the network.
interface RequestInit {
  cache?: "default" | "force-cache" | "no-cache" | "no-store" | "only-if-cached" | "reload";
}
