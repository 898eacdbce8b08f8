// Which of the device's own charts and drafts are of a dropped song: looked up by fingerprint before
// (and without) the network, by the server's rules (lib/fingerprint/match.ts), so an mp3 copy of the
// song a chart was made from finds it, not only the identical file. Candidates come from the rows'
// multiEntry index of fingerprint keys; only those sharing MIN_SHARED_KEYS keys are read and aligned.
import { decompressFingerprint } from "../fingerprint/compress.ts";
import {
  confidenceOf,
  endsAgree,
  ITEMS_PER_SECOND,
  indexKeys,
  MATCH_MAX_BER,
  MIN_SHARED_KEYS,
  scoreAlignment,
} from "../fingerprint/match.ts";
import type { BeatSightDb, StoredChart, StoredDraft } from "./db.ts";
import { localDraftKey } from "./drafts.ts";
import { recordingItems } from "./song-print.ts";

export interface DropFingerprint {
  /** fpcalc's compressed form, as the intake computes it. */
  fingerprint: string;
  /** The dropped file's whole duration. */
  durationSeconds: number;
}

interface Aligned {
  bitErrorRate: number;
  /** 0–1, as the server's SongMatch.confidence. */
  confidence: number;
  /** Seconds the dropped file is shifted relative to the chart's recording (SongMatch.offsetSeconds). */
  offsetSeconds: number;
}

export interface LocalChartMatch extends Aligned {
  chart: StoredChart;
  /** Unsaved editor work on this chart, if any. */
  draft: StoredDraft | undefined;
}

export interface LocalMapDraftMatch extends Aligned {
  draft: StoredDraft;
  /** The server map the draft edits ("map:<id>" drafts). */
  mapId: string;
}

export interface LocalSongMatches {
  /** Best match first. */
  charts: LocalChartMatch[];
  mapDrafts: LocalMapDraftMatch[];
}

/** The device's charts and server-map drafts of the dropped recording. Reads nothing from the network. */
export async function findLocalCharts(db: BeatSightDb, drop: DropFingerprint): Promise<LocalSongMatches> {
  const query = decompressFingerprint(drop.fingerprint).raw;
  const keys = indexKeys(query);
  if (keys.length === 0) return { charts: [], mapDrafts: [] };

  // One index read per key, all in one transaction: in Chromium 10× faster than anyOf(keys), whose
  // cursor walks the index (bench/local-lookup-browser.bench.ts). Each hit is one shared key, so
  // the counts say how much a row shares with the drop.
  const [chartIds, draftKeys] = await db.transaction("r", db.charts, db.drafts, () =>
    Promise.all([
      Promise.all(keys.map((k) => db.charts.where("printKeys").equals(k).primaryKeys())),
      Promise.all(keys.map((k) => db.drafts.where("printKeys").equals(k).primaryKeys())),
    ]).then(([c, d]) => [c.flat(), d.flat()] as const),
  );
  const chartRows = (await db.charts.bulkGet(candidates(chartIds))).filter((c) => c !== undefined);
  const draftRows = (await db.drafts.bulkGet(candidates(draftKeys))).filter((d) => d !== undefined);

  const charts: LocalChartMatch[] = [];
  for (const chart of chartRows) {
    const aligned = align(query, drop.durationSeconds, chart.beatmap, chart.durationMs);
    if (aligned) charts.push({ ...aligned, chart, draft: await db.drafts.get(localDraftKey(chart.id)) });
  }
  const mapDrafts: LocalMapDraftMatch[] = [];
  for (const draft of draftRows) {
    if (!draft.key.startsWith("map:")) continue; // a local chart's draft comes with its chart
    const aligned = align(query, drop.durationSeconds, draft.beatmap, draft.beatmap.Audio?.Duration ?? 0);
    if (aligned) mapDrafts.push({ ...aligned, draft, mapId: draft.key.slice("map:".length) });
  }
  charts.sort((a, b) => a.bitErrorRate - b.bitErrorRate || b.chart.updatedAt - a.chart.updatedAt);
  mapDrafts.sort((a, b) => a.bitErrorRate - b.bitErrorRate || b.draft.savedAt - a.draft.savedAt);
  return { charts, mapDrafts };
}

function candidates<K>(hits: K[]): K[] {
  const shared = new Map<K, number>();
  for (const key of hits) shared.set(key, (shared.get(key) ?? 0) + 1);
  return [...shared].filter(([, n]) => n >= MIN_SHARED_KEYS).map(([key]) => key);
}

/** The server's decision (identifyParsed): low enough BER, and the two recordings end together. */
function align(
  query: Uint32Array,
  querySeconds: number,
  beatmap: StoredChart["beatmap"],
  storedMs: number,
): Aligned | null {
  const stored = recordingItems(beatmap);
  if (!stored) return null;
  const score = scoreAlignment(query, stored);
  const offsetSeconds = score.offset / ITEMS_PER_SECOND;
  const storedSeconds = (beatmap.Audio?.Duration ?? storedMs) / 1000;
  if (score.bitErrorRate > MATCH_MAX_BER) return null;
  if (storedSeconds > 0 && !endsAgree(querySeconds, storedSeconds, offsetSeconds)) return null;
  return {
    bitErrorRate: Math.round(score.bitErrorRate * 10_000) / 10_000,
    confidence: confidenceOf(score.bitErrorRate),
    offsetSeconds: Math.round(offsetSeconds * 1000) / 1000,
  };
}
