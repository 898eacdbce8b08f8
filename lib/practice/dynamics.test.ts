import { describe, expect, it } from "vitest";
import { calibrateVelocity, hitClass, judgeDynamics } from "./dynamics.ts";

describe("dynamics", () => {
  it("judges ghosts and accents by the hit's velocity", () => {
    expect(judgeDynamics(0.25, 0.2)).toBe("ok");
    expect(judgeDynamics(0.25, 0.7)).toBe("too-loud");
    expect(judgeDynamics(1, 0.6)).toBe("too-soft");
    expect(judgeDynamics(1, 0.95)).toBe("ok");
    expect(judgeDynamics(0.7, 0.1)).toBe("ok");
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
