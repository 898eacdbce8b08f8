// Web MIDI e-kit input: note-on messages → lanes through the General MIDI drum map (lib/beatmap/gm.ts),
// with per-kit overrides for modules that put pads elsewhere. Pure; the browser wiring is in
// app/_components/play/midi-input.ts.
import { GM_NOTE_TO_COMPONENT } from "../beatmap/gm.ts";
import { COMPONENT_LANE, type Component } from "../beatmap/lanes.ts";

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

export function componentForNote(note: number, kit: MidiKitMap = {}): Component | undefined {
  return kit[note] ?? GM_NOTE_TO_COMPONENT[note];
}

export function laneForNote(note: number, kit: MidiKitMap = {}): number | undefined {
  const c = componentForNote(note, kit);
  return c === undefined ? undefined : COMPONENT_LANE[c];
}
