import { describe, expect, it } from "vitest";
import { describeAllowance, monthStart, nextMonthStart } from "./quota.ts";

describe("monthly allowance", () => {
  const now = new Date("2025-07-31T23:59:00Z");

  it("renews at the first of the next month, UTC", () => {
    expect(monthStart(now).toISOString()).toBe("2025-07-01T00:00:00.000Z");
    expect(nextMonthStart(now).toISOString()).toBe("2025-08-01T00:00:00.000Z");
    expect(nextMonthStart(new Date("2025-12-10T00:00:00Z")).toISOString()).toBe("2026-01-01T00:00:00.000Z");
  });

  it("says how many are left, and what to do when none are", () => {
    expect(describeAllowance(5, 2, now)).toMatchObject({ remaining: 3 });
    expect(describeAllowance(5, 2, now).message).toContain("3 of 5");
    const spent = describeAllowance(5, 7, now);
    expect(spent.remaining).toBe(0);
    expect(spent.message).toMatch(/used all 5 .* renew on 1 August\. .* in this browser/);
  });

  it("has no limit for people without one", () => {
    expect(describeAllowance(null, 40, now).remaining).toBe(Number.POSITIVE_INFINITY);
  });
});
