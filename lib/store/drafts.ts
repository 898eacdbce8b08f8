// Editor drafts on this device (see StoredDraft): the autosave behind the editor.
import type { Beatmap } from "../beatmap/index.ts";
import type { BeatSightDb, StoredDraft } from "./db.ts";

export const localDraftKey = (chartId: string) => `local:${chartId}`;
export const mapDraftKey = (mapId: string) => `map:${mapId}`;

export function loadDraft(db: BeatSightDb, key: string): Promise<StoredDraft | undefined> {
  return db.drafts.get(key);
}

export async function saveDraft(
  db: BeatSightDb,
  draft: Omit<StoredDraft, "savedAt"> & { beatmap: Beatmap },
  now = Date.now(),
): Promise<StoredDraft> {
  const row: StoredDraft = { ...draft, savedAt: now };
  await db.drafts.put(row);
  return row;
}

export async function deleteDraft(db: BeatSightDb, key: string): Promise<void> {
  await db.drafts.delete(key);
}
