// The app's lane colours (app/globals.css, read by the highway and the editor) follow the
// rhythm-game convention the highway promises (lib/practice/highway.ts LANE_COLOR_FAMILY).
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { LANE, LANE_NAMES, type Lane } from "@/lib/beatmap/lanes.ts";
import { LANE_COLOR_FAMILY } from "@/lib/practice/highway.ts";

const css = readFileSync(new URL("../../globals.css", import.meta.url), "utf8");

/** The --lane-* colours of the first rule block that matches `selector`. */
function laneVars(selector: string): Record<string, string> {
  const at = css.indexOf(`${selector} {`);
  expect(at, `${selector} in globals.css`).toBeGreaterThanOrEqual(0);
  const block = css.slice(at, css.indexOf("}", at));
  return Object.fromEntries(
    [...block.matchAll(/--lane-(\w+):\s*(#[0-9a-f]{6})/gi)].map((m) => [m[1]!, m[2]!]),
  );
}

function hue(hex: string): number {
  const [r, g, b] = [1, 3, 5].map((i) => Number.parseInt(hex.slice(i, i + 2), 16) / 255) as [
    number,
    number,
    number,
  ];
  const max = Math.max(r, g, b);
  const d = max - Math.min(r, g, b);
  if (d === 0) return 0;
  const h = max === r ? ((g - b) / d) % 6 : max === g ? (b - r) / d + 2 : (r - g) / d + 4;
  return (h * 60 + 360) % 360;
}

const FAMILY_HUES: Record<string, readonly [number, number]> = {
  red: [-15, 12],
  orange: [20, 45],
  yellow: [45, 62],
  green: [90, 175],
  blue: [195, 235],
};

function inFamily(hex: string, family: string): boolean {
  const h = hue(hex);
  const [lo, hi] = FAMILY_HUES[family]!;
  return (h >= lo && h <= hi) || (lo < 0 && h >= 360 + lo);
}

describe("lane colours", () => {
  it("standard palette: kick orange, snare red, hi-hat yellow, toms and ride blue, crash and splash green", () => {
    const vars = laneVars(":root");
    LANE_NAMES.forEach((name, lane) => {
      const family = LANE_COLOR_FAMILY[lane as Lane];
      expect(
        inFamily(vars[name]!, family),
        `${name} ${vars[name]} (hue ${hue(vars[name]!)}) is ${family}`,
      ).toBe(true);
    });
  });

  it("colour-blind palette (Okabe–Ito) keeps the convention where its colours allow", () => {
    const vars = laneVars('[data-palette="colour-blind"]');
    expect(inFamily(vars.kick!, "orange")).toBe(true);
    expect(inFamily(vars.hihat!, "yellow")).toBe(true);
    expect(inFamily(vars.crash!, "green")).toBe(true);
    expect(inFamily(vars.tom!, "blue") && inFamily(vars.ride!, "blue")).toBe(true);
    // Okabe–Ito has no pure red: the snare takes its vermillion, redder than the kick's orange.
    expect(hue(vars.snare!)).toBeLessThan(hue(vars.kick!));
    expect(new Set(Object.values(vars)).size).toBe(LANE_NAMES.length);
  });

  it("gives blue tom and blue ride different shades (their shapes differ too)", () => {
    const vars = laneVars(":root");
    expect(vars.tom).not.toBe(vars.ride);
    expect(LANE.tom).not.toBe(LANE.ride);
  });
});
