// Charts generated in code for tests (here and in other modules' tests): a realistic rock groove
// with a tom fill, ghost notes, accents and a choke.
import { COMPONENT_LANE, type Component } from "./lanes.ts";
import { createBeatmap } from "./parse.ts";
import type { Beatmap, HitObject } from "./schema.ts";

export interface GrooveOptions {
  bars?: number;
  bpm?: number;
  offsetMs?: number;
}

export function grooveChart(options: GrooveOptions = {}): Beatmap {
  const { bars = 4, bpm = 120, offsetMs = 500 } = options;
  const beatMs = 60_000 / bpm;
  const notes: HitObject[] = [];
  const add = (beat: number, component: Component, velocity = 0.7, extra: Partial<HitObject> = {}) =>
    notes.push({
      Time: Math.round((offsetMs + beat * beatMs) * 1000) / 1000,
      Component: component,
      Lane: COMPONENT_LANE[component],
      Velocity: velocity,
      ...extra,
    });
  for (let bar = 0; bar < bars; bar++) {
    const b0 = bar * 4;
    const fill = bar === bars - 1 && bars > 1;
    if (bar === 0 || bar === 2) add(b0, "crash", 1);
    else add(b0, "hihat_closed", 0.9);
    for (let e = 1; e < 8; e++) {
      if (fill && e >= 4) break;
      add(b0 + e / 2, e === 7 ? "hihat_open" : "hihat_closed", e % 2 === 0 ? 0.8 : 0.6);
    }
    add(b0, "kick", 0.9);
    add(b0 + 2, "kick", 0.9);
    add(b0 + 2.5, "kick", 0.7);
    add(b0 + 1, "snare", 0.9);
    if (!fill) {
      add(b0 + 3, "snare", 1);
      add(b0 + 1.75, "snare", 0.25); // ghost
      add(b0 + 3.75, "snare", 0.25);
    } else {
      const toms: Component[] = [
        "tom_high",
        "tom_high",
        "tom_mid",
        "tom_mid",
        "tom_floor",
        "tom_floor",
        "tom_floor",
        "snare",
      ];
      toms.forEach((c, i) => {
        add(b0 + 2 + i / 4, c, 0.8);
      });
    }
  }
  add(bars * 4, "crash", 1, { Choke: true });
  add(bars * 4, "kick", 1);
  return createBeatmap({
    Metadata: { Title: "Groove", Artist: "BeatSight tests", Creator: "grooveChart", Tags: [] },
    Audio: { Filename: "groove.ogg", Duration: offsetMs + (bars * 4 + 4) * beatMs },
    Timing: { Bpm: bpm, Offset: offsetMs, TimeSignature: "4/4", TimingPoints: [] },
    HitObjects: notes.sort((a, b) => a.Time - b.Time || a.Lane - b.Lane),
  });
}
