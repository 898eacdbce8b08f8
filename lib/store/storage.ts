// What this device keeps and whether the browser may evict it: the storage view's facts, and the
// one clear message for a full disk.
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
