import { describe, expect, it } from "vitest";
import type { Beatmap } from "../beatmap/index.ts";
import { grooveChart } from "../beatmap/testing.ts";
import { describeConflict, rebaseEdit, resolveConflicts } from "./resolve.ts";

const clone = (b: Beatmap): Beatmap => structuredClone(b);
const snareAt = (b: Beatmap, t: number) =>
  b.HitObjects.findIndex((n) => n.Component === "snare" && n.Time === t);

describe("rebasing an edit onto a newer version", () => {
  it("is automatic when the edits touch different notes", () => {
    const base = grooveChart({ bars: 2 });
    const mine = clone(base);
    mine.HitObjects[snareAt(mine, 1000)]!.Time = 1010;
    const latest = clone(base);
    latest.HitObjects = latest.HitObjects.filter((n) => n.Component !== "crash");
    const r = rebaseEdit(base, mine, latest);
    if (!r.ok) throw new Error("expected a clean rebase");
    expect(r.chart.HitObjects.some((n) => n.Component === "crash")).toBe(false);
    expect(snareAt(r.chart, 1010)).toBeGreaterThanOrEqual(0);
  });

  it("lists conflicts when both moved the same note, and keeps mine or takes theirs per conflict", () => {
    const base = grooveChart({ bars: 2 });
    const mine = clone(base);
    mine.HitObjects[snareAt(mine, 1000)]!.Time = 1010;
    mine.HitObjects[snareAt(mine, 2000)]!.Time = 1990;
    mine.Timing = { ...mine.Timing!, Bpm: 121 };
    const latest = clone(base);
    latest.HitObjects[snareAt(latest, 1000)]!.Time = 1020;
    latest.HitObjects[snareAt(latest, 2000)]!.Time = 2020;
    latest.Timing = { ...latest.Timing!, Bpm: 119 };
    const r = rebaseEdit(base, mine, latest);
    if (r.ok) throw new Error("expected conflicts");
    expect(r.conflicts).toHaveLength(3);
    const order = r.conflicts.map((c) => (c.kind === "section" ? "timing" : c.timeMs));
    const choices = r.conflicts.map((c) => (c.kind === "section" || c.timeMs === 1000 ? "mine" : "theirs"));
    const out = resolveConflicts(base, mine, latest, choices);
    expect(order).toContain("timing");
    expect(snareAt(out, 1010)).toBeGreaterThanOrEqual(0);
    expect(snareAt(out, 1020)).toBe(-1);
    expect(snareAt(out, 2020)).toBeGreaterThanOrEqual(0);
    expect(snareAt(out, 1990)).toBe(-1);
    expect(out.Timing!.Bpm).toBe(121);
    // Taking theirs everywhere gives back the newest version.
    const theirs = resolveConflicts(
      base,
      mine,
      latest,
      choices.map(() => "theirs"),
    );
    expect(theirs.HitObjects).toEqual(latest.HitObjects);
    expect(theirs.Timing).toEqual(latest.Timing);
    expect(() => resolveConflicts(base, mine, latest, [])).toThrow(/each of the 3 conflicts/);
  });
});

describe("conflicts in words", () => {
  it("says where, what I did and what the newest version has", () => {
    const base = grooveChart({ bars: 1 });
    const mine = clone(base);
    mine.HitObjects[snareAt(mine, 1000)]!.Time = 1010;
    const latest = clone(base);
    latest.HitObjects.splice(snareAt(latest, 1000), 1);
    const r = rebaseEdit(base, mine, latest);
    if (r.ok) throw new Error("expected a conflict");
    expect(describeConflict(r.conflicts[0]!)).toEqual({
      where: "1.000 s",
      mine: "you made it a snare at 1.010 s (velocity 0.90)",
      theirs: "the newest version removed it",
    });
  });
});
