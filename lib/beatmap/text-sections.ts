// Line-based reading shared by the .chart and .osu parsers, bounded in lines and line length.
import { BeatmapError, type BeatmapErrorCode } from "./errors.ts";
import { LIMITS } from "./limits.ts";

const MAX_LINE_LENGTH = 10_000;

export function splitLines(text: string, code: BeatmapErrorCode, what: string): string[] {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const lines = body.split(/\r?\n/, LIMITS.maxLines + 1);
  if (lines.length > LIMITS.maxLines) {
    throw new BeatmapError("too_large", `The ${what} has more than ${LIMITS.maxLines} lines.`);
  }
  lines.forEach((line, i) => {
    if (line.length > MAX_LINE_LENGTH) {
      throw new BeatmapError(
        code,
        `The ${what} line ${i + 1} is ${line.length} characters long; it is not a chart.`,
      );
    }
  });
  return lines;
}

export function decodeText(bytes: Uint8Array, code: BeatmapErrorCode, what: string): string {
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new BeatmapError(code, `The ${what} is not UTF-8 text; is it a binary file?`);
  }
}
