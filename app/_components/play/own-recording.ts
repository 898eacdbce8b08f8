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
