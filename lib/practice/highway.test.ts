import { describe, expect, it } from "vitest";
import {
  ACCENT_MIN_VELOCITY,
  COMPONENTS,
  type Component,
  GHOST_MAX_VELOCITY,
  LANE,
  LANE_DEFAULT_COMPONENT,
} from "../beatmap/lanes.ts";
import { TempoMap } from "../beatmap/tempo.ts";
import {
  ARTICULATION_MARKS,
  approachMsFromLegacySpeed,
  articulationMark,
  beatUnits,
  clampApproachMs,
  columnEdges,
  columnOfLane,
  depthAtY,
  gridLines,
  type HighwayLayout,
  highwayLayout,
  KICK_LANE,
  LANE_COLOR_FAMILY,
  LANE_FORM,
  laneAtPoint,
  laneColumns,
  lookaheadBeats,
  lowerBound,
  noteLook,
  noteY,
  scaleAt,
  visibleNotes,
  visibleRange,
  xAtScale,
  yAt,
} from "./highway.ts";

const flat: HighwayLayout = { ...highwayLayout(700, 1000, 6, 1800, 1, 1), hitY: 900, topY: 0 };
const deep = highwayLayout(390, 540, 6, 1500, 1);

describe("highway lanes", () => {
  it("puts the pads in columns and leaves the kick out (it spans the track)", () => {
    const cols = laneColumns("standard", false);
    expect(cols).toEqual([LANE.crash, LANE.hihat, LANE.snare, LANE.tom, LANE.ride, LANE.splash]);
    expect(cols).not.toContain(KICK_LANE);
    expect(columnOfLane(cols)[KICK_LANE]).toBe(-1);
    expect(columnOfLane(cols)[LANE.snare]).toBe(2);
  });

  it("offers a kit order with the hi-hat left and the ride right, and mirrors any order for lefties", () => {
    const kit = laneColumns("kit", false);
    expect(kit[0]).toBe(LANE.hihat);
    expect(kit.at(-1)).toBe(LANE.ride);
    const lefty = laneColumns("kit", true);
    expect(lefty[0]).toBe(LANE.ride);
    expect(lefty.at(-1)).toBe(LANE.hihat);
    expect(laneColumns("standard", true)).toEqual([...laneColumns("standard", false)].reverse());
    // Rock Band pads: red, yellow, blue, green from the left.
    expect(laneColumns("rock-band", false).slice(0, 3)).toEqual([LANE.snare, LANE.hihat, LANE.tom]);
    // Every order has every pad once.
    for (const order of ["standard", "kit", "rock-band"] as const)
      expect([...laneColumns(order, false)].sort()).toEqual([0, 1, 2, 4, 5, 6]);
  });

  it("maps a touch to the column under it, followed up the track, and under the strike line to the kick", () => {
    const cols = laneColumns("standard", false);
    const l = deep;
    const mid = (c: number) => (columnEdges(l, c).left + columnEdges(l, c).right) / 2;
    expect(laneAtPoint(l, cols, mid(2), l.hitY)).toBe(LANE.snare);
    expect(laneAtPoint(l, cols, mid(2), l.height - 2)).toBe(KICK_LANE);
    // Half-way up the track the snare column is narrower and nearer the centre.
    const y = yAt(l, 0.5);
    const s = scaleAt(l, 0.5);
    expect(laneAtPoint(l, cols, xAtScale(l, mid(0), s), y)).toBe(LANE.crash);
    expect(laneAtPoint(l, laneColumns("standard", true), mid(0), l.hitY)).toBe(LANE.splash);
  });
});

