// The chart as MusicXML for the staff, from the notation exporter (lib/notation), loaded with the
// staff and not before: pages that never show notation never download it.
import type { Beatmap } from "@/lib/beatmap/schema.ts";

export async function chartMusicXml(beatmap: Beatmap): Promise<string> {
  const { chartToMusicXml } = await import("@/lib/notation/musicxml.ts");
  return chartToMusicXml(beatmap);
}
