import { describe, expect, it } from "vitest";
import { classify, HIT_WINDOWS_MS, songWindows } from "./hit-windows.ts";
import { Judge, type JudgeNote, NOTE_SKIPPED, STATUS_OF } from "./judge.ts";

const n = (Time: number, Lane = 2, Velocity = 0.7): JudgeNote => ({ Time, Lane, Velocity });

describe("hit windows", () => {
  it("classifies at the window edges", () => {
    expect(classify(0)).toBe("perfect");
    expect(classify(25)).toBe("perfect");
    expect(classify(-25.01)).toBe("great");
    expect(classify(50)).toBe("great");
    expect(classify(-90)).toBe("good");
    expect(classify(90.5)).toBe("miss");
  });
  it("stays the same in real time at any tempo, so shrinks in song time when slowed", () => {
    expect(songWindows(0.5)).toEqual({ perfect: 12.5, great: 25, good: 45 });
    expect(songWindows(1.5).good).toBeCloseTo(135);
    expect(songWindows(0.1).good).toBeCloseTo(HIT_WINDOWS_MS.good * 0.25); // clamped to 25 %
  });
});

describe("Judge", () => {
  it("judges perfect, great, good by distance, early and late", () => {
    const j = new Judge([n(1000), n(2000), n(3000), n(4000)]);
    j.begin(0);
    expect(j.hit(2, 1010)).toMatchObject({ kind: "note", index: 0, judgment: "perfect", errorMs: 10 });
    expect(j.hit(2, 1960)).toMatchObject({ index: 1, judgment: "great", errorMs: -40 });
    expect(j.hit(2, 3080)).toMatchObject({ index: 2, judgment: "good", errorMs: 80 });
    // Beyond the good window nothing is taken: a stray, and the note stays pending.
    expect(j.hit(2, 4100)).toEqual({ kind: "stray", lane: 2, songMs: 4100 });
    expect(j.status[3]).toBe(0);
  });

  it("only matches notes in the hit's lane; chords are judged per lane", () => {
    const j = new Judge([n(1000, 0), n(1000, 3), n(1000, 2)]);
    j.begin(0);
    expect(j.hit(3, 1000)).toMatchObject({ index: 1, judgment: "perfect" });
    expect(j.hit(1, 1000).kind).toBe("stray");
    expect(j.hit(0, 1005)).toMatchObject({ index: 0 });
    expect(j.hit(2, 995)).toMatchObject({ index: 2 });
    expect(j.finished).toBe(true);
  });

  it("takes doubles in order and never judges one note twice", () => {
    // Two snare notes 60 ms apart (a flam-ish double).
    const j = new Judge([n(1000), n(1060)]);
    j.begin(0);
    expect(j.hit(2, 1000)).toMatchObject({ index: 0, judgment: "perfect" });
    expect(j.hit(2, 1000)).toMatchObject({ index: 1, judgment: "good", errorMs: -60 });
    expect(j.hit(2, 1060).kind).toBe("stray");
  });

  it("gives a hit to the closest pending note, the earlier on a tie", () => {
    const j = new Judge([n(1000), n(1080)]);
    j.begin(0);
    expect(j.hit(2, 1040)).toMatchObject({ index: 0 }); // tie: 40 ms from both
    const k = new Judge([n(1000), n(1080)]);
    k.begin(0);
    expect(k.hit(2, 1075)).toMatchObject({ index: 1, judgment: "perfect" });
    // The skipped earlier note becomes a miss once its window closes.
    expect(k.advance(1091)).toMatchObject([{ index: 0, judgment: "miss" }]);
  });

  it("reports misses once the window has passed, and only once", () => {
    const j = new Judge([n(1000, 1), n(1500, 3)]);
    j.begin(0);
    expect(j.advance(1090)).toEqual([]);
    expect(j.advance(1090.5)).toMatchObject([{ index: 0, lane: 1, judgment: "miss" }]);
    expect(j.advance(2000)).toMatchObject([{ index: 1, lane: 3 }]);
    expect(j.advance(5000)).toEqual([]);
    expect(j.status[0]).toBe(STATUS_OF.miss);
  });

  it("scales the windows with the playback rate (errors reported in real ms)", () => {
    const j = new Judge([n(1000), n(2000)]);
    j.setRate(0.5);
    j.begin(0);
    // 20 song ms late at half speed is 40 real ms: great, not perfect.
    expect(j.hit(2, 1020)).toMatchObject({ judgment: "great", errorMs: 40 });
    // 50 song ms is 100 real ms: outside the good window at 50 %.
    expect(j.hit(2, 2050).kind).toBe("stray");
  });

  it("plays only the chosen range; a loop pass resets its notes", () => {
    const j = new Judge([n(500), n(1000), n(1500), n(2000)]);
    j.begin(1000, 2000);
    expect(j.status[0]).toBe(NOTE_SKIPPED);
    expect(j.status[3]).toBe(NOTE_SKIPPED);
    expect(j.hit(2, 500).kind).toBe("stray");
    j.hit(2, 1000);
    j.advance(3000);
    expect(j.finished).toBe(true);
    j.begin(1000, 2000);
    expect([...j.status]).toEqual([NOTE_SKIPPED, 0, 0, NOTE_SKIPPED]);
  });

  it("keeps the hit velocity for dynamics", () => {
    const j = new Judge([n(1000, 2, 0.3)]);
    j.begin(0);
    expect(j.hit(2, 1000, 0.25)).toMatchObject({ hitVelocity: 0.25 });
  });
});
