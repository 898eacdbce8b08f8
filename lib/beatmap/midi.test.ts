import { type MidiEvent, writeMidi } from "midi-file";
import { describe, expect, it } from "vitest";
import { BeatmapError } from "./errors.ts";
import { LIMITS } from "./limits.ts";
import { exportMidi, importMidi } from "./midi.ts";
import { grooveChart } from "./testing.ts";

type Ev = { tick: number; event: MidiEvent };
function track(events: Ev[]): MidiEvent[] {
  let last = 0;
  const out = events
    .sort((a, b) => a.tick - b.tick)
    .map(({ tick, event }) => {
      const e = { ...event, deltaTime: tick - last } as MidiEvent;
      last = tick;
      return e;
    });
  out.push({ deltaTime: 0, meta: true, type: "endOfTrack" });
  return out;
}
const on = (tick: number, noteNumber: number, velocity = 100, channel = 9): Ev[] => [
  { tick, event: { deltaTime: 0, type: "noteOn", channel, noteNumber, velocity } },
  { tick: tick + 10, event: { deltaTime: 0, type: "noteOff", channel, noteNumber, velocity: 0 } },
];
const midi = (tracks: MidiEvent[][], ticksPerBeat = 480) =>
  Uint8Array.from(writeMidi({ header: { format: 1, numTracks: tracks.length, ticksPerBeat }, tracks }));
const tempo = (tick: number, bpm: number): Ev => ({
  tick,
  event: { deltaTime: 0, meta: true, type: "setTempo", microsecondsPerBeat: Math.round(60_000_000 / bpm) },
});

function importError(bytes: Uint8Array): BeatmapError {
  try {
    importMidi(bytes);
  } catch (e) {
    if (e instanceof BeatmapError) return e;
    throw e;
  }
  throw new Error("expected importMidi to throw");
}

describe("General MIDI import", () => {
  it("maps GM notes, tempo changes and velocities; skips unknown notes with a warning", () => {
    const bytes = midi([
      track([
        tempo(0, 120),
        tempo(960, 60),
        { tick: 0, event: { deltaTime: 0, meta: true, type: "trackName", text: "My Song" } },
      ]),
      track([
        ...on(0, 36, 127),
        ...on(0, 49),
        ...on(480, 38, 40),
        ...on(480, 42),
        ...on(960, 46),
        ...on(1440, 45),
        ...on(1440, 81),
      ]),
    ]);
    const { beatmap, warnings } = importMidi(bytes);
    expect(beatmap.Metadata.Title).toBe("My Song");
    expect(beatmap.HitObjects.map((h) => [h.Time, h.Component])).toEqual([
      [0, "crash"],
      [0, "kick"],
      [500, "hihat_closed"],
      [500, "snare"],
      [1000, "hihat_open"],
      [2000, "tom_mid"], // 480 ticks at 60 BPM = 1 s after the change at 1000 ms
    ]);
    expect(beatmap.HitObjects[1]!.Velocity).toBe(1);
    expect(beatmap.HitObjects[3]!.Velocity).toBeCloseTo(40 / 127);
    expect(beatmap.Timing!.TimingPoints).toEqual([{ Time: 1000, Bpm: 60 }]);
    expect(warnings.join()).toMatch(/81 \(1×\)/);
  });

  it("ignores melodic channels when channel 10 has drums, and falls back with a warning when not", () => {
    const both = midi([track([...on(0, 36), ...on(0, 38, 100, 0)])]);
    expect(importMidi(both).beatmap.HitObjects).toHaveLength(1);
    const only = importMidi(midi([track(on(0, 38, 100, 3))]));
    expect(only.beatmap.HitObjects[0]?.Component).toBe("snare");
    expect(only.warnings[0]).toMatch(/channel 10/);
  });

  it("writes what it reads: export is GM on channel 10 with the chart's tempo", () => {
    const bytes = exportMidi(grooveChart()).data;
    expect(new TextDecoder().decode(bytes.subarray(0, 4))).toBe("MThd");
    const { beatmap } = importMidi(bytes);
    // The chart's 500 ms offset went out as a lead-in bar and comes back as the Offset.
    expect(beatmap.Timing).toEqual({ Bpm: 120, Offset: 500, TimeSignature: "4/4", TimingPoints: [] });
  });
});

