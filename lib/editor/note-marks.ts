// What the timeline writes on a note besides its lane and size: the articulation, as the letter
// drum tab uses for it (docs/FORMAT.md "ASCII drum tab"), and the velocity band. A lane's default
// articulation (closed hi-hat, snare head, crash, ride bow) has no letter; every tom has one,
// because which tom is the point of a tom note.
import { type Component, type VelocityClass, velocityClass } from "../beatmap/lanes.ts";

export const ARTICULATION_LETTER: Readonly<Partial<Record<Component, string>>> = {
  hihat_open: "o",
  hihat_pedal: "p",
  snare_rimshot: "r",
  snare_cross_stick: "x",
  tom_high: "1",
  tom_mid: "2",
  tom_floor: "F",
  crash2: "2",
  china: "c",
  ride_bell: "b",
};

export interface NoteMarks {
  letter: string | null;
  band: VelocityClass;
}

export function noteMarks(note: { Component: Component; Velocity: number }): NoteMarks {
  return { letter: ARTICULATION_LETTER[note.Component] ?? null, band: velocityClass(note.Velocity) };
}
