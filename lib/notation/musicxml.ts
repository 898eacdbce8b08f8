// MusicXML 4.0 (partwise) export of a chart: one percussion part on a five-line staff, hands in
// voice 1 (stems up) and feet in voice 2 (stems down), every drum an instrument with its General
// MIDI key so notation programs play it on a drum kit. Positions and noteheads: drum-kit.ts;
// rhythm: quantize.ts; what it cannot carry: docs/FORMAT.md ("Notation").
import type { ExportResult } from "../beatmap/build.ts";
import type { Beatmap } from "../beatmap/schema.ts";
import {
  COMPONENTS_BY_STAFF,
  INSTRUMENT_SOUND,
  instrumentId,
  midiUnpitched,
  STAFF_POSITION,
} from "./drum-kit.ts";
import {
  DIVISIONS,
  type NotatedMeasure,
  type NotatedNote,
  type NotationScore,
  type VoiceEvent,
} from "./model.ts";
import { chartToNotation } from "./quantize.ts";
import { XmlWriter } from "./xml-writer.ts";

export interface MusicXmlOptions {
  /** Work title (default: the chart's title). */
  title?: string;
  /** Composer line (default: the chart's artist). */
  composer?: string;
}

/**
 * MusicXML <note dynamics> is a percentage of a forte at MIDI velocity 90; the chart's velocity
 * 0–1 is MIDI velocity / 127. Writing it lets a re-import restore the velocity, not only its class.
 */
const FORTE_MIDI_VELOCITY = 90;
export const velocityToDynamics = (velocity: number): number =>
  Math.round(((velocity * 127) / FORTE_MIDI_VELOCITY) * 100 * 100) / 100;
export const dynamicsToVelocity = (dynamics: number): number =>
  Math.min(1, Math.max(0, ((dynamics / 100) * FORTE_MIDI_VELOCITY) / 127));

/** <miscellaneous-field> names for what a score has no place for but a re-import needs. */
export const MISC_OFFSET_MS = "beatsight-offset-ms";
export const MISC_CREATOR = "beatsight-creator";

const PROLOG = [
  '<?xml version="1.0" encoding="UTF-8" standalone="no"?>',
  '<!DOCTYPE score-partwise PUBLIC "-//Recordare//DTD MusicXML 4.0 Partwise//EN" "http://www.musicxml.org/dtds/partwise.dtd">',
];

/** The chart as a MusicXML 4.0 partwise score (a string ready to save as .musicxml). */
export function chartToMusicXml(beatmap: Beatmap, options: MusicXmlOptions = {}): string {
  return exportMusicXml(beatmap, options).data;
}

/** As `chartToMusicXml`, with what notation simplified, for people. */
export function exportMusicXml(beatmap: Beatmap, options: MusicXmlOptions = {}): ExportResult<string> {
  const score = chartToNotation(beatmap, options.title === undefined ? {} : { title: options.title });
  const warnings = [...score.warnings];
  if (beatmap.Timing === undefined) {
    warnings.push("The chart has no tempo map; the score assumes 120 BPM in 4/4 from 0 ms.");
  }
  return { data: notationToMusicXml(score, options.composer ?? beatmap.Metadata.Artist), warnings };
}

export function notationToMusicXml(score: NotationScore, composer: string): string {
  const x = new XmlWriter(PROLOG);
  x.open("score-partwise", { version: "4.0" });
  x.open("work").leaf("work-title", score.title).close();
  x.open("identification");
  if (composer) x.leaf("creator", composer, { type: "composer" });
  if (score.creator) x.leaf("creator", score.creator, { type: "transcriber" });
  x.open("encoding").leaf("software", "BeatSight").close();
  x.open("miscellaneous");
  x.leaf("miscellaneous-field", String(score.offsetMs), { name: MISC_OFFSET_MS });
  x.close();
  x.close();
  writePartList(x);
  x.open("part", { id: "P1" });
  score.measures.forEach((m, i) => {
    writeMeasure(x, m, i === 0);
  });
  x.close();
  x.close();
  return x.toString();
}

