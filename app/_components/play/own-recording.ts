// The drummer's own recording of the song, placed on the chart: decoded once, placed roughly (the
// offset the chart remembers: song identity's or the last one found; else by comparing the file's
// fingerprint with the one the chart carries), lined up on the chart's notes
// (lib/practice/audio-align.ts), and shifted so the engine plays it as if it started with the chart.
import type { Beatmap } from "@/lib/beatmap/schema.ts";
import {
  bestAlignment,
  decompressFingerprint,
  ITEMS_PER_SECOND,
  MATCH_MAX_BER,
} from "@/lib/fingerprint/index.ts";
import { createFingerprintWorker } from "@/lib/fingerprint/worker-client.ts";
import { alignToChart, attackEnvelopes, shiftSamples } from "@/lib/practice/audio-align.ts";
import { decodeAudio } from "@/lib/practice/audio-engine.ts";
import { localDb } from "@/lib/store/db.ts";

export interface PlacedRecording {
  /** As decoded, before any shift (kept to move it by hand). */
  raw: AudioBuffer;
  /** The recording on the chart's timeline, playing on the engine. */
  placed: AudioBuffer;
  /** Recording time = chart time + offsetMs. */
  offsetMs: number;
  /** True when the chart's notes confirmed the offset to the millisecond. */
  refined: boolean;
}

/**
 * Decodes the recording, places it on `chart` and sets it playing on the engine. `rememberedMs`:
 * where this chart last had the drummer's recording (StoredChart.audioOffsetMs), if anywhere.
 */
export async function playRecordingOnChart(
  eng: { ctx: BaseAudioContext; setAudio(audio: { song: AudioBuffer }): void },
  file: Blob,
  chart: Pick<Beatmap, "HitObjects" | "Audio">,
  rememberedMs: number | undefined,
): Promise<PlacedRecording> {
  const raw = await decodeAudio(eng.ctx, file);
  const coarseMs = rememberedMs ?? (await offsetByFingerprint(raw, chart.Audio.Fingerprint)) ?? 0;
  const channels = Array.from({ length: raw.numberOfChannels }, (_, c) => raw.getChannelData(c));
  const alignment = alignToChart(attackEnvelopes(channels, raw.sampleRate), chart.HitObjects, coarseMs);
  const placed = onChartTimeline(eng.ctx, raw, alignment.offsetMs);
  eng.setAudio({ song: placed });
  return { raw, placed, offsetMs: alignment.offsetMs, refined: alignment.refined };
}

/**
 * playRecordingOnChart for the library chart `chartId` (if the chart is in the library): from where
 * it last had the drummer's recording (StoredChart.audioOffsetMs), and remembering where it went.
 */
export async function playOwnRecording(
  eng: Parameters<typeof playRecordingOnChart>[0],
  file: Blob,
  chart: Pick<Beatmap, "HitObjects" | "Audio">,
  chartId: string | undefined,
): Promise<PlacedRecording> {
  const db = localDb();
  const remembered = chartId ? (await db.charts.get(chartId))?.audioOffsetMs : undefined;
  const placed = await playRecordingOnChart(eng, file, chart, remembered);
  if (chartId && placed.offsetMs !== remembered) {
    await db.charts.update(chartId, { audioOffsetMs: placed.offsetMs });
  }
  return placed;
}

/** Fingerprints read the first two minutes; 16 s more covers the longest shift compared. */
const FINGERPRINT_SECONDS = 136;

/**
 * Where the recording sits on the chart by fingerprint, to one item (~124 ms), when the chart
 * carries the fingerprint of the recording it was made on (Audio.Fingerprint) and the two are the
 * same recording within ±16 s; null otherwise. Runs in the fingerprint worker, off the main thread.
 */
async function offsetByFingerprint(
  raw: AudioBuffer,
  chartFingerprint: string | undefined,
): Promise<number | null> {
  if (!chartFingerprint) return null;
  let stored: Uint32Array;
  try {
    stored = decompressFingerprint(chartFingerprint).raw;
  } catch {
    return null; // a damaged field in an imported chart: place the file by its notes only
  }
  const length = Math.min(raw.length, Math.round(FINGERPRINT_SECONDS * raw.sampleRate));
  // Copies: the worker takes the buffers it is sent.
  const channels = Array.from({ length: raw.numberOfChannels }, (_, c) =>
    raw.getChannelData(c).slice(0, length),
  );
  const worker = createFingerprintWorker(
    () => new Worker(new URL("../../../lib/fingerprint/worker.ts", import.meta.url), { type: "module" }),
  );
  try {
    const ours = await worker.fingerprint({ channels, sampleRate: raw.sampleRate });
    const best = bestAlignment(ours.raw, stored);
    if (best.bitErrorRate > MATCH_MAX_BER) return null;
    return Math.round((best.offset / ITEMS_PER_SECOND) * 1000);
  } catch {
    return null; // too short or silent to fingerprint
  } finally {
    worker.terminate();
  }
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

/** What the player says about where the file was placed. */
export function placedText(name: string, placed: { offsetMs: number; refined: boolean }): string {
  const where = formatOffset(placed.offsetMs);
  if (placed.refined)
    return `Playing along with ${name}, lined up with the chart's notes (file offset ${where}).`;
  if (placed.offsetMs !== 0) return `Playing along with ${name} at file offset ${where}.`;
  return `Playing along with ${name}.`;
}

/** "+2.004 s" style. */
export function formatOffset(offsetMs: number): string {
  const sign = offsetMs > 0 ? "+" : offsetMs < 0 ? "−" : "±";
  return `${sign}${(Math.abs(offsetMs) / 1000).toFixed(3)} s`;
}
