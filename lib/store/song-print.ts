// The song a stored chart or draft belongs to, as the device can find it again: the index keys of
// the recording's fingerprint (beatmap.Audio.Fingerprint), the same value-sampled items the server
// indexes (lib/fingerprint/match.ts). db.ts keeps them on every row through table hooks, so every
// way a chart arrives (generated, imported, a backup, the editor, the server) is findable by a drop.
import type { Beatmap } from "../beatmap/index.ts";
import { decompressFingerprint, FingerprintFormatError } from "../fingerprint/compress.ts";
import { indexKeys } from "../fingerprint/match.ts";

/** The raw fingerprint items of a chart's recording, or null when it has none (or a damaged one). */
export function recordingItems(beatmap: Pick<Beatmap, "Audio"> | undefined): Uint32Array | null {
  const compressed = beatmap?.Audio?.Fingerprint;
  if (!compressed) return null;
  try {
    return decompressFingerprint(compressed).raw;
  } catch (error) {
    // A damaged fingerprint only means the chart cannot be found by a drop; it still plays.
    if (error instanceof FingerprintFormatError) return null;
    throw error;
  }
}

/** Index keys for a row holding `beatmap`; undefined when the chart names no recording. */
export function printKeysOf(beatmap: Pick<Beatmap, "Audio"> | undefined): number[] | undefined {
  const items = recordingItems(beatmap);
  if (!items) return undefined;
  const keys = indexKeys(items);
  return keys.length > 0 ? keys : undefined;
}

/**
 * The fingerprint after a Dexie update given as key-path modifications (`update()` or the diff a
 * `put()` of an existing row makes), or `unchanged` when the update does not touch it.
 */
export function fingerprintAfterUpdate(
  mods: Record<string, unknown>,
): { changed: false } | { changed: true; beatmap: Pick<Beatmap, "Audio"> | undefined } {
  if ("beatmap" in mods) return { changed: true, beatmap: mods.beatmap as Beatmap | undefined };
  if ("beatmap.Audio" in mods) {
    return { changed: true, beatmap: { Audio: mods["beatmap.Audio"] as Beatmap["Audio"] } };
  }
  if ("beatmap.Audio.Fingerprint" in mods) {
    const fingerprint = mods["beatmap.Audio.Fingerprint"] as string | undefined;
    return {
      changed: true,
      beatmap: fingerprint ? { Audio: { Fingerprint: fingerprint } as Beatmap["Audio"] } : undefined,
    };
  }
  return { changed: false };
}
