import { describe, expect, it } from "vitest";
import type { HitObject } from "../beatmap/schema.ts";
import { FULL_KIT, foldToKit, parseKitProfile } from "./kit-profile.ts";

const n = (Time: number, Component: HitObject["Component"], Lane: number, Velocity = 0.7): HitObject => ({
  Time,
  Component,
  Lane,
  Velocity,
});

describe("kit profile", () => {
  it("leaves a chart alone on a full kit", () => {
    const notes = [n(0, "kick", 3), n(0, "splash", 6), n(50, "kick", 3)];
    expect(foldToKit(notes, FULL_KIT)).toEqual({ notes, moved: 0, dropped: 0 });
  });

  it("folds cymbals the kit lacks onto the crash and the ride onto the hi-hat", () => {
    const kit = { ...FULL_KIT, splash: false, china: false, ride: false, crashes: 1 as const };
    const r = foldToKit(
      [n(0, "splash", 6), n(500, "china", 0), n(1000, "ride_bell", 5), n(1500, "crash2", 0)],
      kit,
    );
    expect(r.notes.map((x) => [x.Component, x.Lane])).toEqual([
      ["crash", 0],
      ["crash", 0],
      ["hihat_closed", 1],
      ["crash", 0],
    ]);
    expect(r.moved).toBe(4);
  });

  it("merges a crash and a splash struck together into one stroke, the louder", () => {
    const r = foldToKit([n(0, "crash", 0, 0.6), n(0, "splash", 6, 0.9)], { ...FULL_KIT, splash: false });
    expect(r.notes).toEqual([n(0, "crash", 0, 0.9)]);
    expect(r.dropped).toBe(1);
  });

  it("merges toms on a small kit and drops fast kicks for a single pedal", () => {
    const kit = { ...FULL_KIT, toms: 2 as const, doublePedal: false, hihatPedal: false };
    const r = foldToKit(
      [
        n(0, "tom_mid", 4),
        n(100, "tom_floor", 4),
        n(0, "kick", 3),
        n(60, "kick", 3),
        n(125, "kick", 3),
        n(200, "hihat_pedal", 1),
      ],
      kit,
    );
    expect(r.notes.filter((x) => x.Lane === 4).map((x) => x.Component)).toEqual(["tom_high", "tom_floor"]);
    expect(r.notes.filter((x) => x.Component === "kick").map((x) => x.Time)).toEqual([0, 125]);
    expect(r.notes.some((x) => x.Component === "hihat_pedal")).toBe(false);
    expect(r.dropped).toBe(2);
    expect(foldToKit([n(0, "tom_high", 4)], { ...FULL_KIT, toms: 0 }).notes[0]).toMatchObject({
      Component: "snare",
      Lane: 2,
    });
  });

  it("reads a stored profile defensively", () => {
    expect(parseKitProfile({ toms: 7, ride: "no", doublePedal: false })).toEqual({
      ...FULL_KIT,
      doublePedal: false,
    });
  });
});
