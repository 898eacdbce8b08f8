import { type MidiData, writeMidi } from "midi-file";
import { describe, expect, it } from "vitest";
import { readMidi } from "../lib/beatmap/midi-read.ts";
import { midiBeats } from "./render-grid-set.ts";

const PPQ = 480;
const noteAt = (tick: number) => [
  { deltaTime: tick, type: "noteOn" as const, channel: 9, noteNumber: 38, velocity: 100 },
  { deltaTime: 10, type: "noteOff" as const, channel: 9, noteNumber: 38, velocity: 0 },
];

function midi(conductor: MidiData["tracks"][number], notes: number[]): ReturnType<typeof readMidi> {
  const track = notes.flatMap((tick, i) => noteAt(tick - (i ? notes[i - 1]! + 10 : 0)));
  const data: MidiData = {
    header: { format: 1, numTracks: 2, ticksPerBeat: PPQ },
    tracks: [
      [...conductor, { deltaTime: 0, meta: true, type: "endOfTrack" }],
      [...track, { deltaTime: 0, meta: true, type: "endOfTrack" }],
    ],
  };
  return readMidi(new Uint8Array(writeMidi(data)));
}

const ts = (deltaTime: number, numerator: number, denominator: number) => ({
  deltaTime,
  meta: true as const,
  type: "timeSignature" as const,
  numerator,
  denominator,
  metronome: 24,
  thirtyseconds: 8,
});
const tempo = (deltaTime: number, bpm: number) => ({
  deltaTime,
  meta: true as const,
  type: "setTempo" as const,
  microsecondsPerBeat: 60_000_000 / bpm,
});
const round = (beats: [number, number][]) => beats.map(([t, p]) => [Math.round(t * 1e6) / 1e6, p]);

describe("reference beats from a MIDI file's tempo map", () => {
  it("starts at the first note (a pickup) and counts bar positions", () => {
    // 4/4 at 120: the first note on beat 4 of bar 0, the last on beat 1 of bar 2.
    const beats = midiBeats(midi([ts(0, 4, 4), tempo(0, 120)], [3 * PPQ, 8 * PPQ]), 100);
    expect(round(beats)).toEqual([
      [1.5, 4],
      [2, 1],
      [2.5, 2],
      [3, 3],
      [3.5, 4],
      [4, 1],
    ]);
  });

  it("follows tempo changes and a 2/4 bar", () => {
    const conductor = [ts(0, 4, 4), tempo(0, 120), ts(4 * PPQ, 2, 4), tempo(0, 60), ts(2 * PPQ, 4, 4)];
    const beats = midiBeats(midi(conductor, [0, 7 * PPQ]), 100);
    expect(round(beats)).toEqual([
      [0, 1],
      [0.5, 2],
      [1, 3],
      [1.5, 4],
      [2, 1],
      [3, 2],
      [4, 1],
      [5, 2],
    ]);
  });

  it("beats dotted quarters in 12/8", () => {
    // 100 quarter notes a minute: a dotted quarter lasts 0.9 s, a 12/8 bar 3.6 s.
    const beats = midiBeats(midi([ts(0, 12, 8), tempo(0, 100)], [0, 6 * PPQ]), 100);
    expect(round(beats)).toEqual([
      [0, 1],
      [0.9, 2],
      [1.8, 3],
      [2.7, 4],
      [3.6, 1],
    ]);
  });
});
