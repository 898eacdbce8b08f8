// `beatsight fingerprint <file> [-raw] [-json]`: fpcalc-compatible output from lib/fingerprint.
import { isFingerprintError } from "../../lib/fingerprint/errors.ts";
import { fingerprintFile } from "../../lib/fingerprint/node.ts";
import type { CliIo } from "../io.ts";
import type { CliCommand } from "../main.ts";

const usage = `Usage: beatsight fingerprint <file> [-raw] [-json]

Prints the file's Chromaprint fingerprint like fpcalc (first 120 s, algorithm 2):
  DURATION=<whole seconds>
  FINGERPRINT=<compressed base64>

Options:
  -raw   print the raw 32-bit items, comma-separated (like fpcalc -raw)
  -json  print {"duration": …, "fingerprint": …} (like fpcalc -json)`;

function parse(args: string[]): { file: string; raw: boolean; json: boolean } | string {
  let file: string | undefined;
  let raw = false;
  let json = false;
  for (const arg of args) {
    if (arg === "-raw" || arg === "--raw") raw = true;
    else if (arg === "-json" || arg === "--json") json = true;
    else if (arg === "-text" || arg === "--text") json = false;
    else if (arg.startsWith("-") && arg !== "-") return `unknown option ${arg}`;
    else if (file === undefined) file = arg;
    else return "only one file at a time";
  }
  return file === undefined ? "no input file" : { file, raw, json };
}

async function run(args: string[], io: CliIo): Promise<number> {
  const options = parse(args);
  if (typeof options === "string") {
    io.err(`beatsight fingerprint: ${options}\n\n${usage}`);
    return 2;
  }
  try {
    const fp = await fingerprintFile(options.file, { keepDecoderWarm: false });
    const items = Array.from(fp.raw).join(",");
    if (options.json) {
      const value = options.raw ? `[${items}]` : JSON.stringify(fp.compressed);
      io.out(`{"duration": ${fp.durationSeconds.toFixed(2)}, "fingerprint": ${value}}`);
    } else {
      io.out(`DURATION=${Math.trunc(fp.durationSeconds)}`);
      io.out(`FINGERPRINT=${options.raw ? items : fp.compressed}`);
    }
    return 0;
  } catch (error) {
    if (!isFingerprintError(error)) throw error;
    const hint =
      error.code === "too-short" || error.code === "silent"
        ? " Enter the title and artist by hand instead."
        : error.code === "not-audio"
          ? " Use an audio file (mp3, m4a/aac, ogg/opus, flac, wav)."
          : "";
    io.err(`beatsight fingerprint: ${error.message}${hint}`);
    return 1;
  }
}

export const command: CliCommand = {
  summary: "Print a file's Chromaprint fingerprint, like fpcalc",
  usage,
  run,
};
