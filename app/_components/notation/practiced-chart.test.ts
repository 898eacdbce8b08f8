import { describe, expect, it } from "vitest";
import { COMPONENT_LANE } from "@/lib/beatmap/lanes.ts";
import type { Beatmap, HitObject } from "@/lib/beatmap/schema.ts";
import { grooveChart } from "@/lib/beatmap/testing.ts";
import { FULL_KIT, foldToKit } from "@/lib/practice/kit-profile.ts";
import { prepareChart } from "@/lib/practice/session.ts";
import { practicedBeatmap } from "./practiced-chart.ts";

const note = (
  Time: number,
  Component: HitObject["Component"],
  extra: Partial<HitObject> = {},
): HitObject => ({
  Time,
  Component,
  Lane: COMPONENT_LANE[Component],
  Velocity: 0.8,
  ...extra,
});

describe("practicedBeatmap", () => {
  it("is the stored chart when nothing was left out or moved", () => {
    const stored = grooveChart({ bars: 2 });
    const out = practicedBeatmap(stored, prepareChart(stored));
    const key = (h: HitObject) => `${h.Time}:${h.Component}:${h.Velocity}`;
    expect(out.HitObjects.map(key).sort()).toEqual(stored.HitObjects.map(key).sort());
    expect(out.Timing).toEqual(stored.Timing);
    expect(out.Metadata).toEqual(stored.Metadata);
  });

  it("shows only the notes played, as the kit plays them, keeping rolls, flams and chokes", () => {
    const stored: Beatmap = {
      ...grooveChart({ bars: 1 }),
      HitObjects: [
        note(500, "snare", { Flam: true }),
        note(500, "ride", { Choke: true }),
        note(1000, "snare", { Duration: 400 }),
        note(1500, "tom_high"),
      ],
    };
    // A level that leaves the tom out; a kit without a ride plays it on the crash.
    const level = stored.HitObjects.filter((h) => h.Component !== "tom_high");
    const folded = level.map((h) =>
      h.Component === "ride" ? { ...h, Component: "crash" as const, Lane: COMPONENT_LANE.crash } : h,
    );
    const out = practicedBeatmap(stored, prepareChart({ ...stored, HitObjects: folded }));
    const byComponent = Object.fromEntries(out.HitObjects.map((h) => [`${h.Time}:${h.Component}`, h]));
    expect(Object.keys(byComponent).sort()).toEqual(["1000:snare", "500:crash", "500:snare"]);
    expect(byComponent["500:snare"]!.Flam).toBe(true);
    expect(byComponent["500:crash"]!.Choke).toBe(true);
    expect(byComponent["500:crash"]!.Lane).toBe(COMPONENT_LANE.crash);
    expect(byComponent["1000:snare"]!.Duration).toBe(400);
  });

  it("follows the player's fold to a smaller kit", () => {
    const stored: Beatmap = {
      ...grooveChart({ bars: 1 }),
      HitObjects: [note(500, "ride"), note(1000, "tom_mid"), note(1000, "kick")],
    };
    const fold = foldToKit(stored.HitObjects, { ...FULL_KIT, ride: false, toms: 1 });
    const out = practicedBeatmap(stored, prepareChart({ ...stored, HitObjects: fold.notes }));
    const played = fold.notes.map((h) => `${h.Time}:${h.Component}`).sort();
    expect(out.HitObjects.map((h) => `${h.Time}:${h.Component}`).sort()).toEqual(played);
    expect(played).not.toContain("500:ride");
  });
});
