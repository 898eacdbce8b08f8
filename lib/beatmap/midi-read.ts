// Bounded, checked MIDI reading on top of midi-file. midi-file trusts its input (it reads past
// the end of a truncated file as `undefined`), so the chunk structure is walked first and every
// event is checked after parsing; the library does the actual event decoding.
import { type MidiData, type MidiEvent, parseMidi } from "midi-file";
import { assertSize, BeatmapError } from "./errors.ts";
import { LIMITS } from "./limits.ts";
import { TickTempoMap, type TickTimeSignatureEvent } from "./tempo.ts";

const ascii = (bytes: Uint8Array, at: number): string =>
  String.fromCharCode(bytes[at] ?? 0, bytes[at + 1] ?? 0, bytes[at + 2] ?? 0, bytes[at + 3] ?? 0);

function describeStart(bytes: Uint8Array): string {
  const head = new TextDecoder().decode(bytes.subarray(0, 16)).trimStart();
  if (head.startsWith("{")) return "it looks like JSON (a .bsm?)";
  if (head.startsWith("[")) return "it looks like a text chart (.chart?)";
  if (head.startsWith("osu file format")) return "it looks like an osu! map (.osu)";
  return "it does not start with MThd";
}

/** Parses a Standard MIDI File, rejecting truncated, oversized or SMPTE-timed files with a clear message. */
export function readMidi(bytes: Uint8Array): MidiData & { ticksPerBeat: number } {
  assertSize(bytes.byteLength, LIMITS.maxMidiBytes, "The MIDI file");
  if (bytes.byteLength < 4 || ascii(bytes, 0) !== "MThd") {
    throw new BeatmapError("wrong_format", `This is not a MIDI file: ${describeStart(bytes)}.`);
  }
  if (bytes.byteLength < 14)
    throw new BeatmapError("invalid_midi", "The MIDI file is truncated inside its header.");
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = view.getUint32(4);
  if (headerLength < 6 || 8 + headerLength > bytes.byteLength) {
    throw new BeatmapError("invalid_midi", "The MIDI file's header is damaged or truncated.");
  }
  let pos = 8 + headerLength;
  let chunks = 0;
  while (pos < bytes.byteLength) {
    if (pos + 8 > bytes.byteLength) {
      throw new BeatmapError("invalid_midi", "The MIDI file is truncated: it ends inside a track header.");
    }
    const id = ascii(bytes, pos);
    const length = view.getUint32(pos + 4);
    if (pos + 8 + length > bytes.byteLength) {
      throw new BeatmapError(
        "invalid_midi",
        `The MIDI file is truncated: chunk ${chunks + 1} (${id}) claims ${length} bytes but only ${bytes.byteLength - pos - 8} remain.`,
      );
    }
    if (id !== "MTrk") {
      throw new BeatmapError(
        "invalid_midi",
        `The MIDI file has an unknown chunk "${id}" where a track should be.`,
      );
    }
    chunks++;
    if (chunks > LIMITS.maxMidiTracks) {
      throw new BeatmapError("too_large", `The MIDI file has more than ${LIMITS.maxMidiTracks} tracks.`);
    }
    pos += 8 + length;
  }

  let data: MidiData;
  try {
    data = parseMidi(bytes);
  } catch (error) {
    // midi-file throws strings.
    const detail = error instanceof Error ? error.message : String(error);
    throw new BeatmapError("invalid_midi", `The MIDI file is damaged: ${detail}`);
  }
  const ticksPerBeat = data.header.ticksPerBeat;
  if (!ticksPerBeat) {
    throw new BeatmapError(
      "invalid_midi",
      "The MIDI file uses SMPTE (frames per second) timing; re-export it from your DAW with musical (PPQ) timing.",
    );
  }
  data.tracks.forEach((track, t) => {
    for (const event of track) checkEvent(event, t);
  });
  return { ...data, ticksPerBeat };
}

function checkEvent(e: MidiEvent, track: number): void {
  const bad = (): never => {
    throw new BeatmapError(
      "invalid_midi",
      `The MIDI file is damaged: track ${track + 1} ends in the middle of an event.`,
    );
  };
  if (!Number.isFinite(e.deltaTime) || e.deltaTime < 0) bad();
  if (e.type === "noteOn" || e.type === "noteOff") {
    if (!Number.isInteger(e.noteNumber) || !Number.isInteger(e.velocity)) bad();
  } else if (e.type === "noteAftertouch") {
    if (!Number.isInteger(e.noteNumber) || !Number.isInteger(e.amount)) bad();
  } else if (e.type === "setTempo") {
    if (!Number.isInteger(e.microsecondsPerBeat) || e.microsecondsPerBeat <= 0) bad();
  } else if (e.type === "timeSignature") {
    if (!Number.isInteger(e.numerator) || !Number.isInteger(e.denominator) || e.numerator < 1) bad();
  }
}

/** An event with its absolute tick. */
export type TimedEvent = MidiEvent & { tick: number; track: number };

/** Flattens tracks to absolute-tick events, ordered by tick (stable per track). */
export function absoluteEvents(data: MidiData): TimedEvent[] {
  const out: TimedEvent[] = [];
  data.tracks.forEach((track, t) => {
    let tick = 0;
    for (const e of track) {
      tick += e.deltaTime;
      out.push({ ...e, tick, track: t });
    }
  });
  return out.sort((a, b) => a.tick - b.tick);
}

export function trackName(track: readonly MidiEvent[]): string | undefined {
  for (const e of track) if (e.type === "trackName") return e.text.trim();
  return undefined;
}

/** µs per quarter note → BPM, and BPM rounded to what a MIDI tempo event stores. */
export const mpbToBpm = (mpb: number): number => 60_000_000 / mpb;
export const quantizeMidiBpm = (bpm: number): number =>
  mpbToBpm(Math.min(0xffffff, Math.max(1, Math.round(60_000_000 / bpm))));

/** The tempo and time-signature map of a MIDI file (all tracks). */
export function tempoFromMidi(data: MidiData & { ticksPerBeat: number }): {
  map: TickTempoMap;
  timeSignatures: TickTimeSignatureEvent[];
} {
  const tempos: { tick: number; bpm: number }[] = [];
  const timeSignatures: TickTimeSignatureEvent[] = [];
  for (const e of absoluteEvents(data)) {
    if (e.type === "setTempo") tempos.push({ tick: e.tick, bpm: mpbToBpm(e.microsecondsPerBeat) });
    else if (e.type === "timeSignature" && e.numerator <= 32 && e.denominator <= 64) {
      timeSignatures.push({ tick: e.tick, ts: { numerator: e.numerator, denominator: e.denominator } });
    }
  }
  return { map: TickTempoMap.fromEvents(data.ticksPerBeat, tempos), timeSignatures };
}
