// Practice results and per-device practice settings kept on this device.
import type { BeatSightDb, StoredResult } from "./db.ts";

export async function saveResult(
  db: BeatSightDb,
  input: Omit<StoredResult, "id" | "createdAt">,
  now = Date.now(),
): Promise<StoredResult> {
  const result: StoredResult = { id: crypto.randomUUID(), createdAt: now, ...input };
  await db.results.add(result);
  return result;
}

/** A chart's results, newest first. */
export async function listResults(db: BeatSightDb, chartId: string, limit = 50): Promise<StoredResult[]> {
  const rows = await db.results.where("chartId").equals(chartId).sortBy("createdAt");
  return rows.reverse().slice(0, limit);
}

export async function getSetting<T>(db: BeatSightDb, key: string): Promise<T | undefined> {
  return (await db.settings.get(key))?.value as T | undefined;
}

export async function putSetting(db: BeatSightDb, key: string, value: unknown): Promise<void> {
  await db.settings.put({ key, value });
}

export async function deleteResultsFor(db: BeatSightDb, chartId: string): Promise<void> {
  await db.results.where("chartId").equals(chartId).delete();
}
