// General MIDI drum files (.mid): import (channel 10, GM note map, tempo map, velocities,
// poly-aftertouch chokes) and export. notes.mid files with a PART DRUMS track go to notes-mid.ts.
import { type MidiData, type MidiEvent, writeMidi } from "midi-file";
import { buildImported, type ExportResult, type ImportResult, NoteSink } from "./build.ts";
import { compareHitObjects } from "./canonical.ts";
import { COMPONENT_TO_GM_NOTE, GM_DRUM_CHANNEL, GM_NOTE_TO_COMPONENT } from "./gm.ts";
import { CYMBAL_COMPONENTS } from "./lanes.ts";
import { absoluteEvents, quantizeMidiBpm, readMidi, tempoFromMidi, trackName } from "./midi-read.ts";
import { importNotesMid, isNotesMid } from "./notes-mid.ts";
import type { Beatmap } from "./schema.ts";
import { buildExportTempo, lostTimingDetails } from "./tempo.ts";

export interface MidiImportOptions {
  /** Used as the title when the file names none (e.g. the file name without extension). */
  title?: string;
}

/** Imports a .mid: a notes.mid (Clone Hero / Rock Band) if it has PART DRUMS, else General MIDI drums. */
export function importMidi(bytes: Uint8Array, options: MidiImportOptions = {}): ImportResult {
  const data = readMidi(bytes);
  if (isNotesMid(data)) return importNotesMid(data, options);
  return importGmMidi(data, options);
}

function importGmMidi(data: MidiData & { ticksPerBeat: number }, options: MidiImportOptions): ImportResult {
  const warnings: string[] = [];
  const { map, timeSignatures } = tempoFromMidi(data);
  const events = absoluteEvents(data);
  const hasDrumChannel = events.some(
    (e) => e.type === "noteOn" && e.channel === GM_DRUM_CHANNEL && e.velocity > 0,
  );
  if (!hasDrumChannel) {
    warnings.push("No notes on MIDI channel 10 (GM drums); reading GM drum note numbers from every channel.");
  }
  const sink = new NoteSink("MIDI file");
  const lastByNote = new Map<number, ReturnType<NoteSink["add"]>>();
  const skipped = new Map<number, number>();
  for (const e of events) {
    if (hasDrumChannel && "channel" in e && e.channel !== GM_DRUM_CHANNEL) continue;
    if (e.type === "noteOn" && e.velocity > 0) {
      const component = GM_NOTE_TO_COMPONENT[e.noteNumber];
      if (!component) {
        skipped.set(e.noteNumber, (skipped.get(e.noteNumber) ?? 0) + 1);
        continue;
      }
      lastByNote.set(e.noteNumber, sink.add(map.tickToMs(e.tick), component, e.velocity / 127));
    } else if (e.type === "noteAftertouch" && e.amount > 0) {
      // E-kits and drum samplers send polyphonic aftertouch when a cymbal is grabbed.
      const note = lastByNote.get(e.noteNumber);
      if (note && CYMBAL_COMPONENTS.has(note.Component)) note.Choke = true;
    }
  }
  if (skipped.size > 0) {
    const list = [...skipped.entries()].map(([n, count]) => `${n} (${count}×)`).join(", ");
    warnings.push(`Skipped MIDI notes outside the GM drum map: ${list}.`);
  }
  const name = data.tracks.map(trackName).find((n) => n);
  const beatmap = buildImported({
    title: name || options.title || "Untitled",
    timing: map.toTiming(timeSignatures),
    notes: sink.notes,
  });
  return { beatmap, warnings };
}

export const MIDI_EXPORT_RESOLUTION = 480;

type Abs = { tick: number; order: number; event: MidiEvent };

function toTrack(events: Abs[]): MidiEvent[] {
  events.sort((a, b) => a.tick - b.tick || a.order - b.order);
  let last = 0;
  const track = events.map(({ tick, event }) => {
    const out = { ...event, deltaTime: tick - last } as MidiEvent;
    last = tick;
    return out;
  });
  track.push({ deltaTime: 0, meta: true, type: "endOfTrack" });
  return track;
}

