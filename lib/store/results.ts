// Practice results and per-device practice settings kept on this device.
import { type Level, parseLevel } from "../practice/levels.ts";
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

/** A chart's results, newest first; with `level`, only the runs at that level (none stored: Expert). */
export async function listResults(
  db: BeatSightDb,
  chartId: string,
  limit = 50,
  level?: Level,
): Promise<StoredResult[]> {
  const rows = await db.results.where("chartId").equals(chartId).sortBy("createdAt");
  const atLevel = level ? rows.filter((r) => parseLevel(r.level) === level) : rows;
  return atLevel.reverse().slice(0, limit);
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
