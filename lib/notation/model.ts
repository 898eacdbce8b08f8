// A chart as notation: measures of notes and rests in two voices (hands with stems up, feet with
// stems down), on written positions. Built by quantize.ts, written out by musicxml.ts and tab.ts.
import type { Component } from "../beatmap/lanes.ts";
import type { Feel } from "../beatmap/schema.ts";
import type { TimeSignature } from "../beatmap/tempo.ts";

/**
 * Divisions per quarter note (MusicXML <divisions>): 24 holds 32nds (3), 16th triplets (4),
 * 16ths (6), 8th triplets (8) and 8ths (12) as whole numbers.
 */
export const DIVISIONS = 24;

export type NoteType = "whole" | "half" | "quarter" | "eighth" | "16th" | "32nd";

/** Written lengths in divisions of each note type. */
export const NOTE_TYPE_DIVISIONS: Readonly<Record<NoteType, number>> = {
  whole: 96,
  half: 48,
  quarter: 24,
  eighth: 12,
  "16th": 6,
  "32nd": 3,
};

export interface NotatedNote {
  component: Component;
  /** The chart's velocity 0–1 (MusicXML writes it as the note's dynamics). */
  velocity: number;
  ghost: boolean;
  accent: boolean;
  flam: boolean;
  choke: boolean;
  /** A roll (the chart note has a Duration): tremolo strokes on the note and its tied parts. */
  roll: boolean;
  /** The chart note's Duration in ms (rolls), kept so an import can restore it. */
  durationMs?: number;
  /** "open": the "o" over an open hi-hat; "closed": the "+" over the closed hi-hat after one. */
  hihatMark?: "open" | "closed";
}

export interface Tuplet {
  /** 3 in 3:2. */
  actual: number;
  /** 2 in 3:2. */
  normal: number;
  /** The written type the tuplet counts in. */
  normalType: NoteType;
  start: boolean;
  stop: boolean;
}

export interface VoiceEvent {
  /** Sounding position from the start of the measure, divisions (the sum of the durations before it). */
  position: number;
  /** Sounding length in divisions (MusicXML <duration>): written length ÷ tuplet ratio. */
  duration: number;
  type: NoteType;
  dots: number;
  /** Empty: a rest. */
  notes: NotatedNote[];
  tuplet?: Tuplet;
  /** This note continues into the next event (a roll across a beat or bar line). */
  tieStart?: boolean;
  /** This note continues the previous event. */
  tieStop?: boolean;
  /** A rest that fills the whole measure. */
  measureRest?: boolean;
  /** MusicXML beam values per level (1 = 8th beam) for notes under a beam. */
  beams?: BeamValue[];
}

export type BeamValue = "begin" | "continue" | "end" | "forward hook" | "backward hook";

export interface MeasureDirection {
  /** Sounding position from the measure start, divisions. */
  position: number;
  /** Quarter notes per minute. */
  bpm?: number;
  feel?: Feel;
}

export interface NotatedMeasure {
  /** 1 for the measure that starts at the chart's first beat; 0 for a pickup before it. */
  number: number;
  /** A pickup (anacrusis) before the first beat: MusicXML implicit="yes". */
  implicit: boolean;
  /** Chart beats (quarter notes since Offset) at the measure's start. */
  startBeat: number;
  /** Length in divisions. */
  length: number;
  timeSignature: TimeSignature;
  /** Print the time signature (first measure, a change, or a shortened bar). */
  showTimeSignature: boolean;
  directions: MeasureDirection[];
  hands: VoiceEvent[];
  feet: VoiceEvent[];
}

export interface NotationScore {
  title: string;
  artist: string;
  creator: string;
  /** The chart's Offset (ms of beat 0), which notation has no place for but an import needs. */
  offsetMs: number;
  measures: NotatedMeasure[];
  /** What was simplified for reading, for people. */
  warnings: string[];
}
