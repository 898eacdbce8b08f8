import { describe, expect, it } from "vitest";
import {
  ACCENT_MIN_VELOCITY,
  COMPONENTS,
  type Component,
  GHOST_MAX_VELOCITY,
  LANE_DEFAULT_COMPONENT,
} from "../beatmap/lanes.ts";
import { ARTICULATION_LETTER, noteMarks } from "./note-marks.ts";

describe("note marks on the editor's timeline", () => {
  it("write a letter on every articulation but a lane's default, toms all named", () => {
    const plain = new Set<Component>(Object.values(LANE_DEFAULT_COMPONENT).filter((c) => c !== "tom_mid"));
    for (const c of COMPONENTS) {
      if (plain.has(c)) expect(ARTICULATION_LETTER[c], c).toBeUndefined();
      else expect(ARTICULATION_LETTER[c], c).toMatch(/^\S$/);
    }
    // Letters differ within a lane, so a lane's notes can be told apart.
    expect(
      new Set(["tom_high", "tom_mid", "tom_floor"].map((c) => ARTICULATION_LETTER[c as "tom_mid"])).size,
    ).toBe(3);
  });

  it("use the format's velocity bands", () => {
    expect(noteMarks({ Component: "snare", Velocity: GHOST_MAX_VELOCITY - 0.01 })).toEqual({
      letter: null,
      band: "ghost",
    });
    expect(noteMarks({ Component: "snare_rimshot", Velocity: GHOST_MAX_VELOCITY }).band).toBe("normal");
    expect(noteMarks({ Component: "hihat_open", Velocity: ACCENT_MIN_VELOCITY })).toEqual({
      letter: "o",
      band: "accent",
    });
  });
});
