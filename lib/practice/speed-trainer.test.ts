import { describe, expect, it } from "vitest";
import { DEFAULT_TRAINER, describeTrainerStep, nextRate } from "./speed-trainer.ts";
import type { RunSummary } from "./stats.ts";

const pass = (miss: number, accuracy: number, perfect = 10): RunSummary =>
  ({ counts: { perfect, great: 0, good: 0, miss }, accuracy }) as RunSummary;

describe("speed trainer", () => {
  const cfg = { ...DEFAULT_TRAINER, startRate: 0.6, targetRate: 0.8 };
  it("steps up after a clean pass, up to the target, then is done", () => {
    expect(nextRate(cfg, 0.6, pass(0, 0.95))).toEqual({ rate: 0.65, step: "up" });
    expect(nextRate(cfg, 0.78, pass(0, 1))).toEqual({ rate: 0.8, step: "up" });
    expect(nextRate(cfg, 0.8, pass(0, 1))).toEqual({ rate: 0.8, step: "done" });
  });
  it("holds after a pass that is neither clean nor bad", () => {
    expect(nextRate(cfg, 0.7, pass(1, 0.9))).toEqual({ rate: 0.7, step: "hold" });
    expect(nextRate(cfg, 0.7, pass(0, 0.8))).toEqual({ rate: 0.7, step: "hold" });
    expect(nextRate(cfg, 0.7, pass(0, 0, 0))).toEqual({ rate: 0.7, step: "hold" });
  });
  it("drops back after misses, never below the start tempo", () => {
    expect(nextRate(cfg, 0.75, pass(3, 0.6))).toEqual({ rate: 0.7, step: "down" });
    expect(nextRate(cfg, 0.62, pass(3, 0.6))).toEqual({ rate: 0.6, step: "down" });
    expect(nextRate(cfg, 0.6, pass(3, 0.6))).toEqual({ rate: 0.6, step: "hold" });
  });
});

describe("speed trainer messages", () => {
  const cfg = { ...DEFAULT_TRAINER, startRate: 0.7, targetRate: 1 };
  it("say what changed and why", () => {
    const say = (rate: number, p: RunSummary) => describeTrainerStep(nextRate(cfg, rate, p), rate, p);
    expect(say(0.7, pass(0, 1))).toBe("clean pass: up to 75 %");
    expect(say(0.75, pass(3, 0.6))).toBe("3 missed: back to 70 %");
    expect(say(1, pass(0, 1))).toBe("clean at 100 %: target reached");
    expect(say(0.8, pass(1, 0.85))).toBe("80 % again (1 missed, 85 %)");
  });
});
