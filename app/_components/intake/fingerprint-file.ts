// Browser side of intake: check a dropped file, decode it with WebAudio and fingerprint it in the
// worker. Every stage takes the AbortSignal first-class, so choosing another file cancels the last.
import { AudioDecodeError, decodeFileHead } from "@/lib/audio/decode-browser.ts";
import { isFingerprintError } from "@/lib/fingerprint/errors.ts";
import type { FingerprintWorker } from "@/lib/fingerprint/worker-client.ts";

/** Larger files are almost certainly not a song (a 10-minute FLAC is ~60 MB) and would exhaust memory. */
export const MAX_FILE_BYTES = 200 * 1024 * 1024;
const AUDIO_EXTENSIONS = new Set([
  "mp3",
  "m4a",
  "aac",
  "mp4",
  "ogg",
  "oga",
  "opus",
  "flac",
  "wav",
  "wave",
  "webm",
]);

export type IntakeStage = "reading" | "decoding" | "resampling" | "fingerprinting" | "looking-up";

export type IntakeErrorCode =
  | "not-audio" // not an audio file by type, or the browser cannot decode it
  | "too-large"
  | "empty"
  | "unusable" // decoded, but too short or silent to fingerprint: ask for title and artist instead
  | "failed"; // the fingerprint engine failed

export class IntakeError extends Error {
  override name = "IntakeError";
  constructor(
    readonly code: IntakeErrorCode,
    message: string,
  ) {
    super(message);
  }
}

const extension = (name: string) => name.toLowerCase().split(".").pop() ?? "";

/** Rounded up, so a file just over the limit never reads as equal to it. */
function megabytes(bytes: number): string {
  return `${Math.ceil(bytes / (1024 * 1024))} MB`;
}

/** A reason to refuse the file before reading it, or null. */
export function checkFile(file: File): IntakeError | null {
  const typed = file.type !== "";
  const audioType = file.type.startsWith("audio/") || file.type === "video/mp4" || file.type === "video/webm";
  if ((typed && !audioType) || (!typed && !AUDIO_EXTENSIONS.has(extension(file.name)))) {
    return new IntakeError(
      "not-audio",
      `“${file.name}” is not an audio file. Choose a song as mp3, m4a/aac, ogg/opus, flac or wav.`,
    );
  }
  if (file.size === 0) return new IntakeError("empty", `“${file.name}” is empty. Choose another file.`);
  if (file.size > MAX_FILE_BYTES) {
    return new IntakeError(
      "too-large",
      `“${file.name}” is ${megabytes(file.size)}; files up to ${megabytes(MAX_FILE_BYTES)} are accepted. Choose a compressed version (mp3, m4a, ogg).`,
    );
  }
  return null;
}

export interface FileFingerprint {
  fingerprint: string;
  durationSeconds: number;
}

/** Reads, decodes and fingerprints `file`; throws IntakeError (or the signal's AbortError). */
export async function fingerprintAudioFile(
  file: File,
  worker: FingerprintWorker,
  options: { signal: AbortSignal; onStage: (stage: IntakeStage) => void },
): Promise<FileFingerprint> {
  const { signal, onStage } = options;
  const refused = checkFile(file);
  if (refused) throw refused;
  onStage("reading");
  signal.throwIfAborted();
  onStage("decoding");
  let audio: Awaited<ReturnType<typeof decodeFileHead>>;
  try {
    audio = await decodeFileHead(file, { signal });
  } catch (error) {
    if (error instanceof AudioDecodeError) {
      throw new IntakeError(
        "not-audio",
        `Your browser could not decode “${file.name}” as audio. It may be damaged or in a format this browser does not play; try an mp3 or wav copy.`,
      );
    }
    throw error;
  }
  const durationSeconds = audio.durationSeconds ?? audio.channels[0]!.length / audio.sampleRate;
  try {
    const fp = await worker.fingerprint(audio, {
      signal,
      onProgress: (stage) => onStage(stage === "resample" ? "resampling" : "fingerprinting"),
    });
    return { fingerprint: fp.compressed, durationSeconds };
  } catch (error) {
    if (isFingerprintError(error)) {
      if (error.code === "too-short" || error.code === "silent")
        throw new IntakeError("unusable", error.message);
      if (error.code !== "aborted") {
        throw new IntakeError("failed", `The fingerprint could not be computed: ${error.message}`);
      }
    }
    throw error;
  }
}

export function isIntakeError(error: unknown): error is IntakeError {
  return error instanceof IntakeError;
}
