import { describe, expect, it } from "vitest";
import { createBeatmap } from "../beatmap/index.ts";
import { grooveChart } from "../beatmap/testing.ts";
import {
  addNote,
  confirmNotes,
  copySelection,
  cycleComponent,
  cycleVelocity,
  deleteNotes,
  type EditResult,
  isRefusal,
  moveNotes,
  nextComponent,
  nudge,
  paste,
  reassignLane,
  remapComponent,
  setComponent,
  setTiming,
  shiftAll,
  withoutTimingPoint,
  withTimingPoint,
} from "./actions.ts";
import {
  type Change,
  commit,
  confirmedPlaces,
  confirmedTimes,
  createDoc,
  type EditorDoc,
  redo,
  toBeatmap,
  undo,
} from "./document.ts";
import { select } from "./selection.ts";

const ok = (r: EditResult): Change => {
  if (isRefusal(r)) throw new Error(`refused: ${r.refused}`);
  return r;
};

/** 120 BPM from 500 ms: a beat is 500 ms. */
function doc(): EditorDoc {
  return createDoc(grooveChart({ bars: 2 }));
}
const byLaneAt = (d: EditorDoc, lane: number, ms: number) =>
  d.notes.find((n) => n.Lane === lane && n.Time === ms);

describe("editing notes", () => {
  it("adds a note, refuses a second one on the same spot, and undo / redo round-trip", () => {
    const d0 = doc();
    const d1 = commit(d0, ok(addNote(d0, { ms: 1234, lane: 4 })));
    expect(d1.notes).toHaveLength(d0.notes.length + 1);
    const added = byLaneAt(d1, 4, 1234)!;
    expect(added.Component).toBe("tom_mid");
    expect([...d1.selection]).toEqual([added.id]);
    const again = addNote(d1, { ms: 1234.5, lane: 4 });
    expect(isRefusal(again) && again.refused).toMatch(/already a tom note/);
    const d2 = undo(d1);
    expect(toBeatmap(d2)).toEqual(toBeatmap(d0));
    const d3 = redo(d2);
    expect(toBeatmap(d3)).toEqual(toBeatmap(d1));
    expect(d3.redo).toHaveLength(0);
  });

  it("refuses notes outside the song", () => {
    const d = doc();
    expect(isRefusal(addNote(d, { ms: -1, lane: 2 }))).toBe(true);
    expect(isRefusal(addNote(d, { ms: d.chart.Audio.Duration! + 1, lane: 2 }))).toBe(true);
  });

  it("deletes the selection and undo puts the same notes back, selected", () => {
    const d0 = doc();
    const snares = d0.notes.filter((n) => n.Lane === 2).map((n) => n.id);
    const d1 = commit(d0, ok(deleteNotes(d0, snares)));
    expect(d1.notes.some((n) => n.Lane === 2)).toBe(false);
    const d2 = undo(d1);
    expect(toBeatmap(d2)).toEqual(toBeatmap(d0));
    expect([...d2.selection].sort()).toEqual([...snares].sort());
  });

  it("moves notes in time and across lanes; the lane's component follows; confidence is dropped", () => {
    const base = grooveChart({ bars: 1 });
    base.HitObjects[0]!.Confidence = 0.3;
    const d0 = createDoc(base);
    const first = d0.notes[0]!;
    expect(first.Component).toBe("crash");
    const r = ok(moveNotes(d0, [first.id], 100, 1));
    const d1 = commit(d0, r);
    const moved = d1.notes.find((n) => n.id === first.id)!;
    expect(moved.Time).toBe(first.Time + 100);
    expect(moved).toMatchObject({ Lane: 1, Component: "hihat_closed" });
    expect(moved.Confidence).toBeUndefined();
    expect(moved.confirmed).toBe(true);
    expect(toBeatmap(undo(d1))).toEqual(toBeatmap(d0));
  });

  it("clamps a drag at the start of the song and refuses to land on another note", () => {
    const d0 = doc();
    const first = d0.notes[0]!;
    const d1 = commit(d0, ok(moveNotes(d0, [first.id], -10_000)));
    expect(d1.notes.find((n) => n.id === first.id)!.Time).toBe(0);
    const kick = d0.notes.find((n) => n.Lane === 3)!;
    const nextKick = d0.notes.find((n) => n.Lane === 3 && n.Time > kick.Time)!;
    const r = moveNotes(d0, [kick.id], nextKick.Time - kick.Time);
    expect(isRefusal(r) && r.refused).toMatch(/already at/);
  });

  it("nudges the selection by one grid step, keeping its shape", () => {
    const d0 = doc();
    const kicks = d0.notes.filter((n) => n.Lane === 3).slice(0, 2);
    const d1 = select(
      d0,
      kicks.map((k) => k.id),
    );
    const d2 = commit(d1, ok(nudge(d1, 4, 1)));
    const after = kicks.map((k) => d2.notes.find((n) => n.id === k.id)!.Time);
    expect(after).toEqual(kicks.map((k) => k.Time + 125));
    const d3 = commit(d2, ok(nudge(d2, 3, -1)));
    // 1/3 beat earlier than +125 ms: snaps back to the previous triplet line (500 ms beat → 166.667).
    expect(d3.notes.find((n) => n.id === kicks[0]!.id)!.Time).toBeCloseTo(kicks[0]!.Time, 2);
  });

  it("reassigns lanes and articulations, and remaps a component across the chart", () => {
    const d0 = doc();
    const crash = d0.notes.find((n) => n.Component === "crash")!;
    const d1 = commit(d0, ok(reassignLane(d0, [crash.id], 6)));
    expect(d1.notes.find((n) => n.id === crash.id)).toMatchObject({ Lane: 6, Component: "splash" });
    const open = d0.notes.find((n) => n.Component === "hihat_closed")!;
    const d2 = commit(d0, ok(setComponent(d0, [open.id], "hihat_open")));
    expect(d2.notes.find((n) => n.id === open.id)).toMatchObject({ Lane: 1, Component: "hihat_open" });
    const d3 = commit(d0, ok(remapComponent(d0, "tom_floor", "tom_high")));
    expect(d3.notes.some((n) => n.Component === "tom_floor")).toBe(false);
    expect(d3.undo.at(-1)!.label).toBe("map tom floor → tom high");
  });

  it("cycles each selected note through its lane's articulations, undoably", () => {
    expect(
      ["hihat_closed", "hihat_open", "hihat_pedal"].map((c) => nextComponent(c as "hihat_closed")),
    ).toEqual(["hihat_open", "hihat_pedal", "hihat_closed"]);
    expect(nextComponent("snare")).toBe("snare_rimshot");
    expect(nextComponent("snare_cross_stick")).toBe("snare");
    expect(nextComponent("tom_floor")).toBe("tom_high");
    expect(nextComponent("ride")).toBe("ride_bell");
    expect(nextComponent("kick")).toBe("kick");
    const d0 = doc();
    const hat = d0.notes.find((n) => n.Component === "hihat_closed")!;
    const snare = d0.notes.find((n) => n.Component === "snare")!;
    const kick = d0.notes.find((n) => n.Component === "kick")!;
    const change = ok(cycleComponent(d0, [hat.id, snare.id, kick.id]));
    expect(change.label).toBe("next articulation for 2 notes");
    const d1 = commit(d0, change);
    expect(d1.notes.find((n) => n.id === hat.id)).toMatchObject({
      Component: "hihat_open",
      Lane: 1,
      confirmed: true,
    });
    expect(d1.notes.find((n) => n.id === snare.id)).toMatchObject({ Component: "snare_rimshot", Lane: 2 });
    expect(d1.notes.find((n) => n.id === kick.id)).toMatchObject({ Component: "kick" });
    const back = undo(d1);
    expect(back.notes.find((n) => n.id === hat.id)?.Component).toBe("hihat_closed");
    expect(back.notes.find((n) => n.id === snare.id)?.Component).toBe("snare");
    expect(ok(cycleComponent(d0, [hat.id])).label).toBe("make 1 note hihat open");
    expect(cycleComponent(d0, [kick.id])).toEqual({ refused: expect.stringMatching(/one articulation/) });
    expect(cycleComponent(d0, [])).toEqual({ refused: expect.stringMatching(/Select the notes/) });
  });

  it("cycles velocity bands ghost → normal → accent → ghost, undoably", () => {
    const d0 = doc();
    const ghost = d0.notes.find((n) => n.Velocity === 0.25)!;
    const accent = d0.notes.find((n) => n.Velocity === 1)!;
    const normal = d0.notes.find((n) => n.Velocity === 0.7)!;
    const c = ok(cycleVelocity(d0, [ghost.id, accent.id, normal.id]));
    expect(c.label).toBe("next velocity band for 3 notes");
    const d1 = commit(d0, c);
    expect(d1.notes.find((n) => n.id === ghost.id)?.Velocity).toBe(0.7);
    expect(d1.notes.find((n) => n.id === accent.id)?.Velocity).toBe(0.3);
    expect(d1.notes.find((n) => n.id === normal.id)?.Velocity).toBe(1);
    expect(undo(d1).notes.find((n) => n.id === ghost.id)?.Velocity).toBe(0.25);
    expect(ok(cycleVelocity(d0, [normal.id])).label).toBe("set 1 note to accent");
    expect(cycleVelocity(d0, [])).toEqual({ refused: expect.stringMatching(/Select notes/) });
  });

  it("confirms notes once", () => {
    const d0 = doc();
    const ids = d0.notes.slice(0, 3).map((n) => n.id);
    const d1 = commit(d0, ok(confirmNotes(d0, ids)));
    expect(d1.notes.filter((n) => n.confirmed)).toHaveLength(3);
    expect(isRefusal(confirmNotes(d1, ids))).toBe(true);
    expect(undo(d1).notes.some((n) => n.confirmed)).toBe(false);
  });

  it("copies and pastes a rhythm in beats, so it fits another tempo", () => {
    const chart = grooveChart({ bars: 2 });
    chart.Timing = { Bpm: 120, Offset: 500, TimeSignature: "4/4", TimingPoints: [{ Time: 2500, Bpm: 60 }] };
    chart.Audio.Duration = 20_000;
    let d = createDoc(chart);
    const ids = d.notes.filter((n) => n.Lane === 3 && n.Time < 2500).map((n) => n.id);
    d = select(d, ids);
    const clip = copySelection(d);
    if ("refused" in clip) throw new Error(clip.refused);
    expect(clip.map((c) => c.beat)).toEqual([0, 2, 2.5]);
    d = { ...d, clipboard: clip };
    const d2 = commit(d, ok(paste(d, 4600)));
    // After 2500 ms a beat is 1000 ms: beats 0, 2, 2.5 from 4600 are 4600, 6600, 7100.
    expect(
      d2.notes
        .filter((n) => d2.selection.has(n.id))
        .map((n) => n.Time)
        .sort((a, b) => a - b),
    ).toEqual([4600, 6600, 7100]);
    // At 4500 there is a kick already: that one is skipped, the rest pasted.
    expect(ok(paste(d, 4500)).add.map((n) => n.Time)).toEqual([6500, 7000]);
  });
});

