import { describe, expect, it } from "vitest";
import { diffCharts } from "../beatmap/diff.ts";
import { gridSections } from "../beatmap/grid-sections.ts";
import type { Timing } from "../beatmap/index.ts";
import { TempoMap } from "../beatmap/tempo.ts";
import { grooveChart } from "../beatmap/testing.ts";
import { isRefusal, setTiming } from "./actions.ts";
import { commit, createDoc, toBeatmap, undo } from "./document.ts";
import {
  addSectionAt,
  barLineNear,
  confirmSectionGrid,
  editSection,
  METRIC_FIXES,
  type MetricFix,
  moveBarLine,
  nearestBarMs,
  nearestNoteMs,
  removeSection,
  scaleSectionTempo,
  snapForFeel,
  splitBarNear,
} from "./tempo-tools.ts";

// 120 BPM 4/4 from 500 ms (a bar is 2000 ms); the generator doubted the section from 8,500 ms.
const generated: Timing = {
  Bpm: 120,
  Offset: 500,
  TimeSignature: "4/4",
  Confidence: 0.9,
  TimingPoints: [
    { Time: 8500, Bpm: 120, Confidence: 0.3 },
    { Time: 16_500, Bpm: 140 },
  ],
};
const fix = (id: MetricFix["id"]) => METRIC_FIXES.find((f) => f.id === id)!;

function ok(r: Timing | { refused: string }): Timing {
  if ("refused" in r) throw new Error(r.refused);
  return r;
}
const sections = (t: Timing) => gridSections(t, 30_000);

describe("editSection", () => {
  it("sets a section's BPM; it counts as set by a person (Confidence 1) and the next keeps its own", () => {
    const t = ok(editSection(generated, 1, { bpm: 126 }));
    expect(t.TimingPoints).toEqual([
      { Time: 8500, Bpm: 126, Confidence: 1 },
      // It carried 0.3 from the edited section; now it states it.
      { Time: 16_500, Bpm: 140, Confidence: 0.3 },
    ]);
    expect(sections(t).map((s) => s.confidence)).toEqual([0.9, 1, 0.3]);
  });

  it("moves the first beat and changes the first section's meter and feel", () => {
    const t = ok(editSection(generated, 0, { startMs: 480, timeSignature: "3/4", feel: "swing" }));
    expect(t).toMatchObject({ Offset: 480, TimeSignature: "3/4", Feel: "swing", Confidence: 1 });
    // The next section keeps its straight feel.
    expect(t.TimingPoints[0]).toMatchObject({ Feel: "straight" });
    expect(sections(t).map((s) => s.feel)).toEqual(["swing", "straight", "straight"]);
  });

  it("a meter set on a later section starts a new bar there; the same meter typed again does not", () => {
    expect(ok(editSection(generated, 1, { timeSignature: "7/8" })).TimingPoints[0]).toMatchObject({
      TimeSignature: "7/8",
    });
    expect(editSection(generated, 1, { timeSignature: "4/4" })).toMatchObject({
      refused: expect.any(String),
    });
  });

  it("leaves a hand-made chart without confidence", () => {
    const hand: Timing = { Bpm: 100, Offset: 0, TimeSignature: "4/4", TimingPoints: [] };
    expect(ok(editSection(hand, 0, { bpm: 101 }))).toEqual({ ...hand, Bpm: 101 });
  });

  it("refuses what would break the map, with a reason", () => {
    expect(editSection(generated, 1, { bpm: 10 })).toEqual({
      refused: "Keep every BPM between 20 and 1000.",
    });
    expect(editSection(generated, 1, { startMs: 400 })).toMatchObject({
      refused: expect.stringContaining("before"),
    });
    expect(editSection(generated, 1, { startMs: 17_000 })).toMatchObject({
      refused: expect.stringContaining("next"),
    });
    expect(editSection(generated, 0, { startMs: -5 })).toMatchObject({ refused: expect.any(String) });
    expect(editSection(generated, 5, { bpm: 100 })).toMatchObject({ refused: expect.any(String) });
    expect(editSection(generated, 0, { bpm: 120 })).toMatchObject({
      refused: expect.stringContaining("Nothing"),
    });
  });

  it("reads a point at the Offset as the first section (as TempoMap does) and folds it in", () => {
    const t = ok(
      editSection({ ...generated, TimingPoints: [{ Time: 500, Bpm: 60, Confidence: 0.2 }] }, 0, { bpm: 120 }),
    );
    expect(t).toMatchObject({ Bpm: 120, Offset: 500, Confidence: 1, TimingPoints: [] });
  });
});

describe("metric fixes", () => {
  it("×2, ×½, ×3⁄2, ×2⁄3 scale one section's BPM and keep its start", () => {
    expect(ok(scaleSectionTempo(generated, 1, fix("double"))).TimingPoints[0]).toMatchObject({
      Time: 8500,
      Bpm: 240,
    });
    expect(ok(scaleSectionTempo(generated, 0, fix("halve")))).toMatchObject({ Bpm: 60, Offset: 500 });
    expect(ok(scaleSectionTempo(generated, 0, fix("threeHalves"))).Bpm).toBe(180);
    expect(ok(scaleSectionTempo(generated, 2, fix("twoThirds"))).TimingPoints[1]!.Bpm).toBeCloseTo(
      93.3333,
      4,
    );
    expect(scaleSectionTempo({ ...generated, Bpm: 600 }, 0, fix("double"))).toMatchObject({
      refused: expect.stringContaining("1000"),
    });
  });

  it("is an ordinary editor change: notes keep their time, undo restores, the diff shows the timing", () => {
    const chart = grooveChart({ bars: 2, bpm: 120, offsetMs: 500 });
    chart.Timing = { ...chart.Timing!, Confidence: 0.3 };
    const doc = createDoc(chart);
    const next = ok(scaleSectionTempo(doc.chart.Timing!, 0, fix("double")));
    const change = setTiming(doc, next, { label: "double the BPM of bars 1–6" });
    if (isRefusal(change)) throw new Error(change.refused);
    const edited = commit(doc, change);
    expect(edited.chart.Timing).toMatchObject({ Bpm: 240, Confidence: 1 });
    expect(edited.notes.map((n) => n.Time)).toEqual(doc.notes.map((n) => n.Time));
    const diff = diffCharts(chart, toBeatmap(edited));
    expect(diff.sections.Timing?.after).toMatchObject({ Bpm: 240 });
    expect(undo(edited).chart.Timing).toEqual(chart.Timing);
  });
});

