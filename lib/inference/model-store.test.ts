import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  bytesToDownload,
  type CacheLike,
  loadModelFile,
  ModelIntegrityError,
  pruneModelCache,
} from "./model-store.ts";

const model = new Uint8Array(10_000).map((_, i) => (i * 31) % 251);
const ref = {
  url: "/models/t.onnx",
  sha256: createHash("sha256").update(model).digest("hex"),
  bytes: model.length,
};

function memoryCache(opts: { failPut?: boolean } = {}): CacheLike & { store: Map<string, Uint8Array> } {
  const store = new Map<string, Uint8Array>();
  return {
    store,
    async match(key) {
      const v = store.get(key);
      return v ? new Response(v.slice()) : undefined;
    },
    async put(key, response) {
      if (opts.failPut) throw new DOMException("quota", "QuotaExceededError");
      store.set(key, new Uint8Array(await response.arrayBuffer()));
    },
    async keys() {
      return [...store.keys()].map((k) => new Request(`http://app${k}`));
    },
    async delete(key) {
      const k = typeof key === "string" ? key : new URL(key.url).pathname + new URL(key.url).search;
      return store.delete(k);
    },
  };
}

function serving(bytes: Uint8Array) {
  let calls = 0;
  const fetchFn = (async () => {
    calls++;
    // Stream in pieces so progress has something to report.
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < bytes.length; i += 4096) controller.enqueue(bytes.slice(i, i + 4096));
        controller.close();
      },
    });
    return new Response(body, { headers: { "Content-Length": String(bytes.length) } });
  }) as typeof fetch;
  return { fetch: fetchFn, calls: () => calls };
}

describe("loadModelFile", () => {
  it("downloads once with progress, verifies, caches, then serves from the cache", async () => {
    const cache = memoryCache();
    const server = serving(model);
    const progress: number[] = [];
    const first = await loadModelFile(
      new AbortController().signal,
      ref,
      { fetch: server.fetch, openCache: async () => cache },
      (p) => progress.push(p.loadedBytes),
    );
    expect(first).toMatchObject({ fromCache: false, cached: true });
    expect(first.bytes).toEqual(model);
    expect(progress).toEqual([4096, 8192, 10_000]);

    const second = await loadModelFile(new AbortController().signal, ref, {
      fetch: server.fetch,
      openCache: async () => cache,
    });
    expect(second.fromCache).toBe(true);
    expect(server.calls()).toBe(1);
  });

  it("rejects a file whose checksum or size does not match the manifest", async () => {
    const tampered = model.slice();
    tampered[5] = (tampered[5] ?? 0) ^ 1;
    const deps = { fetch: serving(tampered).fetch, openCache: async () => memoryCache() };
    await expect(loadModelFile(new AbortController().signal, ref, deps)).rejects.toThrow(ModelIntegrityError);
    const short = { fetch: serving(model.slice(0, 500)).fetch, openCache: async () => memoryCache() };
    await expect(loadModelFile(new AbortController().signal, ref, short)).rejects.toThrow(/500 bytes/);
  });

  it("re-downloads when the cached copy is corrupted", async () => {
    const cache = memoryCache();
    cache.store.set(`${ref.url}?sha256=${ref.sha256}`, new Uint8Array(10_000));
    const server = serving(model);
    const loaded = await loadModelFile(new AbortController().signal, ref, {
      fetch: server.fetch,
      openCache: async () => cache,
    });
    expect(loaded.fromCache).toBe(false);
    expect(server.calls()).toBe(1);
  });

  it("keeps working when the cache is full or missing", async () => {
    const full = await loadModelFile(new AbortController().signal, ref, {
      fetch: serving(model).fetch,
      openCache: async () => memoryCache({ failPut: true }),
    });
    expect(full).toMatchObject({ cached: false, fromCache: false });
    const none = await loadModelFile(new AbortController().signal, ref, {
      fetch: serving(model).fetch,
      openCache: async () => null,
    });
    expect(none.bytes.length).toBe(model.length);
  });

  it("stops when cancelled", async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(
      loadModelFile(controller.signal, ref, { fetch: serving(model).fetch, openCache: async () => null }),
    ).rejects.toMatchObject({ name: "AbortError" });
  });
});

describe("pruneModelCache", () => {
  it("deletes files no current manifest entry refers to", async () => {
    const cache = memoryCache();
    cache.store.set(`${ref.url}?sha256=${ref.sha256}`, model);
    cache.store.set(`/models/old.onnx?sha256=${"0".repeat(64)}`, model);
    expect(await pruneModelCache([ref], { openCache: async () => cache })).toBe(1);
    expect([...cache.store.keys()]).toEqual([`${ref.url}?sha256=${ref.sha256}`]);
  });
});

describe("bytesToDownload", () => {
  it("counts the files not cached yet, so the size shown before the download is what it downloads", async () => {
    const cache = memoryCache();
    const other = { url: "/models/s.onnx", sha256: "0".repeat(64), bytes: 7_000 };
    const deps = { fetch: serving(model).fetch, openCache: async () => cache };
    expect(await bytesToDownload([ref, other], deps)).toBe(model.length + 7_000);
    await loadModelFile(new AbortController().signal, ref, deps);
    expect(await bytesToDownload([ref, other], deps)).toBe(7_000);
    // No cache (private mode): everything is downloaded every time.
    expect(await bytesToDownload([ref, other], { openCache: async () => null })).toBe(model.length + 7_000);
  });
});
