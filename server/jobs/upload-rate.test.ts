import { describe, expect, it } from "vitest";
import { RefusalGuard, refusalsPerHour } from "./upload-rate.ts";

describe("RefusalGuard", () => {
  it("lets a user through until more than `limit` refusals in an hour, then for the rest of it", () => {
    let now = 0;
    const guard = new RefusalGuard(3, () => now);
    for (let i = 0; i < 3; i++) {
      expect(guard.wait("u")).toBe(0);
      guard.record("u");
    }
    expect(guard.wait("u")).toBe(0);
    guard.record("u");
    expect(guard.wait("u")).toBe(3600);
    expect(guard.wait("someone else")).toBe(0);
    now = 1800 * 1000;
    expect(guard.wait("u")).toBe(1800);
    now = 3600 * 1000;
    expect(guard.wait("u")).toBe(0);
  });

  it("allows far more refusals than accepted uploads", () => {
    expect(refusalsPerHour(10)).toBe(30);
    expect(refusalsPerHour(20)).toBe(60);
  });
});
