import { describe, expect, it } from "vitest";
import {
  applyDiff,
  ChartDiffSchema,
  DiffConflictError,
  diffCharts,
  isEmptyDiff,
  rebaseDiff,
  summarizeDiff,
} from "./diff.ts";
import { LANE } from "./lanes.ts";
import type { Beatmap, HitObject } from "./schema.ts";
import { grooveChart } from "./testing.ts";

const edit = (chart: Beatmap, change: (notes: HitObject[]) => HitObject[]): Beatmap => {
  const next = structuredClone(chart);
  next.HitObjects = change(next.HitObjects).sort((a, b) => a.Time - b.Time || a.Lane - b.Lane);
  return next;
};
const sorted = (c: Beatmap) => c.HitObjects;
const firstSnareIndex = (c: Beatmap) => c.HitObjects.findIndex((n) => n.Component === "snare");

describe("diffCharts", () => {
  const base = grooveChart({ bars: 4 });

  it("finds nothing between a chart and its copy", () => {
    expect(isEmptyDiff(diffCharts(base, structuredClone(base)))).toBe(true);
  });

  it("names an added, a removed, a moved and a changed note, per lane", () => {
    const snare = firstSnareIndex(base);
    const next = edit(base, (notes) => {
      const out = notes.map((n) => ({ ...n }));
      (out[snare] as HitObject).Time += 62.5; // a 1/32 nudge
      const kick = out.findIndex((n) => n.Component === "kick");
      (out[kick] as HitObject).Velocity = 0.3;
      out.splice(
        out.findIndex((n) => n.Component === "hihat_closed"),
        1,
      );
      out.push({ Time: 4321, Component: "tom_floor", Lane: LANE.tom, Velocity: 0.8 });
      return out;
    });
    const diff = diffCharts(base, next);
    expect(diff.added).toEqual([{ Time: 4321, Component: "tom_floor", Lane: LANE.tom, Velocity: 0.8 }]);
    expect(diff.removed.map((n) => n.Component)).toEqual(["hihat_closed"]);
    expect(diff.moved).toHaveLength(1);
    expect(diff.moved.map((m) => m.to.Time - m.from.Time)[0]).toBeCloseTo(62.5);
    expect(diff.changed.map((c) => [c.from.Velocity, c.to.Velocity])).toEqual([[0.9, 0.3]]);
    const summary = summarizeDiff(diff);
    expect(summary.lanes[LANE.snare]?.moved).toBe(1);
    expect(summary.lanes[LANE.kick]?.changed).toBe(1);
    expect(summary.lanes[LANE.hihat]?.removed).toBe(1);
    expect(summary.lanes[LANE.tom]?.added).toBe(1);
    expect(summary.total).toEqual({ added: 1, removed: 1, moved: 1, changed: 1 });
    expect(applyDiff(base, diff)).toEqual(next);
  });

  it("treats an articulation change in place as a change, and a far jump as remove + add", () => {
    const hh = base.HitObjects.findIndex((n) => n.Component === "hihat_closed");
    const snare = firstSnareIndex(base);
    const next = edit(base, (notes) =>
      notes.map((n, i) =>
        i === hh
          ? { ...n, Component: "hihat_open" as const }
          : i === snare
            ? { ...n, Time: n.Time + 1031 }
            : n,
      ),
    );
    const diff = diffCharts(base, next);
    expect(diff.changed.map((c) => `${c.from.Component}>${c.to.Component}`)).toEqual([
      "hihat_closed>hihat_open",
    ]);
    expect(diff.moved).toHaveLength(0);
    expect(diff.added.map((n) => n.Component)).toEqual(["snare"]);
    expect(diff.removed.map((n) => n.Component)).toEqual(["snare"]);
    expect(applyDiff(base, diff)).toEqual(next);
  });

  it("reports timing changes and recognises a global offset shift", () => {
    const next = edit(base, (notes) => notes.map((n) => ({ ...n, Time: n.Time + 12 })));
    next.Timing = { ...(base.Timing ?? { Bpm: 120, TimeSignature: "4/4", TimingPoints: [] }), Offset: 512 };
    const diff = diffCharts(base, next);
    const summary = summarizeDiff(diff, base.HitObjects.length);
    expect(summary.timingChanged).toBe(true);
    expect(summary.uniformShiftMs).toBeCloseTo(12);
    expect(summary.total.moved).toBe(base.HitObjects.length);
    expect(applyDiff(base, diff)).toEqual(next);
  });

  it("survives JSON and the schema unchanged (what travels between client and server)", () => {
    const next = edit(base, (notes) => notes.slice(3));
    const diff = diffCharts(base, next);
    const travelled = ChartDiffSchema.parse(JSON.parse(JSON.stringify(diff)));
    expect(applyDiff(base, travelled)).toEqual(next);
    expect(() => ChartDiffSchema.parse({ ...diff, format: "other" })).toThrow(/bsm-diff\/1/);
  });
});

