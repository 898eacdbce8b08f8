// Model files: downloaded once with progress, checked against the manifest's sha256 and size, and
// kept in their own Cache Storage bucket (apart from the app shell), keyed by content hash so a new
// model version is a new entry and an old one can be deleted. A cache that fails (quota, private
// mode) degrades to "download every time", never to an error.
import { throwIfAborted } from "./abort.ts";

export const MODEL_CACHE_NAME = "beatsight-models-v1";

export interface ModelFileRef {
  /** URL path the file is served from, e.g. /models/transcriber-v1.onnx */
  url: string;
  sha256: string;
  bytes: number;
}

export interface DownloadProgress {
  url: string;
  loadedBytes: number;
  totalBytes: number;
  fromCache: boolean;
}

export interface CacheLike {
  match(key: string): Promise<Response | undefined>;
  put(key: string, response: Response): Promise<void>;
  keys?(): Promise<readonly Request[]>;
  delete?(key: string | Request): Promise<boolean>;
}

export interface ModelStoreDeps {
  fetch: typeof fetch;
  openCache: () => Promise<CacheLike | null>;
}

export class ModelIntegrityError extends Error {
  override name = "ModelIntegrityError";
}

export interface LoadedModel {
  bytes: Uint8Array;
  fromCache: boolean;
  /** False when the cache refused the file (e.g. quota): it will be downloaded again next time. */
  cached: boolean;
}

export function browserModelStoreDeps(): ModelStoreDeps {
  return {
    fetch: (...args) => fetch(...args),
    openCache: async () => {
      try {
        // Read off globalThis: this module is shared with Node, which has no Cache Storage (there
        // the lookup fails and the file is downloaded, as on a quota error).
        const storage = (globalThis as { caches?: { open(name: string): Promise<unknown> } }).caches;
        return storage ? ((await storage.open(MODEL_CACHE_NAME)) as CacheLike) : null;
      } catch {
        return null;
      }
    },
  };
}

const cacheKey = (ref: ModelFileRef) => `${ref.url}?sha256=${ref.sha256}`;

export async function loadModelFile(
  signal: AbortSignal,
  ref: ModelFileRef,
  deps: ModelStoreDeps,
  onProgress?: (p: DownloadProgress) => void,
): Promise<LoadedModel> {
  throwIfAborted(signal);
  const cache = await deps.openCache();
  const hit = await cache?.match(cacheKey(ref)).catch(() => undefined);
  if (hit) {
    const bytes = new Uint8Array(await hit.arrayBuffer());
    // A cached file is re-checked: storage can be corrupted, and a wrong model is worse than a slow one.
    if ((await sha256Hex(bytes)) === ref.sha256) {
      onProgress?.({ url: ref.url, loadedBytes: bytes.length, totalBytes: bytes.length, fromCache: true });
      return { bytes, fromCache: true, cached: true };
    }
    await cache?.delete?.(cacheKey(ref)).catch(() => false);
  }

  const response = await deps.fetch(ref.url, { signal });
  if (!response.ok) throw new Error(`Could not download ${ref.url}: the server answered ${response.status}.`);
  const bytes = await readWithProgress(signal, response, ref, onProgress);
  if (bytes.length !== ref.bytes) {
    throw new ModelIntegrityError(
      `${ref.url} is ${bytes.length} bytes; the manifest says ${ref.bytes}. Reload the page to get the current model list.`,
    );
  }
  const digest = await sha256Hex(bytes);
  if (digest !== ref.sha256) {
    throw new ModelIntegrityError(
      `${ref.url} does not match its manifest checksum (got ${digest.slice(0, 12)}…). Reload to try again.`,
    );
  }
  let cached = false;
  if (cache) {
    try {
      await cache.put(
        cacheKey(ref),
        new Response(bytes as Uint8Array<ArrayBuffer>, {
          headers: { "Content-Type": "application/octet-stream" },
        }),
      );
      cached = true;
    } catch {
      cached = false; // QuotaExceededError and friends: keep working without the cache
    }
  }
  return { bytes, fromCache: false, cached };
}

/**
 * Bytes of `files` not in the model cache yet: what the next generation downloads, the one figure
 * the page shows before and during the download. A cache that cannot be read counts as empty.
 */
export async function bytesToDownload(
  files: readonly ModelFileRef[],
  deps: Pick<ModelStoreDeps, "openCache">,
): Promise<number> {
  const cache = await deps.openCache();
  let missing = 0;
  for (const ref of files) {
    const hit = await cache?.match(cacheKey(ref)).catch(() => undefined);
    if (!hit) missing += ref.bytes;
  }
  return missing;
}

/** Removes cached model files that no current manifest entry refers to. Returns how many went. */
export async function pruneModelCache(
  current: readonly ModelFileRef[],
  deps: Pick<ModelStoreDeps, "openCache">,
): Promise<number> {
  const cache = await deps.openCache();
  if (!cache?.keys || !cache.delete) return 0;
  const wanted = new Set(current.map(cacheKey));
  let removed = 0;
  for (const request of await cache.keys()) {
    const key = new URL(request.url, "http://x").pathname + new URL(request.url, "http://x").search;
    if (!wanted.has(key) && (await cache.delete(request))) removed++;
  }
  return removed;
}

async function readWithProgress(
  signal: AbortSignal,
  response: Response,
  ref: ModelFileRef,
  onProgress?: (p: DownloadProgress) => void,
): Promise<Uint8Array> {
  const total = Number(response.headers.get("Content-Length")) || ref.bytes;
  if (!response.body) return new Uint8Array(await response.arrayBuffer());
  const reader = response.body.getReader();
  const out = new Uint8Array(Math.max(total, ref.bytes));
  let loaded = 0;
  try {
    for (;;) {
      throwIfAborted(signal);
      const { done, value } = await reader.read();
      if (done) break;
      if (loaded + value.length > out.length) {
        throw new ModelIntegrityError(`${ref.url} is larger than the manifest says (${ref.bytes} bytes).`);
      }
      out.set(value, loaded);
      loaded += value.length;
      onProgress?.({ url: ref.url, loadedBytes: loaded, totalBytes: total, fromCache: false });
    }
  } finally {
    reader.releaseLock();
  }
  return out.subarray(0, loaded);
}

export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}
