// A minimal loader for the Chromaprint WebAssembly build shipped in @unimusic/chromaprint.
//
// Why our own loader: that package's emscripten glue is a web-only debug build (it throws in Node
// and in Workers) and its wrapper reads result pointers before they are filled. The .wasm itself is
// the reference C library (bit-identical to fpcalc on the same PCM) and needs only fifteen small
// imports, so we instantiate it directly. The .wasm stays a separate, replaceable file because it
// contains Chromaprint's LGPL-2.1+ resampler (see docs/FINGERPRINT.md).
//
// Framework-free and environment-free: callers hand in the bytes (or a compiled module); loading them
// from disk (Node) or over HTTP (browser) lives in wasm-source-node.ts / the worker.

/** The C API exports we use (chromaprint.h), plus the allocator. Pointers are byte offsets. */
export interface ChromaprintExports {
  memory: WebAssembly.Memory;
  chromaprint_new(algorithm: number): number;
  chromaprint_free(ctx: number): void;
  chromaprint_start(ctx: number, sampleRate: number, channels: number): number;
  chromaprint_feed(ctx: number, data: number, size: number): number;
  chromaprint_finish(ctx: number): number;
  chromaprint_get_fingerprint(ctx: number, outPtr: number): number;
  chromaprint_get_raw_fingerprint(ctx: number, outPtr: number, outSize: number): number;
  chromaprint_get_raw_fingerprint_size(ctx: number, outSize: number): number;
  chromaprint_get_delay_ms(ctx: number): number;
  chromaprint_clear_fingerprint(ctx: number): number;
  malloc(size: number): number;
  free(ptr: number): void;
}

/** Raised when the WebAssembly module aborts or calls into something we do not provide. */
export class ChromaprintWasmError extends Error {
  override name = "ChromaprintWasmError";
}

const REQUIRED_EXPORTS = [
  "memory",
  "chromaprint_new",
  "chromaprint_free",
  "chromaprint_start",
  "chromaprint_feed",
  "chromaprint_finish",
  "chromaprint_get_fingerprint",
  "chromaprint_get_raw_fingerprint",
  "chromaprint_get_raw_fingerprint_size",
  "chromaprint_get_delay_ms",
  "chromaprint_clear_fingerprint",
  "malloc",
  "free",
] as const;

// emscripten's default heap ceiling for this build (getHeapMax in the original glue).
const HEAP_MAX_BYTES = 2 ** 31;
const WASI_ENOSYS = 52;

export type WasmSource = WebAssembly.Module | BufferSource;

/**
 * Instantiates the Chromaprint module and runs its static constructors. Each call returns an
 * independent instance (own memory), so one per Worker or per CLI process is the norm.
 */
export async function instantiateChromaprint(
  source: WasmSource,
  log: (message: string) => void = () => {},
): Promise<ChromaprintExports> {
  let memory: WebAssembly.Memory | undefined;
  const heap = (): Uint8Array => {
    if (!memory) throw new ChromaprintWasmError("Chromaprint memory used before instantiation");
    return new Uint8Array(memory.buffer);
  };
  const u32 = (): Uint32Array => new Uint32Array(heap().buffer);
  const cString = (ptr: number): string => {
    const bytes = heap();
    let end = ptr;
    while (bytes[end] !== 0 && end < bytes.length) end++;
    return new TextDecoder().decode(bytes.subarray(ptr, end));
  };
  const stderrLine: number[] = [];

  const env = {
    emscripten_resize_heap(requested: number): number {
      if (!memory) return 0;
      const wanted = requested >>> 0;
      if (wanted > HEAP_MAX_BYTES) return 0;
      const current = memory.buffer.byteLength;
      // Grow by 20 % at least, as emscripten does, to avoid growing on every allocation.
      const target = Math.min(HEAP_MAX_BYTES, Math.max(wanted, Math.ceil(current * 1.2)));
      const pages = Math.ceil((target - current) / 65536);
      try {
        memory.grow(pages);
        return 1;
      } catch {
        return 0;
      }
    },
    emscripten_get_now: () => (typeof performance === "undefined" ? Date.now() : performance.now()),
    emscripten_date_now: () => Date.now(),
    emscripten_err: (ptr: number) => log(cString(ptr)),
    _abort_js: () => {
      throw new ChromaprintWasmError("Chromaprint aborted");
    },
    __cxa_throw: () => {
      throw new ChromaprintWasmError("Chromaprint threw a C++ exception (out of memory?)");
    },
    _setitimer_js: () => 0,
    _emscripten_runtime_keepalive_clear: () => {},
  };
  const wasi = {
    fd_write(fd: number, iov: number, iovcnt: number, pnum: number): number {
      const view = u32();
      const bytes = heap();
      let written = 0;
      for (let i = 0; i < iovcnt; i++) {
        const ptr = view[(iov >> 2) + i * 2] ?? 0;
        const len = view[(iov >> 2) + i * 2 + 1] ?? 0;
        for (let j = 0; j < len; j++) {
          const byte = bytes[ptr + j] ?? 0;
          if (byte === 10) {
            log(`fd${fd}: ${new TextDecoder().decode(new Uint8Array(stderrLine))}`);
            stderrLine.length = 0;
          } else {
            stderrLine.push(byte);
          }
        }
        written += len;
      }
      view[pnum >> 2] = written;
      return 0;
    },
    fd_close: () => WASI_ENOSYS,
    fd_seek: () => WASI_ENOSYS,
    random_get(ptr: number, size: number): number {
      crypto.getRandomValues(heap().subarray(ptr, ptr + size));
      return 0;
    },
    environ_sizes_get(countPtr: number, sizePtr: number): number {
      const view = u32();
      view[countPtr >> 2] = 0;
      view[sizePtr >> 2] = 0;
      return 0;
    },
    environ_get: () => 0,
    proc_exit: (code: number) => {
      throw new ChromaprintWasmError(`Chromaprint exited with status ${code}`);
    },
  };
  const imports = { env, wasi_snapshot_preview1: wasi };

  const instance =
    source instanceof WebAssembly.Module
      ? await WebAssembly.instantiate(source, imports)
      : (await WebAssembly.instantiate(source, imports)).instance;
  const raw = instance.exports as Record<string, unknown>;
  for (const name of REQUIRED_EXPORTS) {
    if (!(name in raw)) throw new ChromaprintWasmError(`chromaprint.wasm lacks the export "${name}"`);
  }
  memory = raw.memory as WebAssembly.Memory;
  // emscripten's start-up sequence: set up the shadow stack, then C++ static constructors.
  (raw.emscripten_stack_init as (() => void) | undefined)?.();
  (raw.__wasm_call_ctors as (() => void) | undefined)?.();
  return raw as unknown as ChromaprintExports;
}
