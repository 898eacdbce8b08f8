import { describe, expect, it } from "vitest";
import { COMPONENT_LANE, LANE } from "../beatmap/lanes.ts";
import { componentForNote, laneForNote, learnPad, notesForLane, parseMidiKitMap } from "./midi.ts";

describe("e-kit notes", () => {
  it("play the articulation's component on its lane", () => {
    const expected = {
      36: "kick",
      38: "snare",
      40: "snare_rimshot",
      37: "snare_cross_stick",
      42: "hihat_closed",
      46: "hihat_open",
      44: "hihat_pedal",
      22: "hihat_closed",
      26: "hihat_open",
      48: "tom_high",
      45: "tom_mid",
      43: "tom_floor",
      58: "tom_floor",
      49: "crash",
      57: "crash2",
      52: "china",
      55: "splash",
      51: "ride",
      59: "ride",
      53: "ride_bell",
    } as const;
    for (const [note, component] of Object.entries(expected)) {
      expect(componentForNote(Number(note)), note).toBe(component);
      expect(laneForNote(Number(note)), note).toBe(COMPONENT_LANE[component]);
    }
    expect(laneForNote(55)).toBe(LANE.splash);
    expect(laneForNote(52)).toBe(LANE.crash);
    expect(notesForLane({}, LANE.hihat).gm).toEqual([22, 26, 42, 44, 46]);
  });
});

describe("per-kit pad mapping", () => {
  it("a learned note plays its lane, overriding General MIDI, and keeps the pad's other notes", () => {
    expect(laneForNote(60)).toBeUndefined();
    const kit = learnPad(learnPad({}, 60, LANE.crash), 61, LANE.crash);
    expect(laneForNote(60, kit)).toBe(LANE.crash);
    expect(laneForNote(61, kit)).toBe(LANE.crash);
    // GM's ride (51) relearned as this kit's second crash.
    const moved = learnPad(kit, 51, LANE.crash);
    expect(laneForNote(51, moved)).toBe(LANE.crash);
    expect(notesForLane(moved, LANE.crash).learned).toEqual([51, 60, 61]);
    expect(notesForLane(moved, LANE.ride).gm).not.toContain(51);
  });

  it("ignores notes outside MIDI's range and unknown lanes", () => {
    expect(learnPad({}, 128, LANE.kick)).toEqual({});
    expect(learnPad({}, 36, 9)).toEqual({});
  });

  it("reads stored maps defensively", () => {
    expect(parseMidiKitMap({ 60: "crash", 200: "kick", x: "snare", 61: "cowbell" })).toEqual({ 60: "crash" });
    expect(parseMidiKitMap("nonsense")).toEqual({});
  });
});
