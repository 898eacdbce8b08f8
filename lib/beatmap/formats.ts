// One entry point per direction for callers that only know a file name (CLI, upload handlers):
// the extension picks the format; the bytes are checked against it.
import type { ExportResult, ImportResult } from "./build.ts";
import { serializeBeatmap } from "./canonical.ts";
import { exportChart, importChart } from "./chart.ts";
import { BeatmapError } from "./errors.ts";
import { lintBeatmap } from "./lint.ts";
import { exportMidi, importMidi } from "./midi.ts";
import { exportOsu, importOsu } from "./osu.ts";
import { parseBeatmapBytes } from "./parse.ts";
import type { Beatmap } from "./schema.ts";

export type ChartFormat = "bsm" | "midi" | "chart" | "osu";

const EXTENSIONS: Readonly<Record<string, ChartFormat>> = {
  bsm: "bsm",
  mid: "midi",
  midi: "midi",
  chart: "chart",
  osu: "osu",
};

export const SUPPORTED_EXTENSIONS = Object.keys(EXTENSIONS).map((e) => `.${e}`);

export function formatFromFilename(name: string): ChartFormat {
  const ext = /\.([^./\\]+)$/.exec(name)?.[1]?.toLowerCase();
  const format = ext ? EXTENSIONS[ext] : undefined;
  if (!format) {
    throw new BeatmapError(
      "unsupported_format",
      `"${name}" has ${ext ? `the extension .${ext}` : "no extension"}; use one of ${SUPPORTED_EXTENSIONS.join(", ")}.`,
    );
  }
  return format;
}

const baseName = (name: string): string =>
  name
    .split(/[\\/]/)
    .pop()!
    .replace(/\.[^.]+$/, "");

/** Reads a chart in any supported format; `filename` picks the format and names untitled charts. */
export function importChartFile(bytes: Uint8Array, filename: string): ImportResult {
  const format = formatFromFilename(filename);
  const title = baseName(filename);
  switch (format) {
    case "bsm":
      return { beatmap: parseBeatmapBytes(bytes), warnings: [] };
    case "midi":
      return importMidi(bytes, { title });
    case "chart":
      return importChart(bytes, { title });
    case "osu":
      return importOsu(bytes, { title });
  }
}

/** Files an export produces: name suffix (relative to the output name) → bytes. */
export interface ExportedFiles {
  /** The main file's bytes. */
  main: Uint8Array;
  /** Extra files beside it, by file name (e.g. song.ini beside a .chart). */
  extra: Record<string, Uint8Array>;
}

/** Writes a chart in the format `filename`'s extension names. Refuses charts with lint errors. */
export function exportChartFile(b: Beatmap, filename: string): ExportResult<ExportedFiles> {
  const format = formatFromFilename(filename);
  const report = lintBeatmap(b);
  if (!report.ok) {
    throw new BeatmapError(
      "invalid_schema",
      `The chart has errors, so it was not written:\n${report.errors.map((e) => e.message).join("\n")}`,
    );
  }
  const utf8 = (s: string) => new TextEncoder().encode(s);
  switch (format) {
    case "bsm":
      return { data: { main: utf8(serializeBeatmap(b)), extra: {} }, warnings: [] };
    case "midi": {
      const r = exportMidi(b);
      return { data: { main: r.data, extra: {} }, warnings: r.warnings };
    }
    case "chart": {
      const r = exportChart(b);
      return {
        data: { main: utf8(r.data.chart), extra: { "song.ini": utf8(r.data.songIni) } },
        warnings: r.warnings,
      };
    }
    case "osu": {
      const r = exportOsu(b);
      return { data: { main: utf8(r.data), extra: {} }, warnings: r.warnings };
    }
  }
}
