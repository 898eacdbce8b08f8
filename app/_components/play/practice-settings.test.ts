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
