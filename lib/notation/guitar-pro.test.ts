import { describe, expect, it } from "vitest";
import { exportGuitarPro, GUITAR_PRO_LOSSES } from "./guitar-pro.ts";
import { chartToNotation } from "./quantize.ts";
import { grooveBeatmap, TEST_GROOVES } from "./testing.ts";

/** Strokes per bar as notation has them (grace notes and tied continuations are not strokes). */
function strokesPerBar(name: string): number[] {
  const score = chartToNotation(grooveBeatmap(TEST_GROOVES[name]!));
  return score.measures.map((m) =>
    [...m.hands, ...m.feet].filter((e) => !e.tieStop).reduce((sum, e) => sum + e.notes.length, 0),
  );
}

describe("exportGuitarPro", () => {
  for (const name of Object.keys(TEST_GROOVES)) {
    it(`${name}: the .gp file opens in alphaTab with the same notes per bar, tempo and drums`, async () => {
      const { data, warnings } = await exportGuitarPro(grooveBeatmap(TEST_GROOVES[name]!));
      expect(warnings).toContain(GUITAR_PRO_LOSSES);
      const alphaTab = await import("@coderline/alphatab");
      const settings = new alphaTab.Settings();
      const score = alphaTab.importer.ScoreLoader.loadScoreFromBytes(data, settings);
      // alphaTab reads the title's spaces back as no-break spaces.
      expect(score.title.replace(/\s/g, " ")).toBe(TEST_GROOVES[name]!.title);
      const staff = score.tracks[0]!.staves[0]!;
      expect(staff.isPercussion).toBe(true);
      const perBar = staff.bars.map((bar) =>
        bar.voices
          .flatMap((v) => v.beats)
          .filter((b) => !b.graceType)
          .reduce((sum, b) => sum + b.notes.filter((n) => !n.isTieDestination).length, 0),
      );
      expect(perBar).toEqual(strokesPerBar(name));
      expect(score.tempo).toBe(TEST_GROOVES[name]!.bpm);
      // Every drum keeps its General MIDI sound.
      const keys = new Set(
        staff.bars.flatMap((bar) =>
          bar.voices.flatMap((v) =>
            v.beats.flatMap((b) =>
              b.notes.map(
                (n) => score.tracks[0]!.percussionArticulations[n.percussionArticulation]!.outputMidiNumber,
              ),
            ),
          ),
        ),
      );
      const { COMPONENT_TO_GM_NOTE } = await import("../beatmap/gm.ts");
      const expected = new Set(
        grooveBeatmap(TEST_GROOVES[name]!).HitObjects.map((n) => COMPONENT_TO_GM_NOTE[n.Component]),
      );
      expect(keys).toEqual(expected);
    });
  }
});
