// Hands the file a user dropped on the intake page to the generate page without uploading or
// re-reading it. Client-side navigation keeps this module alive; a full page load does not (offline,
// Next's router cannot fetch the next page's data and loads it whole from the service worker), so
// the song is also left in a Cache Storage entry of its own for a minute. After that, or
// where Cache Storage is missing, the generate page simply asks for the file again.
export interface PendingSong {
  file: File;
  songId?: string;
  fingerprint?: string;
  durationSeconds?: number;
  /** The drummer already asked for the chart (the intake's "Generate the chart"): start at once. */
  autostart?: boolean;
}

/** Not a worker-owned cache (lib/offline/pwa-constants.ts): a worker update may clear it, harmlessly. */
const HANDOFF_CACHE = "beatsight-handoff";
const HANDOFF_KEY = "/handoff/generate";
/** A handed-over song older than this was not meant for this visit (a full load takes seconds). */
const HANDOFF_MAX_AGE_MS = 60 * 1000;

interface HandoffMeta extends Omit<PendingSong, "file"> {
  name: string;
  type: string;
  lastModified: number;
  at: number;
}

let pending: PendingSong | undefined;

async function handoffCache(): Promise<Cache | null> {
  try {
    return typeof caches === "undefined" ? null : await caches.open(HANDOFF_CACHE);
  } catch {
    return null;
  }
}

/** Keeps the song for the generate page; resolves once it survives a full page load too. */
export async function setPendingSong(song: PendingSong): Promise<void> {
  pending = song;
  const { file, ...rest } = song;
  const meta: HandoffMeta = {
    ...rest,
    name: file.name,
    type: file.type,
    lastModified: file.lastModified,
    at: Date.now(),
  };
  try {
    await (await handoffCache())?.put(
      HANDOFF_KEY,
      new Response(file, { headers: { "x-beatsight-song": encodeURIComponent(JSON.stringify(meta)) } }),
    );
  } catch {
    // Quota or a private mode: the in-memory hand-over still serves client-side navigation.
  }
}

/** Returns the pending song once; later calls get nothing. */
export async function takePendingSong(): Promise<PendingSong | undefined> {
  const cache = await handoffCache();
  const stored = await cache?.match(HANDOFF_KEY).catch(() => undefined);
  await cache?.delete(HANDOFF_KEY).catch(() => false);
  if (pending) {
    const song = pending;
    pending = undefined;
    return song;
  }
  const header = stored?.headers.get("x-beatsight-song");
  if (!stored || !header) return undefined;
  try {
    const { name, type, lastModified, at, ...rest } = JSON.parse(decodeURIComponent(header)) as HandoffMeta;
    if (Date.now() - at > HANDOFF_MAX_AGE_MS) return undefined;
    return { ...rest, file: new File([await stored.blob()], name, { type, lastModified }) };
  } catch {
    return undefined;
  }
}
