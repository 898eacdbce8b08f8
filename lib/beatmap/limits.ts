// Caps that keep every parser bounded in memory and time on hostile input. Checked before
// parsing where the size is known up front, and while parsing otherwise.
export const LIMITS = {
  /** .bsm JSON text. A dense 10-minute chart is about 1 MiB. */
  maxBsmBytes: 8 * 1024 * 1024,
  /** .chart and .osu text. */
  maxTextChartBytes: 8 * 1024 * 1024,
  /** .mid files. Real drum MIDI is well under 1 MiB; notes.mid with every instrument a few MiB. */
  maxMidiBytes: 4 * 1024 * 1024,
  maxMidiTracks: 256,
  /** Hit objects in one chart (a 10-minute chart at 30 notes/s is 18,000). */
  maxHitObjects: 100_000,
  maxTimingPoints: 10_000,
  /** JSON nesting depth; a .bsm needs 4. */
  maxJsonDepth: 32,
  /** Lines in a .chart or .osu file. */
  maxLines: 500_000,
  maxStringLength: 1_000,
  maxTags: 64,
  maxBookmarks: 10_000,
} as const;
