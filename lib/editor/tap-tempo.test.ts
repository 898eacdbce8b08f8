import { describe, expect, it } from "vitest";
import { addTap, TAP_RESET_MS, TAP_WINDOW, tappedBpm } from "./tap-tempo.ts";

const tapsAt = (times: number[]) => times.reduce<number[]>((taps, t) => addTap(taps, t), []);

describe("tap tempo", () => {
  it("needs two taps, then reads the interval", () => {
    expect(tappedBpm([])).toBeNull();
    expect(tappedBpm(tapsAt([1000]))).toBeNull();
    expect(tappedBpm(tapsAt([1000, 1500]))).toBeCloseTo(120, 6);
  });

  it("fits a line through jittery taps: one late tap moves it less than the interval average would", () => {
    // 100 BPM (600 ms), the 4th of 8 taps 30 ms late.
    const times = Array.from({ length: 8 }, (_, i) => 10_000 + i * 600 + (i === 3 ? 30 : 0));
    const bpm = tappedBpm(tapsAt(times))!;
    expect(Math.abs(bpm - 100)).toBeLessThan(0.3);
  });

  it("starts again after a pause or a clock that went back", () => {
    expect(tapsAt([0, 500, 1000, 1000 + TAP_RESET_MS + 1])).toEqual([1000 + TAP_RESET_MS + 1]);
    expect(tapsAt([5000, 5500, 4000])).toEqual([4000]);
  });

  it("keeps the latest taps only, so a drifting tempo is followed", () => {
    const slow = Array.from({ length: TAP_WINDOW }, (_, i) => i * 600);
    const fast = Array.from({ length: TAP_WINDOW }, (_, i) => slow.at(-1)! + (i + 1) * 500);
    const taps = tapsAt([...slow, ...fast]);
    expect(taps).toHaveLength(TAP_WINDOW);
    expect(tappedBpm(taps)).toBeCloseTo(120, 6);
  });
});
