// Tap tempo: the drummer taps a key along with the music and the BPM is the least-squares slope
// of the tap times against their count, so one early or late tap moves the answer far less than
// it would an average of intervals. A pause longer than TAP_RESET_MS starts a new count.

export const TAP_RESET_MS = 2000;
/** Only the latest taps count, so a long run of tapping follows a tempo that drifts. */
export const TAP_WINDOW = 32;
/** Fewer taps than this are too few to set a section's BPM from. */
export const TAPS_TO_APPLY = 4;

/** The taps after one more at `atMs` (ms on any steady clock, e.g. an event's timeStamp). */
export function addTap(taps: readonly number[], atMs: number): number[] {
  const last = taps.at(-1);
  if (last === undefined || atMs <= last || atMs - last > TAP_RESET_MS) return [atMs];
  return [...taps, atMs].slice(-TAP_WINDOW);
}

/** Beats per minute from the taps (one tap a beat), or null below two taps. */
export function tappedBpm(taps: readonly number[]): number | null {
  const n = taps.length;
  if (n < 2) return null;
  const meanI = (n - 1) / 2;
  const meanT = taps.reduce((a, b) => a + b, 0) / n;
  let num = 0;
  let den = 0;
  taps.forEach((t, i) => {
    num += (i - meanI) * (t - meanT);
    den += (i - meanI) ** 2;
  });
  const msPerBeat = num / den;
  return msPerBeat > 0 ? 60_000 / msPerBeat : null;
}
