import { describe, expect, it } from "vitest";
import { reduceDifficulty } from "./difficulty.ts";
import { velocityClass } from "./lanes.ts";
import { lintBeatmap } from "./lint.ts";
import type { Beatmap } from "./schema.ts";
import { grooveChart } from "./testing.ts";

const g = grooveChart({ bars: 8, bpm: 100, offsetMs: 1200 });
const beatMs = 600;
const at = (b: Beatmap, beat: number, component: string) =>
  b.HitObjects.some((h) => Math.abs(h.Time - (1200 + beat * beatMs)) < 1 && h.Component === component);
const levels = ["hard", "medium", "easy"] as const;

describe("reduceDifficulty", () => {
  const reduced = levels.map((l) => reduceDifficulty(g, l));

  it("makes each level strictly smaller than the one above", () => {
    const counts = [g, ...reduced].map((b) => b.HitObjects.length);
    expect(counts[1]).toBeLessThan(counts[0]!);
    expect(counts[2]).toBeLessThan(counts[1]!);
    expect(counts[3]).toBeLessThan(counts[2]!);
  });

  it("keeps the crash on the downbeat and the backbone at every level", () => {
    for (const b of reduced) {
      expect(at(b, 0, "crash"), b.Metadata.Difficulty as string).toBe(true);
      expect(at(b, 8, "crash")).toBe(true);
      expect(at(b, 1, "snare")).toBe(true); // backbeat
      expect(at(b, 4, "kick")).toBe(true); // kick on the one of bar 2
    }
    expect(at(reduced[1]!, 3, "snare")).toBe(true);
  });

  it("keeps instrument identity and drops ghost notes", () => {
    const fill = (b: Beatmap) => new Set(b.HitObjects.filter((h) => h.Lane === 4).map((h) => h.Component));
    expect(fill(reduced[0]!)).toEqual(new Set(["tom_high", "tom_mid", "tom_floor"]));
    for (const b of reduced) {
      expect(b.HitObjects.every((h) => velocityClass(h.Velocity) !== "ghost")).toBe(true);
      const original = new Set(g.HitObjects.map((h) => `${h.Time}|${h.Component}`));
      expect(b.HitObjects.every((h) => original.has(`${h.Time}|${h.Component}`))).toBe(true);
      expect(lintBeatmap(b).ok).toBe(true);
    }
  });

  it("thins hi-hats to quarter notes from Medium and keeps one hand on Easy", () => {
    const hats = (b: Beatmap) => b.HitObjects.filter((h) => h.Lane === 1).length;
    expect(hats(reduced[1]!)).toBeLessThan(hats(reduced[0]!));
    const easy = reduced[2]!;
    const byTime = new Map<number, number>();
    for (const h of easy.HitObjects) if (h.Lane !== 3) byTime.set(h.Time, (byTime.get(h.Time) ?? 0) + 1);
    expect(Math.max(...byTime.values())).toBe(1);
    expect(easy.Metadata.Difficulty).toBe("Easy");
  });
});
