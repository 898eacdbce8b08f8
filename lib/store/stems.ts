// How stems are kept on this device: compressed (Opus in Ogg, ~7 % of the 16-bit WAV the
// generate page hands over; docs/BENCHMARKS.md "Stem storage") where the browser has an Opus
// encoder (WebCodecs), else as the WAV itself. The Blob's type says which; both decode with
// decodeAudioData, so the player and the editor read either the same way. Stems saved as WAV
// before compression existed (or on a device without the encoder) are compressed later by
// compactStoredStems, one chart at a time.
import { decodeWav16 } from "../audio/wav.ts";
import type { BeatSightDb, StoredStems } from "./db.ts";

/**
 * Opus bitrate per channel of a stem (96 kb/s for stereo). Measured on a rendered groove
 * (bench/stem-codec.bench.ts, docs/BENCHMARKS.md): the drum attacks are as sharp as at 128 kb/s
 * (envelope correlation 0.957 either way), cymbals keep 12 dB SNR above 4 kHz where 64 kb/s keeps
 * 9, and the file is 6.9 % of the 16-bit WAV at 44.1 kHz, whatever the channel count.
 */
export const STEM_BITRATE_PER_CHANNEL = 48_000;

export type StemEncoding = "opus" | "wav";

/** What a stored stem is, from its Blob's type (WAV when unsaid: the only kind before Opus). */
export function stemEncoding(blob: Blob): StemEncoding {
  return /^audio\/(ogg|opus)/.test(blob.type) ? "opus" : "wav";
}

/** The MIME type for stem bytes read back from a file (a backup): by their first bytes. */
export function stemTypeOf(head: Uint8Array): string {
  const ogg = head[0] === 0x4f && head[1] === 0x67 && head[2] === 0x67 && head[3] === 0x53; // "OggS"
  return ogg ? "audio/ogg; codecs=opus" : "audio/wav";
}

/** Turns a stem's PCM into a smaller file, or answers null where it cannot (no encoder). */
export interface StemEncoder {
  encode(
    signal: AbortSignal | undefined,
    channels: readonly Float32Array[],
    sampleRate: number,
  ): Promise<Blob | null>;
}

const opusSupport = new Map<string, Promise<boolean>>();

/**
 * The browser's Opus encoder (WebCodecs AudioEncoder), asked once per layout whether it can;
 * loaded only where AudioEncoder exists (the muxer stays out of other bundles and of Node).
 */
export const browserStemEncoder: StemEncoder = {
  async encode(signal, channels, sampleRate) {
    if (typeof AudioEncoder === "undefined") return null;
    const opus = await import("../audio/opus-encode.ts");
    const bitrate = STEM_BITRATE_PER_CHANNEL * channels.length;
    const layout = `${channels.length}@${sampleRate}`;
    let supported = opusSupport.get(layout);
    if (!supported) {
      supported = opus.canEncodeOpus(channels.length, sampleRate, bitrate);
      opusSupport.set(layout, supported);
    }
    if (!(await supported)) return null;
    return opus.encodeOggOpus(signal, channels, sampleRate, bitrate);
  },
};

export interface StemsToStore {
  sampleRate: number;
  drums: Blob;
  accompaniment: Blob;
}

/**
 * The stems as they will be stored: each WAV encoded by `encoder`, or kept as it is where the
 * encoder has none to give (no WebCodecs) or the file is not a WAV it can read.
 */
export async function compressStems(
  signal: AbortSignal | undefined,
  stems: StemsToStore,
  encoder: StemEncoder = browserStemEncoder,
): Promise<StemsToStore> {
  const one = async (blob: Blob): Promise<Blob> => {
    if (stemEncoding(blob) !== "wav") return blob;
    const pcm = decodeWav16(new Uint8Array(await blob.arrayBuffer()));
    if (!pcm) return blob;
    return (await encoder.encode(signal, pcm.channels, pcm.sampleRate)) ?? blob;
  };
  // One at a time: two songs' worth of float PCM at once is what a phone cannot spare.
  const drums = await one(stems.drums);
  const accompaniment = await one(stems.accompaniment);
  return { sampleRate: stems.sampleRate, drums, accompaniment };
}

export interface CompactReport {
  /** Charts whose stems were compressed now. */
  compacted: number;
  bytesBefore: number;
  bytesAfter: number;
}

/**
 * Compresses every stored stem still kept as WAV (saved before compression, or imported), one
 * chart at a time, each replaced only if the row is still the one that was read (a chart deleted
 * or re-saved meanwhile keeps what it has). Stops at the first chart the encoder cannot do (no
 * encoder on this device: nothing to gain by trying the rest).
 */
export async function compactStoredStems(
  db: BeatSightDb,
  options: { signal?: AbortSignal; encoder?: StemEncoder } = {},
): Promise<CompactReport> {
  const report: CompactReport = { compacted: 0, bytesBefore: 0, bytesAfter: 0 };
  const pending = (await db.stems.toArray())
    .filter((s) => stemEncoding(s.drums) === "wav" || stemEncoding(s.accompaniment) === "wav")
    .map((s) => ({ chartId: s.chartId, createdAt: s.createdAt }));
  for (const { chartId, createdAt } of pending) {
    options.signal?.throwIfAborted();
    const row = await db.stems.get(chartId);
    if (!row || row.createdAt !== createdAt) continue;
    const smaller = await compressStems(options.signal, row, options.encoder);
    if (smaller.drums === row.drums && smaller.accompaniment === row.accompaniment) break;
    const next: StoredStems = { ...row, ...smaller, bytes: smaller.drums.size + smaller.accompaniment.size };
    const replaced = await db.transaction("rw", db.stems, async () => {
      const now = await db.stems.get(chartId);
      if (!now || now.createdAt !== createdAt) return false;
      await db.stems.put(next);
      return true;
    });
    if (!replaced) continue;
    report.compacted++;
    report.bytesBefore += row.bytes;
    report.bytesAfter += next.bytes;
  }
  return report;
}

let compacting: Promise<CompactReport> | undefined;

/**
 * compactStoredStems once per page load, in the background (pages that show stored stems start
 * it; a second call joins the first). Failures are logged, not shown: the stems still play as WAV.
 */
export function compactStoredStemsOnce(db: BeatSightDb): Promise<CompactReport> {
  compacting ??= compactStoredStems(db).catch((error: unknown) => {
    console.warn("Stored stems could not be compressed; they stay as they are.", error);
    return { compacted: 0, bytesBefore: 0, bytesAfter: 0 };
  });
  return compacting;
}
