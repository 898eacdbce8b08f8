// `beatsight convert <in> <out>`: converts between .bsm, GM/notes.mid .mid, Clone Hero .chart
// (with song.ini beside it), osu!mania .osu and MusicXML, and writes Guitar Pro .gp and ASCII
// drum tab .txt, picking formats from the extensions.
import { readFile, stat, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import {
  BeatmapError,
  exportChartFileAsync,
  formatFromFilename,
  importChartFile,
  LIMITS,
  lintBeatmap,
} from "../../lib/beatmap/index.ts";
import { MAX_MUSICXML_BYTES } from "../../lib/notation/musicxml-import.ts";
import type { CliIo } from "../io.ts";
import type { CliCommand } from "../main.ts";

const USAGE = `Usage: beatsight convert <in> <out>

Converts a drum chart between formats, chosen by extension:
  .bsm          BeatSight map (JSON, version 1)
  .mid, .midi   General MIDI drums (channel 10); on import, notes.mid with a PART DRUMS track
  .chart        Clone Hero chart (4-lane pro drums, all difficulties); writes song.ini beside it
  .osu          osu!mania, 7 keys
  .musicxml     MusicXML 4.0 drum part (also .xml); validates against the MusicXML XSD
  .gp           Guitar Pro 7 (written only, via alphaTab)
  .txt          ASCII drum tab (written only)

Prints lint warnings; exits 1 if the input cannot be read or has errors, 2 on bad arguments.`;

const MAX_INPUT_BYTES = Math.max(
  LIMITS.maxBsmBytes,
  LIMITS.maxMidiBytes,
  LIMITS.maxTextChartBytes,
  MAX_MUSICXML_BYTES,
);

async function run(args: string[], io: CliIo): Promise<number> {
  const positional = args.filter((a) => !a.startsWith("-"));
  if (positional.length !== 2) {
    io.err(USAGE);
    return 2;
  }
  const [input, output] = positional as [string, string];
  try {
    formatFromFilename(input);
    formatFromFilename(output);
    // Check the size before reading so a huge file is never loaded.
    const info = await stat(input);
    if (!info.isFile()) throw new BeatmapError("wrong_format", `${input} is not a file.`);
    if (info.size > MAX_INPUT_BYTES) {
      throw new BeatmapError(
        "too_large",
        `${input} is ${info.size} bytes; charts are at most ${MAX_INPUT_BYTES} bytes.`,
      );
    }
    const bytes = new Uint8Array(await readFile(input));
    const imported = importChartFile(bytes, input);
    for (const w of imported.warnings) io.err(`warning: ${w}`);
    const report = lintBeatmap(imported.beatmap);
    for (const issue of report.issues) {
      if (issue.severity === "info") continue;
      io.err(`${issue.severity}: ${issue.message}`);
    }
    if (!report.ok) {
      io.err(`beatsight convert: ${input} has ${report.errors.length} kinds of error; nothing was written.`);
      return 1;
    }
    const exported = await exportChartFileAsync(imported.beatmap, output);
    for (const w of exported.warnings) io.err(`warning: ${w}`);
    await writeFile(output, exported.data.main);
    const written = [output];
    for (const [name, data] of Object.entries(exported.data.extra)) {
      const path = join(dirname(output), name);
      await writeFile(path, data);
      written.push(path);
    }
    io.out(`Wrote ${written.join(" and ")} (${imported.beatmap.HitObjects.length} notes).`);
    return 0;
  } catch (error) {
    if (error instanceof BeatmapError) {
      io.err(`beatsight convert: ${input}: ${error.message}`);
      return 1;
    }
    const code = (error as NodeJS.ErrnoException | undefined)?.code;
    if (code === "ENOENT") {
      io.err(`beatsight convert: ${(error as NodeJS.ErrnoException).path ?? input} does not exist.`);
      return 1;
    }
    if (code === "EACCES" || code === "EISDIR") {
      io.err(`beatsight convert: cannot access ${(error as NodeJS.ErrnoException).path ?? input} (${code}).`);
      return 1;
    }
    throw error;
  }
}

export const command: CliCommand = {
  summary: "Convert a drum chart between .bsm, .mid, .chart, .osu and .musicxml; write .gp and drum tab .txt",
  usage: USAGE,
  run,
};
