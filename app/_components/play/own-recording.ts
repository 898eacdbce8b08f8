// The drummer's own recording of the song, placed on the chart: decoded once, lined up with the
// chart's notes (lib/practice/audio-align.ts) from where song identity put it, and shifted so the
// engine can play it as if it started with the chart.
import type { HitObject } from "@/lib/beatmap/schema.ts";
import { type Alignment, alignToChart, attackEnvelopes, shiftSamples } from "@/lib/practice/audio-align.ts";
import { decodeAudio } from "@/lib/practice/audio-engine.ts";

export interface OwnRecording {
  /** As decoded, before any shift. */
  raw: AudioBuffer;
  alignment: Alignment;
}

export async function lineUpRecording(
  ctx: BaseAudioContext,
  file: Blob,
  notes: readonly HitObject[],
  coarseMs: number,
): Promise<OwnRecording> {
  const raw = await decodeAudio(ctx, file);
  const channels = Array.from({ length: raw.numberOfChannels }, (_, c) => raw.getChannelData(c));
  const alignment = alignToChart(attackEnvelopes(channels, raw.sampleRate), notes, coarseMs);
  return { raw, alignment };
}

/**
 * Decodes the recording, lines it up from `coarseMs` and sets it playing on the engine on the
 * chart's timeline. The caller keeps `raw` to move it by hand, and remembers `offsetMs`.
 */
export async function playRecordingOnChart(
  eng: { ctx: BaseAudioContext; setAudio(audio: { song: AudioBuffer }): void },
  file: Blob,
  notes: readonly HitObject[],
  coarseMs: number,
): Promise<{ raw: AudioBuffer; placed: AudioBuffer; offsetMs: number; refined: boolean }> {
  const { raw, alignment } = await lineUpRecording(eng.ctx, file, notes, coarseMs);
  const placed = onChartTimeline(eng.ctx, raw, alignment.offsetMs);
  eng.setAudio({ song: placed });
  return { raw, placed, offsetMs: alignment.offsetMs, refined: alignment.refined };
}

/** What the player and editor say about where the file was placed. */
export function placedText(name: string, placed: { offsetMs: number; refined: boolean }): string {
  const where = formatOffset(placed.offsetMs);
  if (placed.refined)
    return `Playing along with ${name}, lined up with the chart's notes (file offset ${where}).`;
  if (placed.offsetMs !== 0) return `Playing along with ${name} at file offset ${where}.`;
  return `Playing along with ${name}.`;
}

/** The recording with recording time = chart time + offsetMs turned into chart time. */
export function onChartTimeline(ctx: BaseAudioContext, raw: AudioBuffer, offsetMs: number): AudioBuffer {
  const channels = Array.from({ length: raw.numberOfChannels }, (_, c) =>
    shiftSamples(raw.getChannelData(c), offsetMs, raw.sampleRate),
  );
  if (channels[0] === raw.getChannelData(0)) return raw;
  const out = ctx.createBuffer(raw.numberOfChannels, Math.max(1, channels[0]!.length), raw.sampleRate);
  channels.forEach((data, c) => {
    out.copyToChannel(data as Float32Array<ArrayBuffer>, c);
  });
  return out;
}

/** "+2.004 s" style, for the player's note on where the file was placed. */
export function formatOffset(offsetMs: number): string {
  const sign = offsetMs > 0 ? "+" : offsetMs < 0 ? "−" : "±";
  return `${sign}${(Math.abs(offsetMs) / 1000).toFixed(3)} s`;
}
