// PCM → Opus in an Ogg file, through the browser's WebCodecs AudioEncoder (browser only; mediabunny
// writes the Ogg pages and the OpusHead with the encoder's pre-skip, so every decoder, including
// Web Audio's decodeAudioData, trims the encoder's delay and the audio starts where the PCM did).
// Ogg Opus because every browser that encodes Opus decodes it with decodeAudioData, and the player
// and editor already decode stems that way.
import {
  AudioSample,
  AudioSampleSource,
  BufferTarget,
  canEncodeAudio,
  OggOutputFormat,
  Output,
  Quality,
} from "mediabunny";

export const OGG_OPUS_TYPE = "audio/ogg; codecs=opus";

/** Whether this browser can encode Opus at this layout and bitrate (false without WebCodecs). */
export async function canEncodeOpus(
  numberOfChannels: number,
  sampleRate: number,
  bitrate: number,
): Promise<boolean> {
  if (typeof AudioEncoder === "undefined") return false;
  try {
    return await canEncodeAudio("opus", { numberOfChannels, sampleRate, quality: new Quality({ bitrate }) });
  } catch {
    return false;
  }
}

/** One second per sample handed to the encoder: memory stays flat whatever the song's length. */
const CHUNK_SECONDS = 1;

/** Encodes `channels` (same length each) as Ogg Opus at `bitrate` bits per second. */
export async function encodeOggOpus(
  signal: AbortSignal | undefined,
  channels: readonly Float32Array[],
  sampleRate: number,
  bitrate: number,
): Promise<Blob> {
  signal?.throwIfAborted();
  const output = new Output({ format: new OggOutputFormat(), target: new BufferTarget() });
  const source = new AudioSampleSource({
    codec: "opus",
    quality: new Quality({ bitrate, bitrateMode: "variable" }),
  });
  output.addAudioTrack(source);
  await output.start();
  const frames = channels[0]?.length ?? 0;
  const chunk = Math.round(sampleRate * CHUNK_SECONDS);
  try {
    for (let from = 0; from < frames; from += chunk) {
      signal?.throwIfAborted();
      const to = Math.min(frames, from + chunk);
      const planar = new Float32Array((to - from) * channels.length);
      channels.forEach((c, i) => {
        planar.set(c.subarray(from, to), i * (to - from));
      });
      const sample = new AudioSample({
        data: planar,
        format: "f32-planar",
        numberOfChannels: channels.length,
        sampleRate,
        timestamp: from / sampleRate,
      });
      await source.add(sample);
      sample.close();
    }
    await output.finalize();
  } catch (error) {
    await output.cancel().catch(() => {});
    throw error;
  }
  const buffer = output.target.buffer;
  if (!buffer) throw new Error("The Opus encoder produced no file.");
  return new Blob([buffer], { type: OGG_OPUS_TYPE });
}
