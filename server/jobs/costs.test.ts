import { describe, expect, it } from "vitest";
import { jobCostLines, projectMonthlyCost, projectThisMonth } from "./costs.ts";

const prices = {
  PRICE_GPU_SECOND_USD: 0.05 / 240,
  PRICE_CPU_SECOND_USD: 0.05 / 3600,
  PRICE_EMAIL_USD: 0.0006,
  PRICE_PUSH_USD: 0,
};

describe("cost accounting", () => {
  it("prices CPU seconds always and GPU seconds of the inference stages only on CUDA", () => {
    const stageSeconds = { decode: 1, separate: 100, transcribe: 140, "post-process": 3 };
    expect(jobCostLines({ backend: "node-cpu", cpuSeconds: 720, stageSeconds }, prices)).toEqual([
      { kind: "cpu", quantity: 720, unit: "cpu_seconds", amountUsd: 0.01 },
    ]);
    const gpu = jobCostLines({ backend: "node-cuda", cpuSeconds: 36, stageSeconds }, prices);
    // The seed's $0.05 for a 4-minute GPU run.
    expect(gpu[1]).toEqual({ kind: "gpu", quantity: 240, unit: "gpu_seconds", amountUsd: 0.05 });
  });

  it("reproduces the seed's scenarios from the seed's assumptions", () => {
    const seed = projectMonthlyCost({ costPerServerSongUsd: null, dedupShare: null, serverShare: null });
    expect(seed.map((p) => [p.mau, p.monthlyUsd, p.seedMonthlyUsd])).toEqual([
      [1_000, 56.4, 56.4],
      [10_000, 564, 564],
      [50_000, 2_820, 2_820],
    ]);
    expect(seed[0]!.basis).toBe("seed assumptions");
  });

  it("uses what was measured: cheaper songs, more dedup and browser generation lower the projection", () => {
    const measured = projectMonthlyCost({ costPerServerSongUsd: 0.004, dedupShare: 0.75, serverShare: 0.2 });
    // 1,000 users × 2 songs × 25 % new × 20 % on the server × $0.004.
    expect(measured[0]!.monthlyUsd).toBe(0.4);
    expect(measured[0]!.basis).toContain("measured: $/song, dedup share, server share");
  });

  it("extrapolates this month's spend from at least a day", () => {
    expect(projectThisMonth(10, new Date("2025-06-16T00:00:00Z"))).toBe(20);
    expect(projectThisMonth(1, new Date("2025-06-01T01:00:00Z"))).toBe(30);
  });
});
