// The engraving's data on a hand-written MusicXML groove (fixtures/rock-groove.musicxml: two bars
// of 4/4 at 120, eighth-note hi-hat over kick and snare, then quarter notes), rendered by alphaTab
// in Node as the page renders it in the browser.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { TempoMap } from "@/lib/beatmap/tempo.ts";
import { contentBox, PAPERS, paginate } from "./print-layout.ts";
import { cursorX, loadAlphaTab, loadScore, renderStaff, type StaffBarBox } from "./staff-render.ts";
import { StaffTiming } from "./staff-timing.ts";

const GROOVE = readFileSync(new URL("./fixtures/rock-groove.musicxml", import.meta.url), "utf8");

describe("renderStaff", () => {
  it("engraves every bar with its beats, and every notehead", async () => {
    const at = await loadAlphaTab();
    const score = loadScore(at, GROOVE);
    const layout = renderStaff(at, score, { width: 700 });
    expect(layout.bars.map((b) => b.index)).toEqual([0, 1]);
    expect(layout.barBeats).toEqual([4, 4]);
    expect(layout.pickup).toBe(false);
    const [first, second] = layout.bars as [StaffBarBox, StaffBarBox];
    // Eighth notes: 8 onsets 480 ticks apart; quarters: 4.
    expect(first.beats.map((b) => b.tick)).toEqual([0, 480, 960, 1440, 1920, 2400, 2880, 3360]);
    expect(second.beats.map((b) => b.tick)).toEqual([0, 960, 1920, 2880]);
    for (const bar of layout.bars) {
      const xs = bar.beats.map((b) => b.x);
      expect([...xs].sort((a, b) => a - b)).toEqual(xs);
      expect(xs[0]).toBeGreaterThan(bar.x);
      expect(xs.at(-1)).toBeLessThan(bar.x + bar.width);
    }
    expect(second.x).toBeGreaterThanOrEqual(first.x + first.width - 1);
    const svg = layout.chunks.map((c) => c.svg).join("");
    // Black noteheads (U+E0A4) for the 4 kicks and snares of each bar, x heads (U+E0A9) for the 9 hi-hats.
    expect(svg.match(/&#57508;/g)).toHaveLength(8);
    expect(svg.match(/&#57513;/g)).toHaveLength(9);
    // The page prints the title itself: alphaTab does not.
    expect(svg).not.toContain("Rock Groove");
    for (const c of layout.chunks) expect(c.x + c.width).toBeLessThanOrEqual(700);
  });

  it("fills a narrower sheet with more lines", async () => {
    const at = await loadAlphaTab();
    const score = loadScore(at, GROOVE);
    const wide = renderStaff(at, score, { width: 900 });
    const narrow = renderStaff(at, score, { width: 330 });
    expect(wide.systems).toHaveLength(1);
    expect(narrow.systems.length).toBeGreaterThan(1);
    expect(narrow.height).toBeGreaterThan(wide.height);
  });
});

describe("cursorX", () => {
  const bar: StaffBarBox = {
    index: 0,
    system: 0,
    x: 100,
    y: 0,
    width: 200,
    height: 80,
    lengthTicks: 3840,
    beats: [
      { tick: 0, x: 120 },
      { tick: 960, x: 140 },
      { tick: 1920, x: 220 },
    ],
  };

  it("sits on a beat's notes at its onset and moves between them by time", () => {
    expect(cursorX(bar, 0)).toBe(120);
    expect(cursorX(bar, 0.25)).toBe(140);
    expect(cursorX(bar, 0.375)).toBe(180);
    expect(cursorX(bar, 0.5)).toBe(220);
  });

  it("runs from the last beat to the bar line", () => {
    expect(cursorX(bar, 0.75)).toBe(260);
    expect(cursorX(bar, 1)).toBe(300);
    expect(cursorX(bar, 2)).toBe(300);
  });
});

describe("StaffTiming", () => {
  // 120 BPM from 500 ms, 4/4: a bar is 2 s.
  const tempo = TempoMap.fromTiming({ Bpm: 120, Offset: 500, TimeSignature: "4/4", TimingPoints: [] });

  it("places a song time in its bar", () => {
    const timing = new StaffTiming(tempo, [4, 4, 4], false);
    expect(timing.placeAt(500)).toEqual({ bar: 0, fraction: 0 });
    expect(timing.placeAt(1500)).toEqual({ bar: 0, fraction: 0.5 });
    expect(timing.placeAt(3000)).toEqual({ bar: 1, fraction: 0.25 });
    expect(timing.placeAt(0)).toEqual({ bar: 0, fraction: 0 });
    expect(timing.placeAt(60_000)).toEqual({ bar: 2, fraction: 1 });
    expect(timing.spanMs(1)).toEqual({ a: 2500, b: 4500 });
    expect([0, 1, 2].map((b) => timing.gridBar(b))).toEqual([1, 2, 3]);
  });

  it("puts a pickup before the first beat, outside the grid's bars", () => {
    const timing = new StaffTiming(tempo, [1, 4, 4], true);
    expect(timing.spanMs(0)).toEqual({ a: 0, b: 500 });
    expect(timing.placeAt(250)).toEqual({ bar: 0, fraction: 0.5 });
    expect(timing.placeAt(1000)).toEqual({ bar: 1, fraction: 0.25 });
    expect(timing.placeAt(2500)).toEqual({ bar: 2, fraction: 0 });
    expect(timing.gridBar(0)).toBeNull();
    expect(timing.gridBar(1)).toBe(1);
    expect(timing.gridBar(2)).toBe(2);
  });

  it("follows the chart's tempo changes, not a rounded mark", () => {
    const changing = TempoMap.fromTiming({
      Bpm: 120,
      Offset: 0,
      TimeSignature: "4/4",
      TimingPoints: [{ Time: 2000, Bpm: 60 }],
    });
    const timing = new StaffTiming(changing, [4, 4], false);
    expect(timing.spanMs(1)).toEqual({ a: 2000, b: 6000 });
    expect(timing.placeAt(4000)).toEqual({ bar: 1, fraction: 0.5 });
  });
});

describe("paginate", () => {
  it("cuts the sheet at system edges, giving the first page less room", async () => {
    const at = await loadAlphaTab();
    const layout = renderStaff(at, loadScore(at, GROOVE), { width: 330 });
    const systems = layout.chunks.length;
    const tallest = Math.max(...layout.chunks.map((c) => c.height));
    const pages = paginate(layout, tallest * 2 + 1, tallest);
    // One system fits under the header, two on each page after it.
    expect(pages[0]!.bottom - pages[0]!.top).toBeLessThanOrEqual(tallest + 1);
    for (const p of pages) expect(p.bottom - p.top).toBeLessThanOrEqual(tallest * 2 + 1);
    expect(pages.length).toBe(1 + Math.ceil((systems - 1) / 2));
    for (let i = 1; i < pages.length; i++) expect(pages[i]!.top).toBeGreaterThanOrEqual(pages[i - 1]!.bottom);
  });

  it("prints A4 and Letter inside their margins", () => {
    expect(contentBox(PAPERS.a4)).toEqual({ width: 680, height: 1009 });
    expect(contentBox(PAPERS.letter)).toEqual({ width: 702, height: 942 });
  });
});