describe("applyDiff and rebaseDiff", () => {
  const base = grooveChart({ bars: 4 });
  const snares = base.HitObjects.map((n, i) => (n.Component === "snare" ? i : -1)).filter((i) => i >= 0);
  const [s0, s1] = snares as [number, number];
  const nudge = (chart: Beatmap, index: number, ms: number) =>
    edit(chart, (notes) => notes.map((n, i) => (i === index ? { ...n, Time: n.Time + ms } : n)));

  it("refuses a diff whose notes are no longer there, listing every conflict", () => {
    const ours = diffCharts(base, nudge(base, s0, 20));
    const theirs = nudge(base, s0, -30);
    try {
      applyDiff(theirs, ours);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(DiffConflictError);
      expect((error as DiffConflictError).conflicts).toHaveLength(1);
      expect((error as Error).message).toMatch(/snare at .* s/);
    }
  });

  it("rebases automatically when the edits touch different notes", () => {
    const oursChart = nudge(base, s0, 20);
    const ours = diffCharts(base, oursChart);
    const theirsChart = nudge(base, s1, -15);
    const result = rebaseDiff(ours, base, theirsChart);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const both = nudge(nudge(base, s0, 20), s1, -15);
    expect(sorted(result.chart)).toEqual(sorted(both));
    expect(result.diff.moved).toHaveLength(1);
  });

  it("reports an overlap with the other side's version of the note", () => {
    const ours = diffCharts(base, nudge(base, s0, 20));
    const theirsChart = nudge(base, s0, -30);
    const result = rebaseDiff(ours, base, theirsChart);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.conflicts).toHaveLength(1);
    const conflict = result.conflicts[0];
    expect(conflict?.lane).toBe(LANE.snare);
    expect((conflict?.theirs as HitObject | undefined)?.Time).toBeCloseTo(
      (base.HitObjects[s0] as HitObject).Time - 30,
    );
  });

  it("lands the same edit made twice once, without a conflict", () => {
    const added: HitObject = { Time: 777, Component: "crash", Lane: LANE.crash, Velocity: 1 };
    const both = edit(base, (notes) => [...notes, added]);
    const diff = diffCharts(base, both);
    expect(applyDiff(both, diff).HitObjects.filter((n) => n.Time === 777)).toHaveLength(1);
  });

  it("conflicts on a section both sides changed, and keeps a section only one side changed", () => {
    const ours = structuredClone(base);
    ours.Metadata.Title = "Ours";
    const theirs = structuredClone(base);
    theirs.Metadata.Title = "Theirs";
    expect(rebaseDiff(diffCharts(base, ours), base, theirs)).toMatchObject({
      ok: false,
      conflicts: [{ kind: "section", section: "Metadata" }],
    });
    const theirsTiming = structuredClone(base);
    theirsTiming.Editor = { SnapDivisor: 8 };
    const result = rebaseDiff(diffCharts(base, ours), base, theirsTiming);
    expect(
      result.ok && result.chart.Metadata.Title === "Ours" && result.chart.Editor?.SnapDivisor === 8,
    ).toBe(true);
  });
});
