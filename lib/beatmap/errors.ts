// Errors a user can act on: a code for programs, a message for people, and for schema
// problems the exact place ("HitObjects[412].Lane: expected an integer lane 0–6").

export type BeatmapErrorCode =
  | "too_large"
  | "too_many_notes"
  | "too_deep"
  | "invalid_json"
  | "invalid_schema"
  | "unsupported_version"
  | "invalid_midi"
  | "invalid_chart"
  | "invalid_osu"
  | "unsupported_format"
  | "wrong_format"
  | "empty";

export interface BeatmapIssuePath {
  path: string;
  message: string;
}

export class BeatmapError extends Error {
  override readonly name = "BeatmapError";
  constructor(
    readonly code: BeatmapErrorCode,
    message: string,
    /** Every schema problem found, for showing more than the first. */
    readonly issues: readonly BeatmapIssuePath[] = [],
  ) {
    super(message);
  }
}

/** Formats a path like ["HitObjects", 412, "Lane"] as "HitObjects[412].Lane". */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const part of path) {
    if (typeof part === "number") out += `[${part}]`;
    else out += out ? `.${String(part)}` : String(part);
  }
  return out || "(root)";
}

export function formatBytes(n: number): string {
  if (n >= 1024 * 1024) return `${(n / (1024 * 1024)).toFixed(1)} MiB`;
  if (n >= 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${n} bytes`;
}

export function assertSize(byteLength: number, max: number, what: string): void {
  if (byteLength > max) {
    throw new BeatmapError(
      "too_large",
      `${what} is ${formatBytes(byteLength)}, more than the ${formatBytes(max)} limit; is this the right file?`,
    );
  }
}
