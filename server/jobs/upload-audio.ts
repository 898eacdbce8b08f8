// What an upload must be before a job is queued for it, checked on the stored file before it is
// fingerprinted: a codec FFmpeg decodes well, a header that tells the truth, between 5 s and the
// pipeline's limit (20 minutes) of audio, and some signal in it. Each refusal is a JobRequestError
// whose message says what to do; the facts come from lib/audio/inspect-node.ts.
import { MAX_SONG_SECONDS } from "../../lib/audio/decode-node-float.ts";
import { AudioInspectionError, inspectAudioFile } from "../../lib/audio/inspect-node.ts";
import { MIN_AUDIO_SECONDS, SILENCE_PEAK } from "../../lib/fingerprint/chromaprint.ts";
import { JobRequestError } from "./request-error.ts";

/**
 * Codecs the pipeline is tested with and FFmpeg decodes well. Other codecs (exotic ADPCM or
 * speech codecs, tracker formats) may decode, but badly or slowly: converting is the better answer.
 */
const SUPPORTED_CODEC = /^(mp3|mp2|aac|alac|vorbis|opus|flac|pcm_[a-z0-9]+)$/;

const CONVERT = "Convert it to mp3, flac or wav (your audio editor's export does this) and upload that.";

/** A header promising this much more audio than the file holds means the file was cut short. */
const truncatedBy = (declared: number) => Math.max(1, declared * 0.05);

export function formatDuration(seconds: number): string {
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return h > 0 ? `${h} h ${m} min` : `${m} min ${s % 60} s`;
}

export interface UploadAudioLimits {
  maxSeconds: number;
  timeoutMs: number;
}

export const UPLOAD_AUDIO_LIMITS: UploadAudioLimits = { maxSeconds: MAX_SONG_SECONDS, timeoutMs: 60_000 };

export async function checkUploadedAudio(
  file: string,
  filename: string,
  limits: UploadAudioLimits = UPLOAD_AUDIO_LIMITS,
): Promise<void> {
  const maxMinutes = `${Math.round(limits.maxSeconds / 60)} minutes`;
  let info: Awaited<ReturnType<typeof inspectAudioFile>>;
  try {
    info = await inspectAudioFile(file, { maxSeconds: limits.maxSeconds, timeoutMs: limits.timeoutMs });
  } catch (error) {
    if (!(error instanceof AudioInspectionError)) throw error;
    if (error.code === "no-decoder") {
      throw new JobRequestError(
        "unsupported-codec",
        `${filename} uses an audio codec this server cannot decode. ${CONVERT}`,
      );
    }
    throw new JobRequestError(
      "not-audio",
      error.code === "timeout"
        ? `${filename} took too long to read; it may be damaged. ${CONVERT}`
        : `${filename} could not be decoded as audio. It may be damaged or not an audio file; choose an mp3, m4a, ogg, opus, flac or wav file.`,
    );
  }
  if (info.codec === null) {
    throw new JobRequestError(
      "not-audio",
      `${filename} contains no audio track. Choose an mp3, m4a, ogg, opus, flac or wav file.`,
    );
  }
  if (!SUPPORTED_CODEC.test(info.codec)) {
    throw new JobRequestError(
      "unsupported-codec",
      `${filename} is in ${info.codec === "unknown" ? "an unknown codec" : `the ${info.codec} codec`}, which this server does not read. ${CONVERT}`,
    );
  }
  if (info.decodedSeconds > limits.maxSeconds) {
    const length = info.declaredSeconds ?? info.decodedSeconds;
    throw new JobRequestError(
      "too-long",
      `${filename} is ${info.declaredSeconds ? formatDuration(length) : `over ${maxMinutes}`} long; the server charts songs up to ${maxMinutes}. Trim it to the song (at most ${maxMinutes}) and upload that.`,
    );
  }
  if (
    info.declaredSeconds !== null &&
    info.declaredSeconds - info.decodedSeconds > truncatedBy(info.declaredSeconds)
  ) {
    throw new JobRequestError(
      "truncated",
      `${filename} is incomplete: its header promises ${formatDuration(info.declaredSeconds)} of audio but the file holds ${formatDuration(info.decodedSeconds)}. The download or export was probably cut short; make the file again and upload it.`,
    );
  }
  if (info.decodeError !== null && info.decodedSeconds < MIN_AUDIO_SECONDS) {
    throw new JobRequestError(
      "not-audio",
      `${filename} could not be decoded as audio. It may be damaged; ${CONVERT}`,
    );
  }
  if (info.decodedSeconds < MIN_AUDIO_SECONDS) {
    throw new JobRequestError(
      "too-short",
      `${filename} holds ${info.decodedSeconds.toFixed(1)} s of audio; at least ${MIN_AUDIO_SECONDS} seconds are needed. Upload the whole song.`,
    );
  }
  if (info.peak * 32768 <= SILENCE_PEAK) {
    throw new JobRequestError(
      "silent",
      `${filename} is silent: it has no audible signal. Check that you exported the right track (and that it is not muted), then upload it again.`,
    );
  }
}
