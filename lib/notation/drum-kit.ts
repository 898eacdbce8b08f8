// Where each drum component sits on a five-line percussion staff, with which notehead, in which
// voice, and which General MIDI key plays it. One table shared by the MusicXML exporter and
// importer, the drum tab and docs/FORMAT.md ("Notation"). Positions follow the common drum-set
// key (Weinberg's "Guide to Standardized Drumset Notation", the Hal Leonard / Modern Drummer
// legend): kick in the bottom space, snare in the third space, hi-hat on the space above the
// staff, ride on the top line, crash on the first ledger line, hi-hat foot below the staff.
import { COMPONENT_TO_GM_NOTE } from "../beatmap/gm.ts";
import { COMPONENTS, type Component } from "../beatmap/lanes.ts";

/** MusicXML notehead values we write (a subset of the schema's notehead-value). */
export type Notehead = "normal" | "x" | "circle-x" | "diamond";

export type Voice = "hands" | "feet";

export interface StaffPosition {
  /** MusicXML display-step and display-octave (treble-clef names of the staff position). */
  step: "C" | "D" | "E" | "F" | "G" | "A" | "B";
  octave: number;
  notehead: Notehead;
  voice: Voice;
  /** Instrument name shown by notation programs. */
  name: string;
  /** ASCII drum tab line label. */
  tabLine: TabLine;
}

export type TabLine = "CC" | "HH" | "RD" | "SD" | "T1" | "T2" | "FT" | "BD" | "HF";

export const STAFF_POSITION: Readonly<Record<Component, StaffPosition>> = {
  crash: { step: "A", octave: 5, notehead: "x", voice: "hands", name: "Crash Cymbal", tabLine: "CC" },
  crash2: { step: "B", octave: 5, notehead: "x", voice: "hands", name: "Crash Cymbal 2", tabLine: "CC" },
  china: { step: "C", octave: 6, notehead: "x", voice: "hands", name: "China Cymbal", tabLine: "CC" },
  splash: {
    step: "C",
    octave: 6,
    notehead: "circle-x",
    voice: "hands",
    name: "Splash Cymbal",
    tabLine: "CC",
  },
  hihat_closed: { step: "G", octave: 5, notehead: "x", voice: "hands", name: "Closed Hi-Hat", tabLine: "HH" },
  hihat_open: { step: "G", octave: 5, notehead: "x", voice: "hands", name: "Open Hi-Hat", tabLine: "HH" },
  hihat_pedal: { step: "D", octave: 4, notehead: "x", voice: "feet", name: "Pedal Hi-Hat", tabLine: "HF" },
  ride: { step: "F", octave: 5, notehead: "x", voice: "hands", name: "Ride Cymbal", tabLine: "RD" },
  ride_bell: { step: "F", octave: 5, notehead: "diamond", voice: "hands", name: "Ride Bell", tabLine: "RD" },
  snare: { step: "C", octave: 5, notehead: "normal", voice: "hands", name: "Snare", tabLine: "SD" },
  snare_rimshot: {
    step: "C",
    octave: 5,
    notehead: "circle-x",
    voice: "hands",
    name: "Snare Rimshot",
    tabLine: "SD",
  },
  snare_cross_stick: {
    step: "C",
    octave: 5,
    notehead: "x",
    voice: "hands",
    name: "Side Stick",
    tabLine: "SD",
  },
  tom_high: { step: "E", octave: 5, notehead: "normal", voice: "hands", name: "High Tom", tabLine: "T1" },
  tom_mid: { step: "D", octave: 5, notehead: "normal", voice: "hands", name: "Mid Tom", tabLine: "T2" },
  tom_floor: { step: "A", octave: 4, notehead: "normal", voice: "hands", name: "Floor Tom", tabLine: "FT" },
  kick: { step: "F", octave: 4, notehead: "normal", voice: "feet", name: "Bass Drum", tabLine: "BD" },
};

/** MusicXML <instrument-sound> (the standard sounds.xml ids), so notation programs pick a drum kit sound. */
export const INSTRUMENT_SOUND: Readonly<Record<Component, string>> = {
  crash: "metal.cymbal.crash",
  crash2: "metal.cymbal.crash",
  china: "metal.cymbal.chinese",
  splash: "metal.cymbal.splash",
  hihat_closed: "metal.hi-hat",
  hihat_open: "metal.hi-hat",
  hihat_pedal: "metal.hi-hat",
  ride: "metal.cymbal.ride",
  ride_bell: "metal.cymbal.ride",
  snare: "drum.snare-drum",
  snare_rimshot: "drum.snare-drum",
  snare_cross_stick: "drum.snare-drum",
  tom_high: "drum.tom-tom",
  tom_mid: "drum.tom-tom",
  tom_floor: "drum.tom-tom",
  kick: "drum.bass-drum",
};

/** Staff order, top to bottom: components are listed in this order inside a chord. */
const STEP_INDEX = { C: 0, D: 1, E: 2, F: 3, G: 4, A: 5, B: 6 } as const;
export const staffHeight = (p: StaffPosition): number => p.octave * 7 + STEP_INDEX[p.step];

/** MusicXML instrument id of a component inside part P1. */
export const instrumentId = (c: Component): string => `P1-${c}`;

/** MusicXML <midi-unpitched> counts keys 1–128, General MIDI 0–127: key + 1. */
export const midiUnpitched = (c: Component): number => COMPONENT_TO_GM_NOTE[c] + 1;

/** Components in staff order (top first), the order instruments are listed in a part. */
export const COMPONENTS_BY_STAFF: readonly Component[] = [...COMPONENTS].sort(
  (a, b) => staffHeight(STAFF_POSITION[b]) - staffHeight(STAFF_POSITION[a]),
);
