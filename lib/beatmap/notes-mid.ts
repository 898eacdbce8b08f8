// Clone Hero / Rock Band notes.mid, PART DRUMS track: expert notes, pro-drums tom markers,
// flam markers and [ENABLE_CHART_DYNAMICS] accents/ghosts. Import only (we export .chart).
import type { MidiData, MidiEvent } from "midi-file";
import { buildImported, type ImportResult, NoteSink } from "./build.ts";
import type { Component } from "./lanes.ts";
import { VELOCITY_OF_CLASS } from "./lanes.ts";
import { absoluteEvents, tempoFromMidi, trackName } from "./midi-read.ts";

/** Track names Clone Hero and YARG read drums from, best first. */
const DRUM_TRACK_NAMES = ["PART DRUMS", "PART DRUM", "PART REAL_DRUMS_PS"];

/** Expert difficulty note numbers. Hard / Medium / Easy are 12 / 24 / 36 lower. */
export const NOTES_MID = {
  kick2x: 95, // Expert+ double-kick
  kick: 96,
  red: 97,
  yellow: 98,
  blue: 99,
  green: 100, // orange in 5-lane charts
  green5: 101, // 5-lane green
  flam: 109,
  yellowTom: 110,
  blueTom: 111,
  greenTom: 112,
} as const;

export function isNotesMid(data: MidiData): boolean {
  return data.tracks.some((t) => DRUM_TRACK_NAMES.includes(trackName(t)?.toUpperCase() ?? ""));
}

type Range = [start: number, end: number];

function markerRanges(events: (MidiEvent & { tick: number })[], note: number): Range[] {
  const out: Range[] = [];
  let open: number | undefined;
  for (const e of events) {
    if ((e.type === "noteOn" || e.type === "noteOff") && e.noteNumber === note) {
      if (e.type === "noteOn" && e.velocity > 0) open ??= e.tick;
      else if (open !== undefined) {
        out.push([open, e.tick]);
        open = undefined;
      }
    }
  }
  if (open !== undefined) out.push([open, Number.POSITIVE_INFINITY]);
  return out;
}

const inRanges = (ranges: Range[], tick: number): boolean => ranges.some(([s, e]) => tick >= s && tick < e);

export function importNotesMid(
  data: MidiData & { ticksPerBeat: number },
  options: { title?: string },
): ImportResult {
  const warnings: string[] = [];
  const index = data.tracks.findIndex((t) => DRUM_TRACK_NAMES.includes(trackName(t)?.toUpperCase() ?? ""));
  const track = data.tracks[index] ?? [];
  const { map, timeSignatures } = tempoFromMidi(data);
  const events = absoluteEvents({ header: data.header, tracks: [track] });
  const dynamics = events.some((e) => e.type === "text" && e.text.trim() === "[ENABLE_CHART_DYNAMICS]");
  const fiveLane = events.some(
    (e) => e.type === "noteOn" && e.velocity > 0 && e.noteNumber === NOTES_MID.green5,
  );
  const toms: Record<number, Range[]> = {
    [NOTES_MID.yellow]: markerRanges(events, NOTES_MID.yellowTom),
    [NOTES_MID.blue]: markerRanges(events, NOTES_MID.blueTom),
    [NOTES_MID.green]: markerRanges(events, NOTES_MID.greenTom),
  };
  const flams = markerRanges(events, NOTES_MID.flam);
  if (events.some((e) => e.type === "text" && /\[mix \d drums\dd\]/.test(e.text))) {
    warnings.push(
      "Disco-flip sections ([mix n drumsNd]) are read as written: red stays snare, yellow stays hi-hat.",
    );
  }

  const component = (note: number, tick: number): Component | undefined => {
    if (fiveLane) {
      // 5-lane: kick, red snare, yellow cymbal, blue tom, orange cymbal, green tom.
      return (
        {
          96: "kick",
          95: "kick",
          97: "snare",
          98: "hihat_closed",
          99: "tom_high",
          100: "crash",
          101: "tom_floor",
        } as const
      )[note];
    }
    switch (note) {
      case NOTES_MID.kick:
      case NOTES_MID.kick2x:
        return "kick";
      case NOTES_MID.red:
        return "snare";
      case NOTES_MID.yellow:
        return inRanges(toms[note]!, tick) ? "tom_high" : "hihat_closed";
      case NOTES_MID.blue:
        return inRanges(toms[note]!, tick) ? "tom_mid" : "ride";
      case NOTES_MID.green:
        return inRanges(toms[note]!, tick) ? "tom_floor" : "crash";
      default:
        return undefined;
    }
  };

  const sink = new NoteSink("notes.mid");
  for (const e of events) {
    if (e.type !== "noteOn" || e.velocity === 0) continue;
    const c = component(e.noteNumber, e.tick);
    if (!c) continue;
    let velocity = VELOCITY_OF_CLASS.normal;
    if (dynamics && c !== "kick") {
      if (e.velocity === 127) velocity = VELOCITY_OF_CLASS.accent;
      else if (e.velocity === 1) velocity = VELOCITY_OF_CLASS.ghost;
    }
    sink.add(
      map.tickToMs(e.tick),
      c,
      velocity,
      inRanges(flams, e.tick) && c !== "kick" ? { Flam: true } : {},
    );
  }
  if (sink.notes.length === 0) warnings.push("The PART DRUMS track has no Expert notes (96–101).");
  const name = data.tracks[0] ? trackName(data.tracks[0]) : undefined;
  const beatmap = buildImported({
    title: name && !name.startsWith("PART") ? name : (options.title ?? "Untitled"),
    timing: map.toTiming(timeSignatures),
    notes: sink.notes,
  });
  return { beatmap, warnings };
}
