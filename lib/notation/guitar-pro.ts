// Guitar Pro 7 (.gp) export, written by alphaTab from our MusicXML: alphaTab reads the MusicXML
// drum part (instruments → its percussion articulations by GM key) and its Gp7Exporter writes the
// file. Loaded on demand: alphaTab is large and only this export (and the staff view) needs it.
// Runs in Node (CLI) and in the browser alike.
import type { ExportResult } from "../beatmap/build.ts";
import type { Beatmap } from "../beatmap/schema.ts";
import { exportMusicXml, type MusicXmlOptions } from "./musicxml.ts";

/** What a .gp file written this way cannot hold, for people. */
export const GUITAR_PRO_LOSSES =
  "Guitar Pro keeps dynamics as ppp–fff steps, not exact velocities, and has no place for the chart's audio offset.";

export async function exportGuitarPro(
  beatmap: Beatmap,
  options: MusicXmlOptions = {},
): Promise<ExportResult<Uint8Array>> {
  const xml = exportMusicXml(beatmap, options);
  const alphaTab = await import("@coderline/alphatab");
  const settings = new alphaTab.Settings();
  const score = alphaTab.importer.ScoreLoader.loadScoreFromBytes(
    new TextEncoder().encode(xml.data),
    settings,
  );
  const data = new alphaTab.exporter.Gp7Exporter().export(score, settings);
  return { data, warnings: [...xml.warnings, GUITAR_PRO_LOSSES] };
}
