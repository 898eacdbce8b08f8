import { describe, expect, it } from "vitest";
import { type ProgressEvent, ProgressTracker } from "./progress.ts";

describe("ProgressTracker", () => {
  it("combines stage fractions by weight, times each stage and estimates the time left", async () => {
    let clock = 0;
    const events: ProgressEvent[] = [];
    const tracker = new ProgressTracker(
      (e) => events.push(e),
      ["separate", "transcribe"],
      { separate: 3, transcribe: 1 },
      () => clock,
    );
    await tracker.stage("separate", async (report) => {
      clock += 3000;
      report(0.5);
      clock += 3000;
      report(1);
    });
    await tracker.stage("transcribe", async (report) => {
      clock += 1000;
      report(0.5);
    });
    const fractions = events.map((e) => e.fraction);
    expect(fractions).toEqual([0, 0.375, 0.75, 0.75, 0.75, 0.875, 1]);
    // 7 s for 87.5 %: 1 s left.
    expect(events[5]?.etaSeconds).toBeCloseTo(1, 6);
    expect(events.at(-1)?.etaSeconds).toBe(0);
    expect(events[0]?.etaSeconds).toBeNull();
    expect(tracker.stageSeconds).toEqual({ separate: 6, transcribe: 1 });
  });

  it("never reports outside 0–1", () => {
    const events: ProgressEvent[] = [];
    const tracker = new ProgressTracker((e) => events.push(e), ["chart"]);
    tracker.update("chart", 7);
    tracker.update("chart", -1);
    expect(events.map((e) => e.fraction)).toEqual([1, 0]);
  });
});