describe("highway geometry", () => {
  it("puts a note on the strike line at its time and at the far end one travel time earlier", () => {
    expect(noteY(flat, 5000, 5000)).toBe(900);
    expect(noteY(flat, 6800, 5000)).toBe(0);
    // At half speed notes keep their real-time speed: the same 1.8 s of real time fills the track.
    expect(noteY({ ...flat, rate: 0.5 }, 5900, 5000)).toBe(0);
    expect(noteY(deep, 5000, 5000)).toBeCloseTo(deep.hitY, 9);
    expect(noteY(deep, 6500, 5000)).toBeCloseTo(deep.topY, 9);
  });

  it("draws the track in perspective: narrower and slower far away, the inverse exact", () => {
    expect(scaleAt(deep, 0)).toBe(1);
    expect(scaleAt(deep, 1)).toBeCloseTo(deep.farScale, 9);
    // Equal time steps cover fewer pixels far away than near the strike line.
    const near = yAt(deep, 0) - yAt(deep, 0.25);
    const far = yAt(deep, 0.75) - yAt(deep, 1);
    expect(far).toBeLessThan(near * 0.6);
    for (const u of [-0.05, 0, 0.3, 0.99]) expect(depthAtY(deep, yAt(deep, u))).toBeCloseTo(u, 9);
    // A phone-sized track uses the width; a wide desktop one keeps rhythm-game proportions.
    expect(deep.trackRight - deep.trackLeft).toBeGreaterThanOrEqual(360);
    const wide = highwayLayout(1280, 512, 6, 1500, 1);
    expect(wide.trackRight - wide.trackLeft).toBeLessThan(700);
  });

  it("culls to the notes on screen with a binary search", () => {
    const times = Float64Array.from({ length: 3000 }, (_, i) => i * 100);
    const { start, end } = visibleNotes(times, flat, 100_000);
    // Visible: from 100000 − (100+24)/0.5 ms to 100000 + 1800 ms.
    expect(times[start]).toBeGreaterThanOrEqual(100_000 - 248);
    expect(times[start - 1]).toBeLessThan(100_000 - 248);
    expect(times[end - 1]).toBeLessThan(100_000 + 1800);
    expect(times[end]).toBeGreaterThanOrEqual(100_000 + 1800);
    expect(end - start).toBeLessThan(25);
    const { fromMs, toMs } = visibleRange(deep, 100_000);
    const r = visibleNotes(times, deep, 100_000);
    expect(times[r.start - 1]).toBeLessThan(fromMs);
    expect(times[r.end]).toBeGreaterThanOrEqual(toMs);
    expect(lowerBound([], 5)).toBe(0);
    expect(lowerBound([1, 2, 2, 3], 2)).toBe(1);
  });

  it("states the approach speed in real units and reads the old 1–10 scroll speed", () => {
    expect(clampApproachMs(50)).toBe(600);
    expect(clampApproachMs(1449)).toBe(1400);
    expect(clampApproachMs(99_999)).toBe(3000);
    expect(approachMsFromLegacySpeed(1)).toBe(3000);
    expect(approachMsFromLegacySpeed(10)).toBe(600);
    // 1.5 s at 120 BPM shows 3 beats; at 50 % tempo 1.5 beats.
    expect(lookaheadBeats(1500, 120, 1)).toBeCloseTo(3, 9);
    expect(lookaheadBeats(1500, 120, 0.5)).toBeCloseTo(1.5, 9);
  });
});

describe("how notes look", () => {
  it("draws the kick as a bar, cymbals as discs, snare and toms as gems", () => {
    expect(LANE_FORM[LANE.kick]).toBe("kick");
    expect(LANE_FORM[LANE.snare]).toBe("drum");
    expect(LANE_FORM[LANE.tom]).toBe("drum");
    for (const c of [LANE.crash, LANE.hihat, LANE.ride, LANE.splash]) expect(LANE_FORM[c]).toBe("cymbal");
  });

  it("colours lanes by the rhythm-game convention", () => {
    expect(LANE_COLOR_FAMILY[LANE.kick]).toBe("orange");
    expect(LANE_COLOR_FAMILY[LANE.snare]).toBe("red");
    expect(LANE_COLOR_FAMILY[LANE.hihat]).toBe("yellow");
    expect(LANE_COLOR_FAMILY[LANE.tom]).toBe("blue");
    expect(LANE_COLOR_FAMILY[LANE.ride]).toBe("blue");
    expect(LANE_COLOR_FAMILY[LANE.crash]).toBe("green");
  });

  it("shows velocity: ghosts smaller and dimmer, accents brighter and outlined", () => {
    const ghost = noteLook(0.25);
    const normal = noteLook(0.7);
    const accent = noteLook(1);
    expect(ghost.scale).toBeLessThan(normal.scale);
    expect(ghost.alpha).toBeLessThan(normal.alpha);
    expect(accent.scale).toBeGreaterThan(normal.scale);
    expect(accent.alpha).toBe(1);
    expect([ghost.outline, normal.outline, accent.outline]).toEqual([false, false, true]);
  });

  it("draws ghost and accent marks exactly at the format's velocity bands", () => {
    const looks = [
      GHOST_MAX_VELOCITY - 0.001,
      GHOST_MAX_VELOCITY,
      ACCENT_MIN_VELOCITY - 0.001,
      ACCENT_MIN_VELOCITY,
    ];
    expect(looks.map((v) => noteLook(v))).toEqual([noteLook(0.1), noteLook(0.7), noteLook(0.7), noteLook(1)]);
  });

  it("gives every articulation but a lane's default its own mark", () => {
    // The splash has a lane of its own, and is drawn smaller than a crash as well.
    const defaults = new Set<Component>(Object.values(LANE_DEFAULT_COMPONENT).filter((c) => c !== "splash"));
    for (const c of COMPONENTS) {
      // crash2 is a second crash, not another way of playing one.
      if (defaults.has(c) || c === "crash2") expect(articulationMark(c), c).toBeNull();
      else expect(articulationMark(c), c).not.toBeNull();
    }
    const marks = COMPONENTS.map(articulationMark).filter((m) => m !== null);
    expect(new Set(marks).size).toBe(marks.length);
    expect(new Set(marks)).toEqual(new Set(ARTICULATION_MARKS));
    expect(articulationMark(undefined)).toBeNull();
  });
});

