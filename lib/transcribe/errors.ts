// Errors a caller can act on: bad model output shapes, metadata that does not fit the format.
export type TranscribeErrorCode = "invalid_activations" | "invalid_settings" | "metadata_too_large";

export class TranscribeError extends Error {
  override readonly name = "TranscribeError";
  constructor(
    readonly code: TranscribeErrorCode,
    message: string,
  ) {
    super(message);
  }
}
