import { describe, expect, it } from "vitest";
import { formatDuration } from "./upload-audio.ts";

describe("formatDuration", () => {
  it("says seconds, minutes or hours as a person would", () => {
    expect(formatDuration(3)).toBe("3 s");
    expect(formatDuration(0.4)).toBe("0 s");
    expect(formatDuration(1300)).toBe("21 min 40 s");
    expect(formatDuration(7 * 3600)).toBe("7 h 0 min");
  });
});