describe("bar and beat lines", () => {
  const kinds = (lines: ReturnType<typeof gridLines>) => lines.map((l) => `${l.kind[0]}${l.bar}@${l.ms}`);

  it("draws bar and beat lines from the timing map, none before the first beat", () => {
    const tempo = TempoMap.fromTiming({ Bpm: 120, Offset: 500, TimeSignature: "4/4", TimingPoints: [] });
    const lines = gridLines(tempo, 0, 2600);
    expect(kinds(lines)).toEqual(["b1@500", "b1@1000", "b1@1500", "b1@2000", "b2@2500"]);
    expect(lines.filter((l) => l.downbeat).map((l) => l.ms)).toEqual([500, 2500]);
  });

  it("follows a tempo change and a 6/8 section felt in two, eighths as subdivisions", () => {
    // Bar 1 at 120 BPM (2 s); from 2500 ms 60 BPM (a 4/4 bar is 4 s); from 6500 ms 6/8 at 60 BPM.
    const tempo = TempoMap.fromTiming({
      Bpm: 120,
      Offset: 500,
      TimeSignature: "4/4",
      TimingPoints: [
        { Time: 2500, Bpm: 60 },
        { Time: 6500, Bpm: 60, TimeSignature: "6/8" },
      ],
    });
    const lines = gridLines(tempo, 0, 9_600);
    expect(kinds(lines)).toEqual([
      "b1@500",
      "b1@1000",
      "b1@1500",
      "b1@2000",
      "b2@2500",
      "b2@3500",
      "b2@4500",
      "b2@5500",
      // 6/8 at 60 quarter-note BPM: eighths 500 ms apart, the felt beat every three.
      "b3@6500",
      "s3@7000",
      "s3@7500",
      "b3@8000",
      "s3@8500",
      "s3@9000",
      "b4@9500",
    ]);
    // Bars are stronger than beats: the kinds tell them apart.
    expect(lines.filter((l) => l.kind === "bar").map((l) => l.bar)).toEqual([1, 2, 3, 4]);
  });

  it("starts a new bar at a meter change even when it cuts the bar before short (a pickup)", () => {
    // A 2/4 pickup bar, then 4/4 from beat 2.
    const tempo = TempoMap.fromTiming({
      Bpm: 120,
      Offset: 0,
      TimeSignature: "2/4",
      TimingPoints: [{ Time: 1000, Bpm: 120, TimeSignature: "4/4" }],
    });
    const bars = gridLines(tempo, 0, 5100).filter((l) => l.kind === "bar");
    expect(bars.map((l) => [l.bar, l.ms])).toEqual([
      [1, 0],
      [2, 1000],
      [3, 3000],
      [4, 5000],
    ]);
    // A 3/4 meter that starts mid-bar of the 4/4 before it cuts that bar after 3 beats.
    const cut = TempoMap.fromTiming({
      Bpm: 60,
      Offset: 0,
      TimeSignature: "4/4",
      TimingPoints: [{ Time: 3000, Bpm: 60, TimeSignature: "3/4" }],
    });
    expect(
      gridLines(cut, 0, 6500)
        .filter((l) => l.kind === "bar")
        .map((l) => l.ms),
    ).toEqual([0, 3000, 6000]);
  });

  it("returns only the lines in the window asked for, numbered as in the whole song", () => {
    const tempo = TempoMap.fromTiming({ Bpm: 120, Offset: 0, TimeSignature: "4/4", TimingPoints: [] });
    const lines = gridLines(tempo, 60_000, 62_000);
    expect(lines[0]).toEqual({ ms: 60_000, kind: "bar", bar: 31, downbeat: true });
    expect(lines).toHaveLength(4);
  });

  it("feels compound meters in dotted quarters and simple ones in their unit", () => {
    expect(beatUnits(6, 8)).toEqual({ beat: 1.5, sub: 0.5 });
    expect(beatUnits(12, 8)).toEqual({ beat: 1.5, sub: 0.5 });
    expect(beatUnits(3, 8)).toEqual({ beat: 0.5, sub: null });
    expect(beatUnits(7, 8)).toEqual({ beat: 0.5, sub: null });
    expect(beatUnits(4, 4)).toEqual({ beat: 1, sub: null });
    expect(beatUnits(2, 2)).toEqual({ beat: 2, sub: null });
  });
});
