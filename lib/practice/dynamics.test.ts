import { describe, expect, it } from "vitest";
import { ACCENT_MIN_VELOCITY, GHOST_MAX_VELOCITY } from "../beatmap/lanes.ts";
import { calibrateVelocity, hitClass, judgeDynamics } from "./dynamics.ts";

describe("dynamics", () => {
  it("judges ghosts and accents by the hit's velocity", () => {
    expect(judgeDynamics(0.25, 0.2)).toBe("ok");
    expect(judgeDynamics(0.25, 0.7)).toBe("too-loud");
    expect(judgeDynamics(1, 0.6)).toBe("too-soft");
    expect(judgeDynamics(1, 0.95)).toBe("ok");
    expect(judgeDynamics(0.7, 0.1)).toBe("ok");
  });
  it("reads the note's class from the chart's velocity bands (ghost < 0.4 ≤ normal < 0.85 ≤ accent)", () => {
    // A transcribed note just under the ghost line is a ghost: a hard hit on it is too loud.
    expect(judgeDynamics(GHOST_MAX_VELOCITY - 0.001, 0.9)).toBe("too-loud");
    // At the line it is a normal note, and anything goes.
    expect(judgeDynamics(GHOST_MAX_VELOCITY, 0.9)).toBe("ok");
    expect(judgeDynamics(ACCENT_MIN_VELOCITY - 0.001, 0.2)).toBe("ok");
    expect(judgeDynamics(ACCENT_MIN_VELOCITY, 0.2)).toBe("too-soft");
  });
  it("uses a per-kit calibration from the player's own soft, normal and hard strokes", () => {
    const cal = calibrateVelocity([0.5, 0.55, 0.52], [0.7, 0.72], [0.9, 0.95, 0.92])!;
    expect(cal.ghostMax).toBeCloseTo(0.62);
    expect(cal.accentMin).toBeCloseTo(0.82);
    // On this hot kit a 0.55 stroke is a ghost, so the ghost note is played right.
    expect(hitClass(0.55, cal)).toBe("ghost");
    expect(judgeDynamics(0.25, 0.55, cal)).toBe("ok");
    expect(calibrateVelocity([0.8], [0.7], [0.9])).toBeNull();
  });
});