describe("moveBarLine", () => {
  it("moves the first section's grid by the least amount that puts a bar line where it was dropped", () => {
    // Bar 3 at 4500 dropped at 4540: the Offset moves 40 ms later.
    expect(ok(moveBarLine(generated, 4500, 4540))).toMatchObject({ Offset: 540, Confidence: 1 });
    // Dropped almost a bar later: the grid moves 40 ms earlier instead (same bar lines).
    expect(ok(moveBarLine(generated, 4500, 6460)).Offset).toBe(460);
  });

  it("a later section starts a bar at its new start, and keeps between its neighbours", () => {
    const t = ok(moveBarLine(generated, 10_500, 10_450));
    expect(t.TimingPoints[0]).toMatchObject({ Time: 8450, Bpm: 120, TimeSignature: "4/4", Confidence: 1 });
    const tempo = TempoMap.fromTiming(t);
    const { inMeasure } = tempo.measurePosition(tempo.msToBeat(10_450));
    expect(inMeasure).toBeCloseTo(0, 6);
    expect(moveBarLine(generated, 4500, 4500.2)).toMatchObject({ refused: "The bar line did not move." });
  });

  it("never moves the first beat before the song starts", () => {
    // Bar 1 at 500 dragged 900 ms earlier: 600 ms later is the same grid and stays in the song.
    expect(ok(moveBarLine(generated, 500, -400)).Offset).toBe(1600);
  });
});

describe("sections", () => {
  it("adds a section with the BPM playing there: the grid does not move", () => {
    const t = ok(addSectionAt(generated, 12_500));
    expect(t.TimingPoints.map((p) => p.Time)).toEqual([8500, 12_500, 16_500]);
    const before = TempoMap.fromTiming(generated);
    const after = TempoMap.fromTiming(t);
    for (const ms of [1000, 9000, 13_000, 20_000])
      expect(after.msToBeat(ms)).toBeCloseTo(before.msToBeat(ms), 9);
    expect(sections(t)[2]).toMatchObject({ confidence: 0.3, bpm: 120 });
    expect(addSectionAt(generated, 8500.2)).toEqual({ refused: "A section already starts there." });
    expect(addSectionAt(generated, 300)).toMatchObject({ refused: expect.stringContaining("first beat") });
  });

  it("removes a section; the next keeps what it carried from it", () => {
    const t = ok(removeSection(generated, 1));
    expect(t.TimingPoints).toEqual([{ Time: 16_500, Bpm: 140, Confidence: 0.3 }]);
    expect(removeSection(generated, 0)).toMatchObject({ refused: expect.stringContaining("first section") });
  });

  it("marks a doubted section as right without moving its grid", () => {
    const t = ok(confirmSectionGrid(generated, 1));
    expect(sections(t).map((s) => s.confidence)).toEqual([0.9, 1, 0.3]);
    expect(t.TimingPoints[0]).toMatchObject({ Time: 8500, Bpm: 120 });
    expect(confirmSectionGrid(t, 1)).toMatchObject({ refused: expect.stringContaining("already") });
  });
});

describe("helpers", () => {
  it("finds the bar line nearest a time", () => {
    expect(nearestBarMs(generated, 3000)).toBe(2500);
    expect(nearestBarMs(generated, 3600)).toBe(4500);
  });

  it("splits at the nearest bar line that is not already a section's start", () => {
    expect(splitBarNear(generated, 3000)).toBe(2500);
    // At the first beat and at a section's start: the next bar line along.
    expect(splitBarNear(generated, 500)).toBe(2500);
    expect(splitBarNear(generated, 8400)).toBe(6500);
    expect(splitBarNear(generated, 8600)).toBe(10_500);
  });

  it("finds the bar line under a press on the ruler", () => {
    const tempo = TempoMap.fromTiming(generated);
    expect(barLineNear(tempo, 4510, 40)).toBe(4500);
    expect(barLineNear(tempo, 5000, 40)).toBeNull();
  });

  it("snaps a dragged bar line onto a note nearby", () => {
    const notes = [{ Time: 1000 }, { Time: 2010 }, { Time: 2500 }];
    expect(nearestNoteMs(notes, 2000, 20)).toBe(2010);
    expect(nearestNoteMs(notes, 1500, 20)).toBeNull();
  });

  it("swing snaps to triplets, straight back to even steps", () => {
    expect(snapForFeel(2, "swing")).toBe(3);
    expect(snapForFeel(4, "swing")).toBe(6);
    expect(snapForFeel(16, "swing")).toBe(12);
    expect(snapForFeel(6, "straight")).toBe(4);
    expect(snapForFeel(4, "straight")).toBe(4);
  });
});
