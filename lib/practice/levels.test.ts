import { describe, expect, it } from "vitest";
import { grooveChart } from "../beatmap/testing.ts";
import { chartAtLevel, LEVELS, levelSummaries, parseLevel } from "./levels.ts";

describe("difficulty levels", () => {
  const chart = grooveChart({ bars: 8, bpm: 120 });

  it("reads Expert for anything that is not a level (old results, nothing stored)", () => {
    expect(parseLevel("hard")).toBe("hard");
    expect(parseLevel(undefined)).toBe("expert");
    expect(parseLevel("Hard")).toBe("expert");
    expect(parseLevel(3)).toBe("expert");
  });

  it("plays Expert as charted and makes each reduction once per chart", () => {
    expect(chartAtLevel(chart, "expert")).toBe(chart);
    const easy = chartAtLevel(chart, "easy");
    expect(easy.Metadata.Difficulty).toBe("Easy");
    expect(chartAtLevel(chart, "easy")).toBe(easy);
    expect(chartAtLevel(grooveChart({ bars: 8, bpm: 120 }), "easy")).not.toBe(easy);
  });

  it("summarises the four levels easiest first, each with fewer notes per second than the next", () => {
    const s = levelSummaries(chart);
    expect(s.map((l) => l.level)).toEqual([...LEVELS]);
    expect(s.at(-1)!.notes).toBe(chart.HitObjects.length);
    for (let i = 1; i < s.length; i++) {
      expect(s[i]!.notes).toBeGreaterThan(s[i - 1]!.notes);
      expect(s[i]!.notesPerSecond).toBeGreaterThan(s[i - 1]!.notesPerSecond);
    }
  });
});