describe("timing edits", () => {
  it("a BPM change keeps notes at their time by default, or at their beat when asked", () => {
    const d0 = doc();
    const next = { ...d0.chart.Timing!, Bpm: 60 };
    const keepTime = commit(d0, ok(setTiming(d0, next)));
    expect(keepTime.notes.map((n) => n.Time)).toEqual(d0.notes.map((n) => n.Time));
    expect(keepTime.chart.Timing!.Bpm).toBe(60);
    const keepBeat = commit(d0, ok(setTiming(d0, { ...d0.chart.Timing!, Bpm: 240 }, { keep: "beat" })));
    // Offset 500; a note 1000 ms after the first beat (2 beats at 120) is 500 ms after it at 240.
    expect(keepBeat.notes.some((n) => n.Time === 1000)).toBe(true);
    expect(toBeatmap(undo(keepBeat))).toEqual(toBeatmap(d0));
  });

  it("refuses a BPM outside 20–1000 and a timing point before the first beat", () => {
    const d0 = doc();
    expect(isRefusal(setTiming(d0, { ...d0.chart.Timing!, Bpm: 5 }))).toBe(true);
    const t = withTimingPoint(d0.chart.Timing!, { Time: 100, Bpm: 90 });
    expect("refused" in t).toBe(true);
    const t2 = withTimingPoint(d0.chart.Timing!, { Time: 2500, Bpm: 90, TimeSignature: "3/4" });
    if ("refused" in t2) throw new Error(t2.refused);
    expect(t2.TimingPoints).toEqual([{ Time: 2500, Bpm: 90, TimeSignature: "3/4" }]);
    expect(withoutTimingPoint(t2, 2500).TimingPoints).toEqual([]);
  });

  it("shifts the whole chart, grid and notes, and refuses to push notes before 0", () => {
    const d0 = doc();
    const d1 = commit(d0, ok(shiftAll(d0, -20)));
    expect(d1.chart.Timing!.Offset).toBe(480);
    expect(d1.notes.map((n) => n.Time)).toEqual(d0.notes.map((n) => n.Time - 20));
    expect(isRefusal(shiftAll(d0, -600))).toBe(true);
    expect(toBeatmap(undo(d1))).toEqual(toBeatmap(d0));
  });
});

