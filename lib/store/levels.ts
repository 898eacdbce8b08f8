// The difficulty level a drummer last chose for a song, on this device: the song page, the map
// page and the player read and write the same choice. A song the server knows is keyed by its
// id (every chart of it shares the choice); a chart only on this device by its content.
import { type Level, parseLevel } from "../practice/levels.ts";
import type { BeatSightDb } from "./db.ts";
import { getSetting, putSetting } from "./results.ts";

const PREFIX = "practice.level.";

export function songKey(song: { songId?: string | undefined; contentHash?: string | undefined }): string {
  if (song.songId) return `song:${song.songId}`;
  if (song.contentHash) return `chart:${song.contentHash}`;
  throw new Error("A song key needs the server's song id or the chart's content hash.");
}

/** The level last chosen for the song, or Expert. */
export async function rememberedLevel(db: BeatSightDb, key: string): Promise<Level> {
  return parseLevel(await getSetting(db, PREFIX + key));
}

export async function rememberLevel(db: BeatSightDb, key: string, level: Level): Promise<void> {
  await putSetting(db, PREFIX + key, level);
}