function writePartList(x: XmlWriter): void {
  x.open("part-list").open("score-part", { id: "P1" });
  x.leaf("part-name", "Drums").leaf("part-abbreviation", "Dr.");
  for (const c of COMPONENTS_BY_STAFF) {
    x.open("score-instrument", { id: instrumentId(c) });
    x.leaf("instrument-name", STAFF_POSITION[c].name);
    x.leaf("instrument-sound", INSTRUMENT_SOUND[c]);
    x.close();
  }
  for (const c of COMPONENTS_BY_STAFF) {
    x.open("midi-instrument", { id: instrumentId(c) });
    x.leaf("midi-channel", 10).leaf("midi-unpitched", midiUnpitched(c));
    x.close();
  }
  x.close().close();
}

function writeMeasure(x: XmlWriter, m: NotatedMeasure, first: boolean): void {
  x.open("measure", { number: m.number, ...(m.implicit ? { implicit: "yes" } : {}) });
  if (first || m.showTimeSignature) {
    x.open("attributes");
    if (first) x.leaf("divisions", DIVISIONS).open("key").leaf("fifths", 0).close();
    x.open("time")
      .leaf("beats", m.timeSignature.numerator)
      .leaf("beat-type", m.timeSignature.denominator)
      .close();
    if (first) x.open("clef").leaf("sign", "percussion").close();
    x.close();
  }
  for (const d of m.directions) {
    if (d.bpm !== undefined) {
      // Always quarter = the chart's BPM, in 6/8 too: alphaTab (our staff view) ignores a dotted
      // beat unit and would show and play 6/8 at two tempos; every reader understands this one.
      x.open("direction", { placement: "above" }).open("direction-type").open("metronome");
      x.leaf("beat-unit", "quarter").leaf("per-minute", round2(d.bpm));
      x.close().close();
      if (d.position > 0) x.leaf("offset", d.position, { sound: "yes" });
      x.leaf("sound", undefined, { tempo: round2(d.bpm) });
      x.close();
    }
    if (d.feel !== undefined) {
      x.open("direction", { placement: "above" }).open("direction-type");
      x.leaf("words", d.feel === "swing" ? "Swing" : "Straight");
      x.close();
      if (d.position > 0) x.leaf("offset", d.position, { sound: "yes" });
      x.open("sound").open("swing");
      if (d.feel === "swing") x.leaf("first", 2).leaf("second", 1).leaf("swing-type", "eighth");
      else x.leaf("straight");
      x.close().close().close();
    }
  }
  writeVoice(x, m.hands, "1", "up");
  x.open("backup").leaf("duration", m.length).close();
  writeVoice(x, m.feet, "2", "down");
  x.close();
}

const round2 = (v: number) => Math.round(v * 100) / 100;

function writeVoice(x: XmlWriter, events: readonly VoiceEvent[], voice: string, stem: "up" | "down"): void {
  for (const e of events) {
    if (e.notes.length === 0) {
      writeRest(x, e, voice);
      continue;
    }
    // Flams: a slashed grace note on the same drum before the main stroke.
    const flams = e.tieStop ? [] : e.notes.filter((n) => n.flam);
    flams.forEach((n, i) => {
      x.open("note");
      x.leaf("grace", undefined, { slash: "yes" });
      if (i > 0) x.leaf("chord");
      writeUnpitched(x, n);
      x.leaf("instrument", undefined, { id: instrumentId(n.component) });
      x.leaf("voice", voice).leaf("type", "eighth").leaf("stem", stem);
      writeNotehead(x, n);
      x.close();
    });
    e.notes.forEach((n, i) => {
      writeNote(x, e, n, i === 0, voice, stem);
    });
  }
}

