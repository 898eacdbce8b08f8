import { describe, expect, it } from "vitest";
import { FailureLimiter } from "./failure-limiter.ts";

const policy = { free: 3, firstDelayMs: 1000, max: 5, windowMs: 15 * 60_000 };

function limiter() {
  let t = 0;
  const l = new FailureLimiter(policy, () => t);
  return { l, advance: (ms: number) => (t += ms) };
}

describe("FailureLimiter", () => {
  it("lets a few failures through, then doubles the wait, then waits out the window", () => {
    const { l, advance } = limiter();
    for (let i = 0; i < 3; i++) {
      expect(l.wait("k")).toBe(0);
      l.fail("k");
    }
    expect(l.wait("k")).toBe(1);
    advance(1000);
    expect(l.wait("k")).toBe(0);
    l.fail("k");
    expect(l.wait("k")).toBe(2);
    advance(2000);
    l.fail("k");
    // 5 failures: the rest of the 15 minutes (3 s of them have passed).
    expect(l.wait("k")).toBe(15 * 60 - 3);
    advance(15 * 60_000 - 3000);
    expect(l.wait("k")).toBe(0);
  });

  it("keeps keys apart and forgets a key that succeeded", () => {
    const { l } = limiter();
    for (let i = 0; i < 5; i++) l.fail("a");
    expect(l.wait("a")).toBeGreaterThan(0);
    expect(l.wait("b")).toBe(0);
    l.clear("a");
    expect(l.wait("a")).toBe(0);
  });
});