/** Exports GM drums (format 1: a tempo track and a drum track on channel 10, 480 ticks per beat). */
export function exportMidi(b: Beatmap): ExportResult<Uint8Array> {
  const warnings: string[] = lostTimingDetails(b.Timing, "MIDI");
  const res = MIDI_EXPORT_RESOLUTION;
  const { map, timeSignatures } = buildExportTempo(b.Timing, res, quantizeMidiBpm, "MIDI");

  const conductor: Abs[] = [
    {
      tick: 0,
      order: 0,
      event: { deltaTime: 0, meta: true, type: "trackName", text: asciiText(b.Metadata.Title) },
    },
  ];
  for (const e of map.events) {
    conductor.push({
      tick: e.tick,
      order: 1,
      event: {
        deltaTime: 0,
        meta: true,
        type: "setTempo",
        microsecondsPerBeat: Math.round(60_000_000 / e.bpm),
      },
    });
  }
  for (const ts of timeSignatures) {
    conductor.push({
      tick: ts.tick,
      order: 2,
      event: {
        deltaTime: 0,
        meta: true,
        type: "timeSignature",
        numerator: ts.ts.numerator,
        denominator: ts.ts.denominator,
        metronome: 24,
        thirtyseconds: 8,
      },
    });
  }

  const drums: Abs[] = [
    { tick: 0, order: 0, event: { deltaTime: 0, meta: true, type: "trackName", text: "Drums" } },
  ];
  let flams = 0;
  const ch = GM_DRUM_CHANNEL;
  const placed = [...b.HitObjects].sort(compareHitObjects).map((h) => ({
    h,
    note: COMPONENT_TO_GM_NOTE[h.Component],
    tick: Math.max(0, Math.round(map.msToTick(h.Time))),
  }));
  // A note ends before the next hit on the same key, so no reader sees overlapping notes.
  const nextOnKey = new Map<number, number>();
  const ends = new Array<number>(placed.length);
  for (let i = placed.length - 1; i >= 0; i--) {
    const { h, note, tick } = placed[i]!;
    const wanted = h.Duration ? Math.round(map.msToTick(h.Time + h.Duration)) : tick + res / 8;
    ends[i] = Math.min(wanted, nextOnKey.get(note) ?? Number.POSITIVE_INFINITY);
    nextOnKey.set(note, tick);
  }
  let duplicates = 0;
  for (let i = 0; i < placed.length; i++) {
    const { h, note, tick } = placed[i]!;
    const len = ends[i]! - tick;
    if (len <= 0) {
      duplicates++;
      continue;
    }
    const velocity = Math.min(127, Math.max(1, Math.round(h.Velocity * 127)));
    if (h.Flam) flams++;
    // Note-offs sort before note-ons at the same tick so a repeated note is not cut short.
    drums.push({
      tick,
      order: 2,
      event: { deltaTime: 0, type: "noteOn", channel: ch, noteNumber: note, velocity },
    });
    drums.push({
      tick: tick + len,
      order: 1,
      event: { deltaTime: 0, type: "noteOff", channel: ch, noteNumber: note, velocity: 0 },
    });
    if (h.Choke) {
      drums.push({
        tick: tick + Math.max(1, len - 1),
        order: 3,
        event: { deltaTime: 0, type: "noteAftertouch", channel: ch, noteNumber: note, amount: 127 },
      });
    }
  }
  if (duplicates > 0) warnings.push(`${duplicates} notes dropped: same drum twice in one MIDI tick.`);
  if (flams > 0) warnings.push(`${flams} flams written as single notes: General MIDI has no flam.`);

  const bytes = writeMidi(
    { header: { format: 1, numTracks: 2, ticksPerBeat: res }, tracks: [toTrack(conductor), toTrack(drums)] },
    { running: true },
  );
  return { data: Uint8Array.from(bytes), warnings };
}

/** MIDI text events are bytes; keep them printable ASCII so every reader shows them. */
export function asciiText(s: string): string {
  return s.replace(/[^\x20-\x7e]/g, "?").slice(0, 200);
}