function writeRest(x: XmlWriter, e: VoiceEvent, voice: string): void {
  x.open("note");
  // Each voice's rests on its own side of the staff, so they do not sit among the other voice's notes.
  const at = voice === "1" ? { step: "E", octave: 5 } : { step: "F", octave: 4 };
  x.open("rest", e.measureRest ? { measure: "yes" } : {});
  x.leaf("display-step", at.step).leaf("display-octave", at.octave);
  x.close();
  x.leaf("duration", e.duration).leaf("voice", voice);
  if (!e.measureRest) {
    x.leaf("type", e.type);
    for (let d = 0; d < e.dots; d++) x.leaf("dot");
  }
  writeTimeModification(x, e);
  if (e.tuplet?.start || e.tuplet?.stop) {
    x.open("notations");
    writeTuplet(x, e);
    x.close();
  }
  x.close();
}

function writeUnpitched(x: XmlWriter, n: NotatedNote): void {
  const p = STAFF_POSITION[n.component];
  x.open("unpitched").leaf("display-step", p.step).leaf("display-octave", p.octave).close();
}

function writeNotehead(x: XmlWriter, n: NotatedNote): void {
  // Written even when "normal": engravers (alphaTab) otherwise take the instrument's own default,
  // which may be none at all.
  x.leaf("notehead", STAFF_POSITION[n.component].notehead, n.ghost ? { parentheses: "yes" } : {});
}

function writeTimeModification(x: XmlWriter, e: VoiceEvent): void {
  if (!e.tuplet) return;
  x.open("time-modification")
    .leaf("actual-notes", e.tuplet.actual)
    .leaf("normal-notes", e.tuplet.normal)
    .leaf("normal-type", e.tuplet.normalType)
    .close();
}

function writeTuplet(x: XmlWriter, e: VoiceEvent): void {
  if (e.tuplet?.start) x.leaf("tuplet", undefined, { type: "start", bracket: "yes" });
  if (e.tuplet?.stop) x.leaf("tuplet", undefined, { type: "stop" });
}

function writeNote(
  x: XmlWriter,
  e: VoiceEvent,
  n: NotatedNote,
  firstOfChord: boolean,
  voice: string,
  stem: "up" | "down",
): void {
  x.open("note", { dynamics: velocityToDynamics(n.velocity) });
  if (!firstOfChord) x.leaf("chord");
  writeUnpitched(x, n);
  x.leaf("duration", e.duration);
  if (e.tieStop) x.leaf("tie", undefined, { type: "stop" });
  if (e.tieStart) x.leaf("tie", undefined, { type: "start" });
  x.leaf("instrument", undefined, { id: instrumentId(n.component) });
  x.leaf("voice", voice).leaf("type", e.type);
  for (let d = 0; d < e.dots; d++) x.leaf("dot");
  writeTimeModification(x, e);
  x.leaf("stem", stem);
  writeNotehead(x, n);
  if (firstOfChord) {
    e.beams?.forEach((b, level) => {
      x.leaf("beam", b, { number: level + 1 });
    });
  }
  const tuplet = firstOfChord && (e.tuplet?.start || e.tuplet?.stop);
  const marks = !e.tieStop && (n.accent || n.choke || n.hihatMark !== undefined);
  const roll = n.roll;
  if (e.tieStop || e.tieStart || tuplet || marks || roll) {
    x.open("notations");
    if (e.tieStop) x.leaf("tied", undefined, { type: "stop" });
    if (e.tieStart) x.leaf("tied", undefined, { type: "start" });
    if (tuplet) writeTuplet(x, e);
    if (roll) x.open("ornaments").leaf("tremolo", 3, { type: "single" }).close();
    if (marks) {
      // The "o" / "+" of an open and a re-closed hi-hat, and a choked cymbal's stop sign (SMuFL's
      // choke glyph where the program has it, a "+" where it does not).
      if (n.hihatMark === "open") x.open("technical").leaf("open").close();
      else if (n.hihatMark === "closed") x.open("technical").leaf("stopped").close();
      if (n.choke) x.open("technical").leaf("stopped", undefined, { smufl: "pictChokeCymbal" }).close();
      if (n.accent) x.open("articulations").leaf("accent").close();
    }
    x.close();
  }
  x.close();
}
