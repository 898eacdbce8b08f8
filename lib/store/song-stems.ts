// Which stored stems play with a chart in the editor: the chart's own (a chart generated on this
// device), else those of another chart of the same song kept here — the drummer's generated chart
// of a song whose server map they now edit, say. Stems of the very recording the chart was made on
// sit on its timeline as they are; stems of another recording of the song must be lined up first
// (lib/editor/stem-placement.ts), as the player lines up a drummer's own file.
import type { Beatmap } from "../beatmap/schema.ts";
import type { BeatSightDb, StoredChart, StoredStems } from "./db.ts";

export interface SongStemsQuery {
  /** The library chart being edited. */
  chartId?: string;
  /** The server's song id. */
  songId?: string;
  /** The server map's versions: a library chart that is one of them shares their timeline. */
  mapVersionIds?: readonly string[];
  /** Content hashes of those versions (a shared chart may not know its version id). */
  contentHashes?: readonly string[];
  /** The edited chart's recording (Audio.Hash: the file's sha256). */
  audio?: Pick<Beatmap["Audio"], "Hash" | "Fingerprint">;
}

export interface FoundStems {
  stems: StoredStems;
  /** The library chart the stems belong to. */
  chart: StoredChart;
  /** The stems are of the recording the edited chart was made on: on its timeline as they are. */
  sameRecording: boolean;
}

/**
 * The best stems for the query: the chart's own, then a chart that is a version of the same map,
 * then one made on the same file (same hash or fingerprint), then any chart of the same song
 * (by server song id). Null when the device has none.
 */
export async function findSongStems(db: BeatSightDb, query: SongStemsQuery): Promise<FoundStems | null> {
  if (query.chartId) {
    const [stems, chart] = await Promise.all([db.stems.get(query.chartId), db.charts.get(query.chartId)]);
    if (stems && chart) return { stems, chart, sameRecording: true };
  }
  const stored = await db.stems.toCollection().primaryKeys();
  if (stored.length === 0) return null;
  const charts = (await db.charts.bulkGet(stored)).filter((c): c is StoredChart => Boolean(c));
  const versions = new Set(query.mapVersionIds ?? []);
  const hashes = new Set(query.contentHashes ?? []);
  const rank = (c: StoredChart): number => {
    if (c.mapVersionId && versions.has(c.mapVersionId)) return 0;
    if (hashes.has(c.contentHash)) return 0;
    if (query.audio?.Hash && c.beatmap.Audio?.Hash === query.audio.Hash) return 1;
    if (query.audio?.Fingerprint && c.beatmap.Audio?.Fingerprint === query.audio.Fingerprint) return 1;
    if (query.songId && c.songId === query.songId) return 2;
    return Number.POSITIVE_INFINITY;
  };
  // Best rank first; among equals the chart saved last (the newest generation).
  const best = charts
    .map((chart) => ({ chart, rank: rank(chart) }))
    .filter((c) => Number.isFinite(c.rank))
    .sort((a, b) => a.rank - b.rank || b.chart.updatedAt - a.chart.updatedAt)[0];
  if (!best) return null;
  const stems = await db.stems.get(best.chart.id);
  return stems ? { stems, chart: best.chart, sameRecording: best.rank <= 1 } : null;
}
