// Editor drafts on this device (see StoredDraft): the autosave behind the editor.
import type { Beatmap } from "../beatmap/index.ts";
import type { BeatSightDb, StoredDraft } from "./db.ts";

export const localDraftKey = (chartId: string) => `local:${chartId}`;
export const mapDraftKey = (mapId: string) => `map:${mapId}`;

export function loadDraft(db: BeatSightDb, key: string): Promise<StoredDraft | undefined> {
  return db.drafts.get(key);
}

/** Writes the draft; fields not given (a submission id in flight) keep their stored value. */
export async function saveDraft(
  db: BeatSightDb,
  draft: Omit<StoredDraft, "savedAt" | "submissionId"> & { beatmap: Beatmap; submissionId?: string },
  now = Date.now(),
): Promise<StoredDraft> {
  return db.transaction("rw", db.drafts, async () => {
    const previous = await db.drafts.get(draft.key);
    const row: StoredDraft = { ...previous, ...draft, savedAt: now };
    await db.drafts.put(row);
    return row;
  });
}

/** Remembers (or forgets, with undefined) the id of a submission in flight. */
export async function setDraftSubmission(
  db: BeatSightDb,
  key: string,
  id: string | undefined,
): Promise<void> {
  await db.drafts.update(key, { submissionId: id });
}

export async function deleteDraft(db: BeatSightDb, key: string): Promise<void> {
  await db.drafts.delete(key);
}