describe("notes.mid PART DRUMS import", () => {
  const bytes = midi(
    [
      track([
        tempo(0, 120),
        { tick: 0, event: { deltaTime: 0, meta: true, type: "trackName", text: "Fixture Song" } },
      ]),
      track([
        { tick: 0, event: { deltaTime: 0, meta: true, type: "trackName", text: "PART DRUMS" } },
        { tick: 0, event: { deltaTime: 0, meta: true, type: "text", text: "[ENABLE_CHART_DYNAMICS]" } },
        ...on(0, 96),
        ...on(0, 100, 127), // green cymbal, accent
        ...on(0, 84), // Hard kick: ignored
        ...on(240, 98), // yellow cymbal
        ...on(480, 97, 127), // red accent
        ...on(720, 97, 1), // red ghost
        { tick: 900, event: { deltaTime: 0, type: "noteOn", channel: 9, noteNumber: 110, velocity: 100 } },
        ...on(960, 98), // yellow under tom marker
        ...on(1080, 99), // blue cymbal
        { tick: 1100, event: { deltaTime: 0, type: "noteOff", channel: 9, noteNumber: 110, velocity: 0 } },
        ...on(1200, 98), // yellow cymbal again
        { tick: 1400, event: { deltaTime: 0, type: "noteOn", channel: 9, noteNumber: 109, velocity: 100 } },
        ...on(1440, 97), // flam
        { tick: 1500, event: { deltaTime: 0, type: "noteOff", channel: 9, noteNumber: 109, velocity: 0 } },
        ...on(1680, 95), // Expert+ kick
      ]),
    ],
    480,
  );

  it("reads expert notes, tom markers, dynamics and flams", () => {
    const { beatmap } = importMidi(bytes);
    expect(beatmap.Metadata.Title).toBe("Fixture Song");
    expect(beatmap.HitObjects.map((h) => [h.Time, h.Component, h.Velocity, h.Flam ?? false])).toEqual([
      [0, "crash", 1, false],
      [0, "kick", 0.7, false],
      [250, "hihat_closed", 0.7, false],
      [500, "snare", 1, false],
      [750, "snare", 0.3, false],
      [1000, "tom_high", 0.7, false],
      [1125, "ride", 0.7, false],
      [1250, "hihat_closed", 0.7, false],
      [1500, "snare", 0.7, true],
      [1750, "kick", 0.7, false],
    ]);
  });
});

describe("hostile MIDI", () => {
  const good = exportMidi(grooveChart()).data;

  it("rejects a truncated file with a clear message", () => {
    for (const cut of [10, 20, good.length - 7]) {
      const e = importError(good.subarray(0, cut));
      expect(e.code).toBe("invalid_midi");
      expect(e.message).toMatch(/truncated|damaged/);
    }
  });

  it("rejects files that are not MIDI, naming what they look like", () => {
    expect(importError(new TextEncoder().encode('{"Version":1}')).message).toMatch(/looks like JSON/);
    expect(importError(new Uint8Array(3)).code).toBe("wrong_format");
  });

  it("rejects oversized files before parsing", () => {
    const big = new Uint8Array(LIMITS.maxMidiBytes + 1);
    big.set(good);
    expect(importError(big).code).toBe("too_large");
  });

  it("rejects more notes than a chart may hold", () => {
    const events: MidiEvent[] = [];
    for (let i = 0; i <= LIMITS.maxHitObjects; i++) {
      events.push({ deltaTime: 1, type: "noteOn", channel: 9, noteNumber: 38, velocity: 100 });
    }
    events.push({ deltaTime: 0, meta: true, type: "endOfTrack" });
    expect(importError(midi([events])).code).toBe("too_many_notes");
  });

  it("rejects SMPTE timing", () => {
    const smpte = good.slice();
    smpte[12] = 0xe7; // -25 fps
    smpte[13] = 40;
    expect(importError(smpte).message).toMatch(/SMPTE/);
  });

  it("never throws anything but a BeatmapError on corrupted bytes", () => {
    let seed = 7;
    const rand = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    for (let i = 0; i < 200; i++) {
      const bytes = good.slice();
      for (let k = 0; k < 4; k++)
        bytes[14 + Math.floor(rand() * (bytes.length - 14))] = Math.floor(rand() * 256);
      try {
        importMidi(bytes);
      } catch (e) {
        expect(e).toBeInstanceOf(BeatmapError);
      }
    }
  });
});
