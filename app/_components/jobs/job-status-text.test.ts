import { describe, expect, it } from "vitest";
import { describeJobStatus } from "./job-status-text.ts";

const base = { position: null, etaSeconds: null, stage: null, progress: 0, message: null };

describe("describeJobStatus", () => {
  it("reads Queued with position and ETA, Processing with stage, Complete, Failed with reason", () => {
    expect(describeJobStatus({ ...base, state: "queued", position: 3, etaSeconds: 95 })).toBe(
      "Queued — position 3 in the queue · about 2 min left",
    );
    expect(describeJobStatus({ ...base, state: "queued", position: 1, etaSeconds: 20 })).toContain(
      "next in line",
    );
    expect(
      describeJobStatus({ ...base, state: "processing", stage: "separate", progress: 0.42, etaSeconds: 12 }),
    ).toBe("Processing — Separating the drums, 42% · about 12 s left");
    expect(describeJobStatus({ ...base, state: "complete", progress: 1 })).toMatch(/^Complete/);
    expect(describeJobStatus({ ...base, state: "failed", message: "The audio could not be decoded." })).toBe(
      "Failed — The audio could not be decoded.",
    );
  });
});
