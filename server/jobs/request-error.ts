// The ways a request for server generation is refused, each with the HTTP status the upload route
// answers and a message that says what to do (listed in docs/SERVER_JOBS.md, "Refused uploads").

export const JOB_REQUEST_STATUS = {
  /** The request's JSON is not what the route expects (the presigned upload routes). */
  "bad-request": 400,
  /** The X-Filename header is not percent-encoded UTF-8. */
  "bad-filename": 400,
  /** No bytes arrived. */
  empty: 400,
  /** The body stopped before its end. */
  "upload-incomplete": 400,
  /** More bytes than UPLOAD_MAX_MB. */
  "upload-too-large": 413,
  /** Not an audio file, no audio track, or audio FFmpeg cannot read. */
  "not-audio": 415,
  /** An audio codec outside the supported list, or one FFmpeg has no decoder for. */
  "unsupported-codec": 415,
  /** The header promises more audio than the file holds (a cut-short download or export). */
  truncated: 422,
  /** Under MIN_AUDIO_SECONDS (5 s) of audio. */
  "too-short": 422,
  /** Over the pipeline's 20 minutes. */
  "too-long": 422,
  /** No audible signal. */
  silent: 422,
  /** The monthly allowance is used up. */
  quota: 429,
  /** UPLOADS_PER_HOUR accepted uploads in the last hour. */
  "rate-limited": 429,
  /** LIVE_JOBS_PER_USER jobs queued or running. */
  "too-many-live": 429,
  disabled: 503,
} as const;

export type JobRequestErrorCode = keyof typeof JOB_REQUEST_STATUS;

/** A problem with what the user sent; the message says what to do. */
export class JobRequestError extends Error {
  override name = "JobRequestError";
  constructor(
    readonly code: JobRequestErrorCode,
    message: string,
  ) {
    super(message);
  }

  get status(): number {
    return JOB_REQUEST_STATUS[this.code];
  }
}
