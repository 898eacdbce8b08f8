import { describe, expect, it } from "vitest";
import { LANE } from "../beatmap/lanes.ts";
import { laneForNote, learnPad, notesForLane, parseMidiKitMap } from "./midi.ts";

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
