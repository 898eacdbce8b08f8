// One entry point per direction for callers that only know a file name (CLI, upload handlers):
// the extension picks the format; the bytes are checked against it.
import { exportMusicXml } from "../notation/musicxml.ts";
import { importMusicXml } from "../notation/musicxml-import.ts";
import { chartToTab } from "../notation/tab.ts";
import type { ExportResult, ImportResult } from "./build.ts";
import { serializeBeatmap } from "./canonical.ts";
import { exportChart, importChart } from "./chart.ts";
import { BeatmapError } from "./errors.ts";
import { lintBeatmap } from "./lint.ts";
import { exportMidi, importMidi } from "./midi.ts";
import { exportOsu, importOsu } from "./osu.ts";
import { parseBeatmapBytes } from "./parse.ts";
import type { Beatmap } from "./schema.ts";

export type ChartFormat = "bsm" | "midi" | "chart" | "osu" | "musicxml" | "gp" | "tab";

const EXTENSIONS: Readonly<Record<string, ChartFormat>> = {
  bsm: "bsm",
  mid: "midi",
  midi: "midi",
  chart: "chart",
  osu: "osu",
  musicxml: "musicxml",
  xml: "musicxml",
  gp: "gp",
  txt: "tab",
};

/** Formats that are written but not read back (Guitar Pro via alphaTab, ASCII drum tab). */
const EXPORT_ONLY: ReadonlySet<ChartFormat> = new Set<ChartFormat>(["gp", "tab"]);

export const SUPPORTED_EXTENSIONS = Object.keys(EXTENSIONS).map((e) => `.${e}`);
export const IMPORT_EXTENSIONS = Object.entries(EXTENSIONS)
  .filter(([, f]) => !EXPORT_ONLY.has(f))
  .map(([e]) => `.${e}`);

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
    case "musicxml":
      return importMusicXml(bytes, { title });
    case "gp":
    case "tab":
      throw new BeatmapError(
        "unsupported_format",
        `"${filename}" can be written but not read; read charts from ${IMPORT_EXTENSIONS.join(", ")}.`,
      );
  }
}

/** Files an export produces: name suffix (relative to the output name) → bytes. */
export interface ExportedFiles {
  /** The main file's bytes. */
  main: Uint8Array;
  /** Extra files beside it, by file name (e.g. song.ini beside a .chart). */
  extra: Record<string, Uint8Array>;
}

function assertExportable(b: Beatmap): void {
  const report = lintBeatmap(b);
  if (!report.ok) {
    throw new BeatmapError(
      "invalid_schema",
      `The chart has errors, so it was not written:\n${report.errors.map((e) => e.message).join("\n")}`,
    );
  }
}

/**
 * Writes a chart in the format `filename`'s extension names. Refuses charts with lint errors.
 * Guitar Pro needs alphaTab, loaded on demand: use `exportChartFileAsync` for .gp.
 */
export function exportChartFile(b: Beatmap, filename: string): ExportResult<ExportedFiles> {
  const format = formatFromFilename(filename);
  assertExportable(b);
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
    case "musicxml": {
      const r = exportMusicXml(b);
      return { data: { main: utf8(r.data), extra: {} }, warnings: r.warnings };
    }
    case "tab": {
      const r = chartToTab(b);
      return { data: { main: utf8(r.data), extra: {} }, warnings: r.warnings };
    }
    case "gp":
      throw new BeatmapError(
        "unsupported_format",
        "Guitar Pro files are written asynchronously (alphaTab loads on demand): use exportChartFileAsync.",
      );
  }
}

/** As `exportChartFile`, for every format including Guitar Pro (.gp). */
export async function exportChartFileAsync(
  b: Beatmap,
  filename: string,
): Promise<ExportResult<ExportedFiles>> {
  if (formatFromFilename(filename) !== "gp") return exportChartFile(b, filename);
  assertExportable(b);
  const { exportGuitarPro } = await import("../notation/guitar-pro.ts");
  const r = await exportGuitarPro(b);
  return { data: { main: r.data, extra: {} }, warnings: r.warnings };
}
