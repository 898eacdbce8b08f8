import { describe, expect, it } from "vitest";
import { grooveChart } from "../beatmap/testing.ts";
import { FULL_KIT } from "./kit-profile.ts";
import { chartAtLevel, LEVELS } from "./levels.ts";
import { chartFor } from "./run-chart.ts";

describe("the chart a run plays", () => {
  const chart = grooveChart({ bars: 8 });

  it("holds the chosen level's notes on a full kit", () => {
    for (const level of LEVELS) {
      const { prepared, fold } = chartFor(chart, { level, kit: FULL_KIT });
      expect(prepared.times.length).toBe(chartAtLevel(chart, level).HitObjects.length);
      expect(fold.dropped).toBe(0);
    }
  });

  it("folds the level to the kit: no toms leaves no tom lane at any level", () => {
    for (const level of LEVELS) {
      const { prepared } = chartFor(chart, { level, kit: { ...FULL_KIT, toms: 0 } });
      expect(Array.from(prepared.lanes)).not.toContain(4);
    }
    const expert = chartFor(chart, { level: "expert", kit: { ...FULL_KIT, toms: 0 } });
    expect(expert.fold.moved + expert.fold.dropped).toBeGreaterThan(0);
  });
});
