// The whole library as one file, and back. Browsers may delete a site's storage (Safari after 7
// days without a visit, whatever persist() says), so drummers can keep their own copy: charts,
// settings, practice results and, if they want, the stems (large). Import validates every chart
// as any other .bsm and never overwrites what the device already has.
import "../zod-csp.ts";
import { z } from "zod";
import { contentHash, validateBeatmapObject } from "../beatmap/index.ts";
import type { BeatSightDb, StoredChart, StoredResult, StoredSetting } from "./db.ts";
import { stemTypeOf } from "./stems.ts";

export const BACKUP_FORMAT = "beatsight-library/1";

interface BackupStems {
  chartId: string;
  sampleRate: number;
  /**
   * The stored files, base64: Ogg Opus, or WAV (older backups, devices without an Opus encoder);
   * import tells them apart by their first bytes.
   */
  drums: string;
  accompaniment: string;
}

export interface LibraryBackup {
  format: typeof BACKUP_FORMAT;
  exportedAt: string;
  charts: StoredChart[];
  settings: StoredSetting[];
  results: StoredResult[];
  stems: BackupStems[];
}

async function toBase64(blob: Blob): Promise<string> {
  const bytes = new Uint8Array(await blob.arrayBuffer());
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000)
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

function stemFromBase64(text: string): Blob {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return new Blob([bytes], { type: stemTypeOf(bytes) });
}

export async function exportLibrary(db: BeatSightDb, options: { includeStems: boolean }): Promise<Blob> {
  const [charts, settings, results] = await Promise.all([
    db.charts.toArray(),
    db.settings.toArray(),
    db.results.toArray(),
  ]);
  const stems: BackupStems[] = [];
  if (options.includeStems) {
    for (const s of await db.stems.toArray()) {
      stems.push({
        chartId: s.chartId,
        sampleRate: s.sampleRate,
        drums: await toBase64(s.drums),
        accompaniment: await toBase64(s.accompaniment),
      });
    }
  }
  const backup: LibraryBackup = {
    format: BACKUP_FORMAT,
    exportedAt: new Date().toISOString(),
    charts,
    settings,
    results,
    stems,
  };
  return new Blob([JSON.stringify(backup)], { type: "application/json" });
}

export class BackupError extends Error {
  override name = "BackupError";
}

const BackupShape = z.object({
  format: z.literal(BACKUP_FORMAT, { error: "This is not a BeatSight library file." }),
  charts: z.array(
    z.object({
      id: z.string().max(100),
      title: z.string().max(1000),
      artist: z.string().max(1000),
      origin: z.enum(["generated", "imported", "server"]),
      beatmap: z.unknown(),
      createdAt: z.number(),
      songId: z.string().max(100).optional(),
      mapVersionId: z.string().max(100).optional(),
      audioOffsetMs: z.number().finite().min(-3_600_000).max(3_600_000).optional(),
    }),
  ),
  settings: z.array(z.object({ key: z.string().max(200), value: z.unknown() })).default([]),
  results: z
    .array(z.looseObject({ id: z.string().max(100), chartId: z.string().max(100), createdAt: z.number() }))
    .default([]),
  stems: z
    .array(
      z.object({
        chartId: z.string().max(100),
        sampleRate: z.number().int().min(8000).max(384000),
        drums: z.string(),
        accompaniment: z.string(),
      }),
    )
    .default([]),
});

export interface ImportReport {
  charts: number;
  /** Charts the device already had (same content): kept as they are. */
  skipped: number;
  results: number;
  settings: number;
  stems: number;
}

/** Restores a backup. Charts are checked like any .bsm; existing charts, results and settings win. */
export async function importLibrary(db: BeatSightDb, file: Blob): Promise<ImportReport> {
  let json: unknown;
  try {
    json = JSON.parse(await file.text());
  } catch {
    throw new BackupError("This file is not a BeatSight library file (it is not JSON).");
  }
  const parsed = BackupShape.safeParse(json);
  if (!parsed.success) {
    throw new BackupError(parsed.error.issues[0]?.message ?? "This file is not a BeatSight library file.");
  }
  const backup = parsed.data;
  const report: ImportReport = { charts: 0, skipped: 0, results: 0, settings: 0, stems: 0 };
  // Charts are validated before anything is written: a damaged file imports nothing.
  const charts: StoredChart[] = [];
  for (const c of backup.charts) {
    let beatmap: StoredChart["beatmap"];
    try {
      beatmap = validateBeatmapObject(c.beatmap);
    } catch (error) {
      throw new BackupError(
        `The chart “${c.title}” in this file is damaged (${error instanceof Error ? error.message : String(error)}); nothing was imported.`,
      );
    }
    charts.push({
      ...c,
      beatmap,
      contentHash: await contentHash(beatmap),
      noteCount: beatmap.HitObjects.length,
      durationMs: beatmap.Audio?.Duration ?? beatmap.HitObjects.at(-1)?.Time ?? 0,
      updatedAt: Date.now(),
    });
  }
  // Ids in the file map to ids on this device (a chart already here keeps its own id).
  const idMap = new Map<string, string>();
  await db.transaction("rw", [db.charts, db.stems, db.settings, db.results], async () => {
    for (const chart of charts) {
      const existing = await db.charts.where("contentHash").equals(chart.contentHash).first();
      if (existing) {
        idMap.set(chart.id, existing.id);
        report.skipped++;
        continue;
      }
      const id = (await db.charts.get(chart.id)) ? crypto.randomUUID() : chart.id;
      idMap.set(chart.id, id);
      await db.charts.add({ ...chart, id });
      report.charts++;
    }
    for (const s of backup.stems) {
      const chartId = idMap.get(s.chartId);
      if (!chartId || (await db.stems.get(chartId))) continue;
      const drums = stemFromBase64(s.drums);
      const accompaniment = stemFromBase64(s.accompaniment);
      await db.stems.add({
        chartId,
        sampleRate: s.sampleRate,
        drums,
        accompaniment,
        bytes: drums.size + accompaniment.size,
        createdAt: Date.now(),
      });
      report.stems++;
    }
    for (const r of backup.results) {
      const chartId = idMap.get(r.chartId);
      if (!chartId || (await db.results.get(r.id))) continue;
      await db.results.add({ ...(r as unknown as StoredResult), chartId });
      report.results++;
    }
    for (const s of backup.settings) {
      if (await db.settings.get(s.key)) continue;
      await db.settings.add(s);
      report.settings++;
    }
  });
  return report;
}
