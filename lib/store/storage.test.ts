import { describe, expect, it } from "vitest";
import { MODEL_CACHE_NAME } from "../inference/model-store.ts";
import { type CacheStorageLike, cacheUsage, removeCaches } from "./storage.ts";

/** An in-memory CacheStorage holding real Responses, some without a Content-Length. */
function fakeCaches(contents: Record<string, Record<string, { bytes: number; length?: boolean }>>) {
  const store = new Map(Object.entries(contents));
  const storage: CacheStorageLike = {
    keys: async () => [...store.keys()],
    open: async (name) => {
      const files = store.get(name) ?? {};
      return {
        keys: async () => Object.keys(files).map((url) => new Request(`https://app.test${url}`)),
        match: async (request) => {
          const file = files[new URL(request.url).pathname];
          if (!file) return undefined;
          const headers = file.length ? { "content-length": String(file.bytes) } : undefined;
          return new Response(new Uint8Array(file.bytes), { headers });
        },
      };
    },
    delete: async (name) => store.delete(name),
  };
  return { storage, store };
}

describe("offline caches in the storage view", () => {
  it("adds up each kind of cache, largest first, and ignores caches that are not the app's", async () => {
    const { storage } = fakeCaches({
      "beatsight-precache-v1": { "/a.js": { bytes: 300, length: true }, "/b.css": { bytes: 50 } },
      "beatsight-pages-BUILD1": { "/library": { bytes: 20 } },
      "beatsight-wasm-abc123": { "/ort/x.wasm": { bytes: 5000, length: true } },
      [MODEL_CACHE_NAME]: { "/models/t.onnx": { bytes: 900 } },
      "someone-else": { "/z": { bytes: 99_999 } },
    });
    const usage = await cacheUsage(storage);
    expect(usage.map((u) => [u.kind, u.bytes, u.files])).toEqual([
      ["runtime", 5000, 1],
      ["models", 900, 1],
      ["app", 350, 2],
      ["pages", 20, 1],
    ]);
  });

  it("removes models or the runtime, never the app shell", async () => {
    const { storage, store } = fakeCaches({
      "beatsight-precache-v1": { "/a.js": { bytes: 3 } },
      [MODEL_CACHE_NAME]: { "/models/t.onnx": { bytes: 9 } },
    });
    const usage = await cacheUsage(storage);
    const models = usage.find((u) => u.kind === "models")!;
    await removeCaches(models, storage);
    expect([...store.keys()]).toEqual(["beatsight-precache-v1"]);
    const app = usage.find((u) => u.kind === "app")!;
    await expect(removeCaches(app, storage)).rejects.toThrow(/needed to work offline/);
    expect(store.has("beatsight-precache-v1")).toBe(true);
  });

  it("reports nothing where the browser has no Cache Storage", async () => {
    expect(await cacheUsage(undefined)).toEqual([]);
  });
});
