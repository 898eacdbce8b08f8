// The device's own library (IndexedDB through Dexie): charts, their stems, practice results,
// settings and the outbox of changes made offline. Schema changes are new versions with an
// upgrade function; never edit a released version (Dexie replays them in order on old data).
import Dexie, { type EntityTable } from "dexie";
import type { Beatmap } from "../beatmap/index.ts";
import type { Level } from "../practice/levels.ts";
import { fingerprintAfterUpdate, printKeysOf } from "./song-print.ts";

export type ChartOrigin = "generated" | "imported" | "server";

export interface StoredChart {
  /** Local id (uuid). */
  id: string;
  /** The server's song id, once known. */
  songId?: string;
  /** The server's map version id this chart came from, if any. */
  mapVersionId?: string;
  title: string;
  artist: string;
  origin: ChartOrigin;
  /** sha256 of the canonical .bsm. */
  contentHash: string;
  beatmap: Beatmap;
  noteCount: number;
  durationMs: number;
  /**
   * Where the drummer's own recording of the song sits on the chart: recording time = chart time
   * + audioOffsetMs (song identity's offset, refined by the player; lib/practice/audio-align.ts).
   */
  audioOffsetMs?: number;
  /**
   * Index keys of the recording's fingerprint (beatmap.Audio.Fingerprint), kept by the table's
   * hooks: how a later drop of the song, in any encoding, finds this chart (./local-songs.ts).
   */
  printKeys?: number[];
  createdAt: number;
  updatedAt: number;
}

export interface StoredStems {
  chartId: string;
  sampleRate: number;
  /**
   * Ogg Opus files (./stems.ts), or 16-bit WAV where the browser had no Opus encoder; the Blob's
   * type says which. The full mix is drums + accompaniment (they add up to the song).
   */
  drums: Blob;
  accompaniment: Blob;
  bytes: number;
  createdAt: number;
}

export interface StoredSetting {
  key: string;
  value: unknown;
}

/** A change made on this device, waiting to be sent; `id` is the client mutation id. */
export interface OutboxEntry {
  id: string;
  kind: string;
  payload: unknown;
  createdAt: number;
  attempts: number;
  /** pending: will be sent; failed: the server refused it for good (the user may retry or discard). */
  state: "pending" | "failed";
  lastError?: string;
}

/** One practice run (or loop session) of a chart, kept on this device. */
export interface StoredResult {
  id: string;
  chartId: string;
  /** The chart's content hash, so results survive a re-import of the same chart. */
  contentHash: string;
  createdAt: number;
  /** Playback rate, 0.25–1.5. */
  rate: number;
  /** Song ms range played (a loop, or the whole chart). */
  fromMs: number;
  toMs: number;
  input: "keyboard" | "touch" | "midi" | "mixed";
  /** The difficulty level played (lib/practice/levels.ts); absent on runs from before levels: Expert. */
  level?: Level;
  /** The run's summary (lib/practice/stats.ts RunSummary). */
  summary: unknown;
}

/**
 * Unsaved editor work, one per chart being edited: written a moment after every edit, so a
 * refresh, a crash or going offline loses nothing. `key` is "local:<chartId>" or "map:<mapId>".
 */
export interface StoredDraft {
  key: string;
  /** The chart as edited. */
  beatmap: Beatmap;
  /** sha256 of the canonical chart the edit started from: a draft for another base is stale. */
  baseHash: string;
  /** The server version the edit started from (server maps). */
  baseVersionId?: string;
  /** Where the notes the fixer confirmed are. */
  confirmed: { time: number; lane: number }[];
  /** Client mutation id of a submission in flight, reused on retry so it lands once. */
  submissionId?: string;
  /** As StoredChart.printKeys: a draft of a server map is found by a drop of its song too. */
  printKeys?: number[];
  savedAt: number;
}

export class BeatSightDb extends Dexie {
  charts!: EntityTable<StoredChart, "id">;
  stems!: EntityTable<StoredStems, "chartId">;
  settings!: EntityTable<StoredSetting, "key">;
  outbox!: EntityTable<OutboxEntry, "id">;
  results!: EntityTable<StoredResult, "id">;
  drafts!: EntityTable<StoredDraft, "key">;

  constructor(name = "beatsight") {
    super(name);
    this.version(1).stores({
      charts: "id, songId, contentHash, updatedAt",
      stems: "chartId",
      settings: "key",
      outbox: "id, createdAt",
    });
    // v2: practice results. New table only; existing rows need no change.
    this.version(2)
      .stores({ results: "id, chartId, contentHash, createdAt" })
      .upgrade(() => {});
    // v3: outbox entries carry a state, so a refused change stops blocking the ones behind it.
    this.version(3)
      .stores({ outbox: "id, createdAt, state" })
      .upgrade((tx) =>
        tx
          .table("outbox")
          .toCollection()
          .modify((entry: Partial<OutboxEntry>) => {
            entry.state ??= "pending";
          }),
      );
    // v4: editor drafts. New table only; existing rows need no change.
    this.version(4)
      .stores({ drafts: "key, savedAt" })
      .upgrade(() => {});
    // v5: charts and drafts are found by their song's fingerprint (multiEntry index of its keys).
    this.version(5)
      .stores({
        charts: "id, songId, contentHash, updatedAt, *printKeys",
        drafts: "key, savedAt, *printKeys",
      })
      .upgrade(async (tx) => {
        const index = (row: { beatmap: Beatmap; printKeys?: number[] }) => {
          const keys = printKeysOf(row.beatmap);
          if (keys) row.printKeys = keys;
        };
        await tx.table("charts").toCollection().modify(index);
        await tx.table("drafts").toCollection().modify(index);
      });
    // The keys follow the beatmap on every write, whichever code writes it.
    for (const table of [this.charts, this.drafts] as const) {
      table.hook("creating", (_key, row: { beatmap: Beatmap; printKeys?: number[] }) => {
        const keys = printKeysOf(row.beatmap);
        if (keys) row.printKeys = keys;
        else delete row.printKeys;
      });
      table.hook("updating", (mods) => {
        const after = fingerprintAfterUpdate(mods as Record<string, unknown>);
        return after.changed ? { printKeys: printKeysOf(after.beatmap) } : undefined;
      });
    }
  }
}

let instance: BeatSightDb | undefined;

/** The app's database (browser); tests construct their own BeatSightDb with fake-indexeddb. */
export function localDb(): BeatSightDb {
  instance ??= new BeatSightDb();
  return instance;
}
