// Charts kept on this device: what the generate page saves and the library lists.
import { type Beatmap, contentHash } from "../beatmap/index.ts";
import type { BeatSightDb, ChartOrigin, StoredChart, StoredStems } from "./db.ts";
import { browserStemEncoder, compressStems, type StemEncoder } from "./stems.ts";

export interface SaveChartInput {
  beatmap: Beatmap;
  origin: ChartOrigin;
  songId?: string;
  /** The server's map version this chart is (practice results of it can go to the account). */
  mapVersionId?: string;
  /** Where the drummer's recording sits on the chart (StoredChart.audioOffsetMs). */
  audioOffsetMs?: number;
  /** 16-bit WAV (or already compressed): stored compressed where the browser can (./stems.ts). */
  stems?: Omit<StoredStems, "chartId" | "createdAt" | "bytes">;
}

/**
 * Saves a chart (and its stems, compressed first) atomically. The same content saved twice is
 * kept once.
 */
export async function saveChart(
  db: BeatSightDb,
  input: SaveChartInput,
  now = Date.now(),
  encoder: StemEncoder = browserStemEncoder,
): Promise<StoredChart> {
  const hash = await contentHash(input.beatmap);
  // Encoding takes seconds and cannot run inside an IndexedDB transaction (it would commit on the
  // first await): done before, and not at all for a chart the library already has.
  const known = await db.charts.where("contentHash").equals(hash).first();
  const stems = input.stems && !known ? await compressStems(undefined, input.stems, encoder) : undefined;
  return db.transaction("rw", db.charts, db.stems, async () => {
    const existing = await db.charts.where("contentHash").equals(hash).first();
    if (existing) {
      // The same chart, now known to the server (remember where it lives there), or practised
      // with a recording placed elsewhere on it.
      const known = {
        ...(input.mapVersionId && existing.mapVersionId !== input.mapVersionId
          ? { mapVersionId: input.mapVersionId, ...(input.songId ? { songId: input.songId } : {}) }
          : {}),
        ...(input.audioOffsetMs !== undefined && existing.audioOffsetMs !== input.audioOffsetMs
          ? { audioOffsetMs: input.audioOffsetMs }
          : {}),
      };
      if (Object.keys(known).length === 0) return existing;
      await db.charts.update(existing.id, known);
      return { ...existing, ...known };
    }
    const meta = input.beatmap.Metadata;
    const chart: StoredChart = {
      id: crypto.randomUUID(),
      ...(input.songId ? { songId: input.songId } : {}),
      ...(input.mapVersionId ? { mapVersionId: input.mapVersionId } : {}),
      ...(input.audioOffsetMs !== undefined ? { audioOffsetMs: input.audioOffsetMs } : {}),
      title: meta?.Title || input.beatmap.Audio?.Filename || "Untitled",
      artist: meta?.Artist ?? "",
      origin: input.origin,
      contentHash: hash,
      beatmap: input.beatmap,
      noteCount: input.beatmap.HitObjects.length,
      durationMs: input.beatmap.Audio?.Duration ?? input.beatmap.HitObjects.at(-1)?.Time ?? 0,
      createdAt: now,
      updatedAt: now,
    };
    await db.charts.add(chart);
    if (stems) {
      await db.stems.put({
        chartId: chart.id,
        ...stems,
        bytes: stems.drums.size + stems.accompaniment.size,
        createdAt: now,
      });
    }
    return chart;
  });
}

export function listCharts(db: BeatSightDb): Promise<StoredChart[]> {
  return db.charts.orderBy("updatedAt").reverse().toArray();
}

export async function deleteChart(db: BeatSightDb, id: string): Promise<void> {
  await db.transaction("rw", db.charts, db.stems, async () => {
    await db.stems.delete(id);
    await db.charts.delete(id);
  });
}

/** Replaces a stored chart's content (the editor's "Save to library"); stems and results stay. */
export async function updateChartBeatmap(
  db: BeatSightDb,
  id: string,
  beatmap: Beatmap,
  now = Date.now(),
): Promise<StoredChart> {
  const hash = await contentHash(beatmap);
  return db.transaction("rw", db.charts, async () => {
    const existing = await db.charts.get(id);
    if (!existing) throw new Error("This chart is no longer in your library.");
    const next: StoredChart = {
      ...existing,
      beatmap,
      contentHash: hash,
      noteCount: beatmap.HitObjects.length,
      durationMs: beatmap.Audio?.Duration ?? beatmap.HitObjects.at(-1)?.Time ?? 0,
      updatedAt: now,
    };
    await db.charts.put(next);
    return next;
  });
}
