// Web MIDI e-kit input: note-on messages → lanes through the General MIDI drum map (lib/beatmap/gm.ts),
// with per-kit overrides for modules that put pads elsewhere. Pure; the browser wiring is in
// app/_components/play/midi-input.ts.
import { GM_NOTE_TO_COMPONENT } from "../beatmap/gm.ts";
import {
  COMPONENT_LANE,
  type Component,
  isComponent,
  LANE_DEFAULT_COMPONENT,
  type Lane,
} from "../beatmap/lanes.ts";

export interface MidiHit {
  note: number;
  /** 0–1. */
  velocity: number;
  channel: number;
}

/** A note-on with velocity > 0 on any channel (kits differ), else null. */
export function parseMidiMessage(data: ArrayLike<number> | null | undefined): MidiHit | null {
  if (!data || data.length < 3) return null;
  const status = data[0]!;
  if ((status & 0xf0) !== 0x90) return null;
  const velocity = data[2]!;
  if (velocity === 0) return null; // running-status note-off
  return { note: data[1]! & 0x7f, velocity: Math.min(1, velocity / 127), channel: status & 0x0f };
}

/** Per-kit overrides: MIDI note → component. */
export type MidiKitMap = Readonly<Record<number, Component>>;

/**
 * Notes e-kit modules send beyond General MIDI's drum map, for the pad zones GM has no note for
 * (Roland's defaults, which Alesis and Yamaha modules largely follow): the hi-hat's edge closed
 * and open, and the floor tom's rim. GM itself covers the other articulations: cross-stick 37,
 * snare rim 40, pedal hi-hat 44, ride bell 53, splash 55, china 52, crash 2 57, ride edge 59.
 */
export const EKIT_NOTE_TO_COMPONENT: Readonly<Record<number, Component>> = {
  22: "hihat_closed",
  26: "hihat_open",
  58: "tom_floor",
};

/** The component a note plays: the kit's own map, then General MIDI, then common e-kit zones. */
export function componentForNote(note: number, kit: MidiKitMap = {}): Component | undefined {
  return kit[note] ?? GM_NOTE_TO_COMPONENT[note] ?? EKIT_NOTE_TO_COMPONENT[note];
}

export function laneForNote(note: number, kit: MidiKitMap = {}): number | undefined {
  const c = componentForNote(note, kit);
  return c === undefined ? undefined : COMPONENT_LANE[c];
}

/**
 * Teaches the map that `note` is this kit's pad for `lane` (the lane's usual articulation). Notes
 * learned for the lane before stay: kits often send two notes per pad (head and rim).
 */
export function learnPad(kit: MidiKitMap, note: number, lane: number): MidiKitMap {
  const component = LANE_DEFAULT_COMPONENT[lane as Lane];
  if (component === undefined || !Number.isInteger(note) || note < 0 || note > 127) return kit;
  return { ...kit, [note]: component };
}

/**
 * The notes that reach `lane`: the kit's own first, then General MIDI's (and the common e-kit
 * zones') not overridden by the kit.
 */
export function notesForLane(kit: MidiKitMap, lane: number): { learned: number[]; gm: number[] } {
  const learned = Object.entries(kit)
    .filter(([, c]) => COMPONENT_LANE[c] === lane)
    .map(([n]) => Number(n))
    .sort((a, b) => a - b);
  const gm = Object.entries({ ...EKIT_NOTE_TO_COMPONENT, ...GM_NOTE_TO_COMPONENT })
    .filter(([n, c]) => COMPONENT_LANE[c] === lane && kit[Number(n)] === undefined)
    .map(([n]) => Number(n))
    .sort((a, b) => a - b);
  return { learned, gm };
}

/** A stored map, checked: note numbers 0–127 to known components; anything else is dropped. */
export function parseMidiKitMap(value: unknown): MidiKitMap {
  if (!value || typeof value !== "object") return {};
  const map: Record<number, Component> = {};
  for (const [key, component] of Object.entries(value as Record<string, unknown>)) {
    const note = Number(key);
    if (
      Number.isInteger(note) &&
      note >= 0 &&
      note <= 127 &&
      typeof component === "string" &&
      isComponent(component)
    ) {
      map[note] = component;
    }
  }
  return map;
}