describe("the document", () => {
  it("writes back the chart it read, and keeps confirmations by time", () => {
    const chart = grooveChart({ bars: 2 });
    const first = chart.HitObjects[0]!;
    const d = createDoc(chart, { confirmed: [{ time: first.Time, lane: first.Lane }] });
    expect(toBeatmap(d)).toEqual(chart);
    // Another note sounds at the same time on another lane; only the confirmed one is marked.
    expect(d.notes.filter((n) => n.Time === first.Time).length).toBeGreaterThan(1);
    expect(d.notes.filter((n) => n.confirmed).map((n) => [n.Time, n.Lane])).toEqual([
      [first.Time, first.Lane],
    ]);
    expect(confirmedPlaces(d)).toEqual([{ time: first.Time, lane: first.Lane }]);
    expect(confirmedTimes(d)).toEqual([first.Time]);
  });

  it("refuses to apply a change that names notes it does not have", () => {
    const d = createDoc(createBeatmap({ Metadata: { Title: "t", Artist: "a" }, HitObjects: [] }));
    const ghost = { id: 99, Time: 0, Component: "kick" as const, Lane: 3, Velocity: 1 };
    expect(() => commit(d, { label: "x", remove: [ghost], add: [] })).toThrow(/not in the chart/);
  });
});
