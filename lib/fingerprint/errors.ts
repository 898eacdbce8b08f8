// Typed failures a person can act on. The intake page maps `code` to "enter title and artist by hand"
// (too-short, silent) or "this is not an audio file we can read" (not-audio, decode-failed).
export type FingerprintErrorCode =
  | "not-found" // the file does not exist or cannot be read
  | "not-audio" // no audio stream in the input
  | "decode-failed" // the decoder failed (or is missing) before producing audio
  | "too-short" // less audio than a usable fingerprint needs
  | "silent" // audio present but (near) digital silence
  | "engine" // the Chromaprint module failed
  | "aborted";

export class FingerprintError extends Error {
  override name = "FingerprintError";
  constructor(
    readonly code: FingerprintErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export function isFingerprintError(error: unknown): error is FingerprintError {
  return error instanceof Error && error.name === "FingerprintError" && "code" in error;
}
