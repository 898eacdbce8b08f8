// Moves a chart onto another recording's timeline: the same song with more or less audio before
// it (leading silence, a cut intro). Song identity tells how far apart the two are
// (server/services/songs.ts, offsetSeconds); charts are stored on the song's own timeline.
import { roundMs } from "./canonical.ts";
import type { Beatmap, Timing } from "./schema.ts";

/**
 * The chart with every time moved by `deltaMs` (negative: earlier). Notes, bookmarks and the
 * preview that would fall before 0 are dropped; a tempo change that would fall before 0 becomes
 * the chart's starting tempo (Timing.Offset may be negative: the grid still lines up after 0).
 * `durationMs` is the new recording's length (Audio.Duration), when known. Audio.Hash and
 * Audio.Fingerprint are dropped: they describe the recording the chart was on, not the new one.
 */
export function shiftBeatmap(b: Beatmap, deltaMs: number, durationMs?: number): Beatmap {
  if (deltaMs === 0 && durationMs === undefined) return b;
  const moved = (t: number) => roundMs(t + deltaMs);
  const notes = b.HitObjects.map((n) => ({ ...n, Time: moved(n.Time) })).filter((n) => n.Time >= 0);
  const end =
    durationMs ?? (b.Audio.Duration === undefined ? undefined : Math.max(0, b.Audio.Duration + deltaMs));
  const preview = b.Metadata.PreviewTime === undefined ? undefined : moved(b.Metadata.PreviewTime);
  const bookmarks = b.Editor?.Bookmarks?.map(moved).filter((t) => t >= 0);
  const { PreviewTime: _, ...metadata } = b.Metadata;
  const { Hash: _hash, Fingerprint: _fingerprint, ...audio } = b.Audio;
  return {
    ...b,
    Metadata: { ...metadata, ...(preview !== undefined && preview >= 0 ? { PreviewTime: preview } : {}) },
    Audio: { ...audio, ...(end !== undefined ? { Duration: roundMs(end) } : {}) },
    ...(b.Timing ? { Timing: shiftTiming(b.Timing, moved) } : {}),
    ...(b.Editor ? { Editor: { ...b.Editor, ...(bookmarks ? { Bookmarks: bookmarks } : {}) } } : {}),
    HitObjects: notes,
  };
}

/**
 * Moves the tempo map. Every section keeps its grid Confidence and Feel: a point that would fall
 * before 0 becomes the start, taking over what it states (tempo, and its time signature,
 * Confidence and Feel where it sets them; what it leaves unset carries on from before, as it did).
 */
function shiftTiming(timing: Timing, moved: (t: number) => number): Timing {
  const start: Timing = { ...timing, Offset: moved(timing.Offset), TimingPoints: [] };
  for (const p of [...timing.TimingPoints].sort((a, c) => a.Time - c.Time)) {
    const time = moved(p.Time);
    if (time >= 0) {
      start.TimingPoints.push({ ...p, Time: time });
      continue;
    }
    start.Bpm = p.Bpm;
    start.Offset = time;
    if (p.TimeSignature !== undefined) start.TimeSignature = p.TimeSignature;
    if (p.Confidence !== undefined) start.Confidence = p.Confidence;
    if (p.Feel !== undefined) start.Feel = p.Feel;
  }
  return start;
}
