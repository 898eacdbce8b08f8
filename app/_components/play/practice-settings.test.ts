import { afterEach, describe, expect, it, vi } from "vitest";
import { DEFAULT_PREFS, parsePrefs, reducedMotion } from "./practice-settings.ts";

describe("reduced motion", () => {
  afterEach(() => vi.unstubAllGlobals());

  it("follows the system until the player chooses", () => {
    vi.stubGlobal("matchMedia", (query: string) => ({
      matches: query === "(prefers-reduced-motion: reduce)",
    }));
    expect(reducedMotion(DEFAULT_PREFS)).toBe(true);
    expect(reducedMotion({ reduceMotion: false })).toBe(false);
    vi.stubGlobal("matchMedia", () => ({ matches: false }));
    expect(reducedMotion(DEFAULT_PREFS)).toBe(false);
    expect(reducedMotion({ reduceMotion: true })).toBe(true);
  });

  it("keeps the choice through storage and ignores anything but a boolean", () => {
    expect(parsePrefs({ reduceMotion: true }).reduceMotion).toBe(true);
    expect(parsePrefs({ reduceMotion: false }).reduceMotion).toBe(false);
    expect("reduceMotion" in parsePrefs({ reduceMotion: "yes" })).toBe(false);
  });
});

describe("highway settings", () => {
  it("keeps the travel time, lane order, lefty flip and bar numbers, with safe defaults", () => {
    const p = parsePrefs({ approachMs: 2200, laneOrder: "kit", lefty: true, barNumbers: false });
    expect([p.approachMs, p.laneOrder, p.lefty, p.barNumbers]).toEqual([2200, "kit", true, false]);
    const d = parsePrefs({ approachMs: "fast", laneOrder: "drum-corps", lefty: "yes" });
    expect([d.approachMs, d.laneOrder, d.lefty, d.barNumbers]).toEqual([
      DEFAULT_PREFS.approachMs,
      "standard",
      false,
      true,
    ]);
    expect(parsePrefs({ approachMs: 10 }).approachMs).toBe(600);
  });

  it("reads the 1–10 scroll speed older versions kept as a travel time", () => {
    expect(parsePrefs({ scrollSpeed: 1 }).approachMs).toBe(3000);
    expect(parsePrefs({ scrollSpeed: 10 }).approachMs).toBe(600);
    // A travel time kept since wins over the old speed.
    expect(parsePrefs({ scrollSpeed: 1, approachMs: 1000 }).approachMs).toBe(1000);
  });
});
