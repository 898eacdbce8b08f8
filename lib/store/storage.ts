// What this device keeps and whether the browser may evict it: the storage view's facts, and the
// one clear message for a full disk.
import { MODEL_CACHE_NAME } from "../inference/model-store.ts";
import { CACHE_PREFIX } from "../offline/pwa-constants.ts";
import type { BeatSightDb } from "./db.ts";

export interface StorageState {
  /** True when the browser promised not to evict this site's data under storage pressure. */
  persisted: boolean | null;
  usageBytes: number | null;
  quotaBytes: number | null;
}

export async function storageState(): Promise<StorageState> {
  const storage = typeof navigator !== "undefined" ? navigator.storage : undefined;
  const [persisted, estimate] = await Promise.all([
    storage?.persisted?.().catch(() => null) ?? null,
    storage?.estimate?.().catch(() => null) ?? null,
  ]);
  return {
    persisted,
    usageBytes: estimate?.usage ?? null,
    quotaBytes: estimate?.quota ?? null,
  };
}

/**
 * Asks the browser to keep this site's data. Asked when the first chart is saved: that is when a
 * drummer has something to lose, and Chromium grants it to sites the user engages with.
 */
export async function requestPersistence(): Promise<boolean> {
  try {
    return (await navigator.storage?.persist?.()) ?? false;
  } catch {
    return false;
  }
}

export interface ChartUsage {
  chartId: string;
  title: string;
  chartBytes: number;
  stemBytes: number;
}

/** Space per chart: the chart's JSON and its stems, largest first. */
export async function chartUsage(db: BeatSightDb): Promise<ChartUsage[]> {
  const [charts, stems] = await Promise.all([db.charts.toArray(), db.stems.toArray()]);
  const stemBytes = new Map(stems.map((s) => [s.chartId, s.bytes]));
  return charts
    .map((c) => ({
      chartId: c.id,
      title: c.title,
      chartBytes: JSON.stringify(c.beatmap).length,
      stemBytes: stemBytes.get(c.id) ?? 0,
    }))
    .sort((a, b) => b.chartBytes + b.stemBytes - (a.chartBytes + a.stemBytes));
}

export type CacheKind = "app" | "pages" | "models" | "runtime";

export interface CacheUsage {
  kind: CacheKind;
  bytes: number;
  files: number;
  /** The Cache Storage names behind this line (what removing it deletes). */
  names: string[];
}

/** What each kind is, for people; and whether removing it costs only a download later. */
export const CACHE_KINDS: Record<CacheKind, { label: string; removable: boolean }> = {
  app: { label: "The app itself (for offline use)", removable: false },
  pages: { label: "Pages you visited", removable: true },
  models: { label: "Chart generation models", removable: true },
  runtime: { label: "Chart generation runtime (WebAssembly)", removable: true },
};

function kindOf(name: string): CacheKind | null {
  if (name === MODEL_CACHE_NAME) return "models";
  for (const [kind, prefix] of Object.entries(CACHE_PREFIX)) {
    if (name.startsWith(prefix)) return kind as CacheKind;
  }
  return null;
}

/** The part of CacheStorage this needs (tests pass a fake). */
export interface CacheStorageLike {
  keys(): Promise<string[]>;
  open(name: string): Promise<{
    keys(): Promise<readonly Request[]>;
    match(request: Request): Promise<Response | undefined>;
  }>;
  delete(name: string): Promise<boolean>;
}

/**
 * Space taken by the offline caches (app shell, visited pages, models, runtime), largest first.
 * Sizes come from each response's Content-Length, else from reading it.
 */
export async function cacheUsage(
  storage: CacheStorageLike | undefined = globalThis.caches,
): Promise<CacheUsage[]> {
  if (!storage) return [];
  const byKind = new Map<CacheKind, CacheUsage>();
  for (const name of await storage.keys()) {
    const kind = kindOf(name);
    if (!kind) continue;
    const usage = byKind.get(kind) ?? { kind, bytes: 0, files: 0, names: [] };
    usage.names.push(name);
    const cache = await storage.open(name);
    for (const request of await cache.keys()) {
      const response = await cache.match(request);
      if (!response) continue;
      const length = Number(response.headers.get("content-length"));
      usage.bytes += Number.isFinite(length) && length > 0 ? length : (await response.blob()).size;
      usage.files++;
    }
    byKind.set(kind, usage);
  }
  return [...byKind.values()].sort((a, b) => b.bytes - a.bytes);
}

/** Frees a cache line of the storage view; the files are fetched again when next needed. */
export async function removeCaches(
  usage: CacheUsage,
  storage: CacheStorageLike | undefined = globalThis.caches,
): Promise<void> {
  if (!CACHE_KINDS[usage.kind].removable) throw new Error("The app's own files are needed to work offline.");
  await Promise.all(usage.names.map((name) => storage?.delete(name)));
}

/** Dexie wraps the browser's error; either way the name says the disk (or quota) is full. */
export function isQuotaError(error: unknown): boolean {
  const seen = new Set<unknown>();
  let e: unknown = error;
  while (e && typeof e === "object" && !seen.has(e)) {
    seen.add(e);
    const name = (e as { name?: string }).name;
    if (name === "QuotaExceededError" || name === "QuotaExceeded") return true;
    e = (e as { inner?: unknown; cause?: unknown }).inner ?? (e as { cause?: unknown }).cause;
  }
  return false;
}

export const QUOTA_MESSAGE =
  "This device has no room left for BeatSight's data. Free space in the library's storage view (stems take the most), then try again.";

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(0)} kB`;
  if (bytes < 1024 ** 3) return `${(bytes / 1024 ** 2).toFixed(1)} MB`;
  return `${(bytes / 1024 ** 3).toFixed(1)} GB`;
}
