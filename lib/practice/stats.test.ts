import { describe, expect, it } from "vitest";
import { grade, ScoreKeeper } from "./stats.ts";

const note = (index: number, lane: number, judgment: "perfect" | "great" | "good" | "miss", errorMs = 0) => ({
  kind: "note" as const,
  index,
  lane,
  judgment,
  errorMs: judgment === "miss" ? Number.NaN : errorMs,
  noteMs: index * 100,
});

describe("ScoreKeeper", () => {
  it("adds score, combo, accuracy, early/late, per-lane and per-limb timing, missed bars", () => {
    const s = new ScoreKeeper((i) => ({ limb: i % 2 ? "feet" : "hands", bar: Math.floor(i / 4) }));
    s.add(note(0, 2, "perfect", 10));
    s.add(note(1, 3, "great", -40));
    s.add(note(2, 2, "good", 70));
    s.add(note(3, 3, "miss"));
    s.add({ kind: "stray", lane: 1, songMs: 0 });
    s.add(note(4, 2, "perfect", -10));
    s.add(note(5, 3, "miss"));
    s.add(note(7, 3, "miss"));
    const r = s.summary();
    expect(r.score).toBe(300 + 200 + 100 + 300);
    expect(r.maxCombo).toBe(3);
    expect(r.accuracy).toBeCloseTo(900 / (7 * 300));
    expect(r.counts).toEqual({ perfect: 2, great: 1, good: 1, miss: 3 });
    expect(r.strays).toBe(1);
    expect([r.early, r.late]).toEqual([1, 1]);
    expect(r.lanes[2]).toMatchObject({ counts: { perfect: 2, great: 0, good: 1, miss: 0 }, count: 3 });
    expect(r.lanes[2]!.meanMs).toBeCloseTo(70 / 3);
    expect(r.limbs.hands.count).toBe(3);
    expect(r.limbs.feet).toMatchObject({ count: 1, meanMs: -40, sdMs: 0 });
    expect(r.missedBars).toEqual([
      { bar: 1, misses: 2 },
      { bar: 0, misses: 1 },
    ]);
  });

  it("counts ghosts and accents played too loud or too soft when hits carry a velocity", () => {
    const s = new ScoreKeeper((i) => ({ limb: "hands", bar: 0, velocity: i === 0 ? 0.25 : 1 }));
    s.add({ ...note(0, 2, "perfect"), hitVelocity: 0.8 });
    s.add({ ...note(1, 2, "perfect"), hitVelocity: 0.95 });
    s.add(note(2, 2, "perfect"));
    expect(s.summary().dynamics).toEqual({ ok: 1, "too-loud": 1, "too-soft": 0 });
  });

  it("grades a clean run SS and an empty one as perfect accuracy", () => {
    const s = new ScoreKeeper(() => ({ limb: "hands", bar: 0 }));
    expect(s.accuracy).toBe(1);
    s.add(note(0, 0, "perfect"));
    const r = s.summary();
    expect(grade(r.accuracy, r.counts)).toBe("SS");
    expect(grade(0.85, { perfect: 1, great: 1, good: 0, miss: 0 })).toBe("B");
  });
});
