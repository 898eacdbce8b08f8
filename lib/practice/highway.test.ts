import { describe, expect, it } from "vitest";
import { TempoMap } from "../beatmap/tempo.ts";
import {
  gridLines,
  type HighwayLayout,
  leadMsForSpeed,
  lowerBound,
  noteShape,
  noteY,
  visibleNotes,
} from "./highway.ts";

const layout: HighwayLayout = { width: 700, height: 1000, hitY: 900, leadMs: 1800, rate: 1 };

describe("highway geometry", () => {
  it("puts a note on the hit line at its time and lead ms above it earlier", () => {
    expect(noteY(layout, 5000, 5000)).toBe(900);
    expect(noteY(layout, 6800, 5000)).toBe(0);
    // At half speed notes keep their real-time speed: the same 1.8 s of real time fills the screen.
    expect(noteY({ ...layout, rate: 0.5 }, 5900, 5000)).toBe(0);
  });

  it("culls to the notes on screen with a binary search", () => {
    const times = Float64Array.from({ length: 3000 }, (_, i) => i * 100);
    const { start, end } = visibleNotes(times, layout, 100_000);
    // Visible: from 100000 − (100+24)/0.5 ms to 100000 + (900+24)/0.5 ms.
    expect(times[start]).toBeGreaterThanOrEqual(100_000 - 248);
    expect(times[start - 1]).toBeLessThan(100_000 - 248);
    expect(times[end - 1]).toBeLessThan(100_000 + 1848);
    expect(times[end]).toBeGreaterThanOrEqual(100_000 + 1848);
    expect(end - start).toBeLessThan(25);
    expect(lowerBound([], 5)).toBe(0);
  });

  it("shows velocity: accents larger and brighter than ghosts", () => {
    const ghost = noteShape(0.25);
    const accent = noteShape(1);
    expect(accent.heightScale).toBeGreaterThan(ghost.heightScale);
    expect(accent.alpha).toBe(1);
    expect(ghost.alpha).toBeLessThan(0.7);
  });

  it("scroll speeds go from slow to fast", () => {
    expect(leadMsForSpeed(1)).toBeGreaterThan(leadMsForSpeed(10));
    expect(leadMsForSpeed(99)).toBe(leadMsForSpeed(10));
  });

  it("draws beat and measure lines from the timing map, none before the first beat", () => {
    const tempo = TempoMap.fromTiming({ Bpm: 120, Offset: 500, TimeSignature: "4/4", TimingPoints: [] });
    const lines = gridLines(tempo, 0, 2600);
    expect(lines.map((l) => l.ms)).toEqual([500, 1000, 1500, 2000, 2500]);
    expect(lines.filter((l) => l.downbeat).map((l) => l.ms)).toEqual([500, 2500]);
  });
});
