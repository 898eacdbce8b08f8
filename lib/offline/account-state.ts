// Who this device last saw signed in, kept in the local library's settings. Offline the server
// cannot be asked, yet a finished practice run must be queued for the account only if there is one:
// changes that need an account are not queued for a visitor the app knows to be signed out.
import type { BeatSightDb } from "../store/db.ts";
import { getSetting, putSetting } from "../store/results.ts";

const KEY = "lastKnownAccount";

interface KnownAccount {
  /** The signed-in user's id, or null when the server last said nobody is signed in. */
  userId: string | null;
  at: number;
}

/** Records the server's latest answer to "who is signed in?". */
export async function rememberAccount(
  db: BeatSightDb,
  userId: string | null,
  now = Date.now(),
): Promise<void> {
  const known = await getSetting<KnownAccount>(db, KEY);
  if (known?.userId === userId) return;
  await putSetting(db, KEY, { userId, at: now } satisfies KnownAccount);
}

/** True only when the server said, last time it was asked, that nobody is signed in. */
export async function knownSignedOut(db: BeatSightDb): Promise<boolean> {
  const known = await getSetting<KnownAccount>(db, KEY);
  return known !== undefined && known.userId === null;
}
