import { describe, expect, it } from "vitest";
import { estimateOffset, parseCalibration } from "./calibration.ts";
import { ctxAtPerf, perfAtCtx, sampleClock, smoothSample } from "./clock.ts";
import { bindKey, DEFAULT_KEYMAP, keyLabel, laneByCode, parseKeyMap } from "./keymap.ts";
import { laneForNote, parseMidiMessage } from "./midi.ts";

describe("audio clock", () => {
  it("uses the output timestamp when there is one", () => {
    const s = sampleClock(
      { currentTime: 10, getOutputTimestamp: () => ({ contextTime: 9.9, performanceTime: 5000 }) },
      5020,
    );
    expect(s).toEqual({ ctx: 9.9, perf: 5000 });
    expect(ctxAtPerf(s, 5100)).toBeCloseTo(10);
    expect(perfAtCtx(s, 10)).toBeCloseTo(5100);
  });
  it("falls back to currentTime less the latencies", () => {
    const s = sampleClock(
      {
        currentTime: 10,
        outputLatency: 0.04,
        baseLatency: 0.01,
        getOutputTimestamp: () => ({ contextTime: 0, performanceTime: 0 }),
      },
      777,
    );
    expect(s.ctx).toBeCloseTo(9.95);
    expect(s.perf).toBe(777);
  });
  it("ignores jitter below the tolerance", () => {
    const a = { ctx: 1, perf: 1000 };
    expect(smoothSample(a, { ctx: 1.102, perf: 1100 })).toBe(a);
    expect(smoothSample(a, { ctx: 1.11, perf: 1100 })).toEqual({ ctx: 1.11, perf: 1100 });
  });
});

describe("calibration", () => {
  it("takes the median offset of taps to the nearest clicks", () => {
    const clicks = Array.from({ length: 12 }, (_, i) => i * 500);
    const taps = clicks.map((c, i) => c + 30 + (i % 3) - 1);
    taps.push(2260); // a stray tap half a beat off is ignored
    const r = estimateOffset(taps, clicks, 500)!;
    expect(r.offsetMs).toBeCloseTo(30, 0);
    expect(r.spreadMs).toBeLessThanOrEqual(1);
    expect(estimateOffset([1, 2], clicks, 500)).toBeNull();
  });
  it("parses stored calibration defensively", () => {
    expect(parseCalibration({ inputOffsetMs: 12, visualOffsetMs: "x" })).toEqual({
      inputOffsetMs: 12,
      visualOffsetMs: 0,
    });
    expect(parseCalibration(undefined)).toEqual({ inputOffsetMs: 0, visualOffsetMs: 0 });
  });
});

describe("key map", () => {
  it("maps codes to lanes, rebinds and reads stored maps defensively", () => {
    expect(laneByCode(DEFAULT_KEYMAP).get("Space")).toBe(3);
    const m = bindKey(DEFAULT_KEYMAP, 0, "KeyF");
    expect(laneByCode(m).get("KeyF")).toBe(0);
    expect(m[2]).toEqual([]);
    expect(parseKeyMap("nonsense")).toEqual(DEFAULT_KEYMAP);
    expect(parseKeyMap([["KeyA"], 3, [], [], [], [], []])[1]).toEqual(["KeyD"]);
    expect(keyLabel("KeyS")).toBe("S");
  });
});

describe("MIDI", () => {
  it("reads note-ons on any channel and maps GM notes to lanes", () => {
    expect(parseMidiMessage([0x99, 38, 127])).toEqual({ note: 38, velocity: 1, channel: 9 });
    expect(parseMidiMessage([0x99, 38, 0])).toBeNull();
    expect(parseMidiMessage([0x89, 38, 64])).toBeNull();
    expect(parseMidiMessage([0xb9, 4, 64])).toBeNull();
    expect(laneForNote(36)).toBe(3);
    expect(laneForNote(42)).toBe(1);
    expect(laneForNote(49)).toBe(0);
    expect(laneForNote(99)).toBeUndefined();
    expect(laneForNote(99, { 99: "ride" })).toBe(5);
  });
});
