// MusicXML (partwise, uncompressed .musicxml / .xml) drum part → .bsm. Reads the first part that
// holds unpitched notes. A note's drum comes from, in order: our own instrument ids (P1-snare),
// the instrument's General MIDI key (<midi-unpitched>, as MuseScore, Sibelius, Dorico and Guitar
// Pro write), the instrument's name, and last the staff position and notehead of drum-kit.ts.
// Times come from the score's tempo marks (<sound tempo>); a "Swing" section's offbeat 8ths are
// placed on the third triplet, as the exporter wrote them.
import { buildImported, type ImportResult, NoteSink } from "../beatmap/build.ts";
import { BeatmapError } from "../beatmap/errors.ts";
import { GM_NOTE_TO_COMPONENT } from "../beatmap/gm.ts";
import { type Component, CYMBAL_COMPONENTS, isComponent, VELOCITY_OF_CLASS } from "../beatmap/lanes.ts";
import type { Feel, HitObject, Timing, TimingPoint } from "../beatmap/schema.ts";
import { DEFAULT_BPM, formatTimeSignature, type TimeSignature } from "../beatmap/tempo.ts";
import { STAFF_POSITION } from "./drum-kit.ts";
import { dynamicsToVelocity, MISC_OFFSET_MS } from "./musicxml.ts";
import { lastAtOrBefore } from "./quantize.ts";
import { child, childrenNamed, childText, parseXml, type XmlElement, XmlParseError } from "./xml-parse.ts";

/** MusicXML files are verbose: a long drum part is a few MiB. */
export const MAX_MUSICXML_BYTES = 16 * 1024 * 1024;

const EPS = 1e-9;

interface Instrument {
  id: string;
  name: string;
  /** General MIDI key (0–127), from <midi-unpitched> (1–128). */
  gmKey?: number;
}

const NAME_HINTS: readonly [RegExp, Component][] = [
  [/open.*h(i|igh)[- ]?hat|h(i|igh)[- ]?hat.*open/i, "hihat_open"],
  [/(pedal|foot).*h(i|igh)[- ]?hat|h(i|igh)[- ]?hat.*(pedal|foot)/i, "hihat_pedal"],
  [/h(i|igh)[- ]?hat/i, "hihat_closed"],
  [/ride.*bell|bell.*ride/i, "ride_bell"],
  [/ride/i, "ride"],
  [/china|chinese/i, "china"],
  [/splash/i, "splash"],
  [/crash.*2/i, "crash2"],
  [/crash|cymbal/i, "crash"],
  [/side ?stick|cross ?stick|rim ?click/i, "snare_cross_stick"],
  [/rim ?shot/i, "snare_rimshot"],
  [/snare/i, "snare"],
  [/floor/i, "tom_floor"],
  [/(high|hi|1).*tom|tom.*(high|hi|1)/i, "tom_high"],
  [/tom/i, "tom_mid"],
  [/kick|bass drum/i, "kick"],
];

function componentOfInstrument(inst: Instrument | undefined): Component | undefined {
  if (!inst) return undefined;
  const ours = /^P\d+-([a-z0-9_]+)$/.exec(inst.id)?.[1];
  if (ours && isComponent(ours)) return ours;
  if (inst.gmKey !== undefined && GM_NOTE_TO_COMPONENT[inst.gmKey]) return GM_NOTE_TO_COMPONENT[inst.gmKey];
  return NAME_HINTS.find(([re]) => re.test(inst.name))?.[1];
}

function componentOfPosition(step: string, octave: number, notehead: string): Component | undefined {
  const matches = (Object.keys(STAFF_POSITION) as Component[]).filter(
    (c) => STAFF_POSITION[c].step === step && STAFF_POSITION[c].octave === octave,
  );
  return matches.find((c) => STAFF_POSITION[c].notehead === notehead) ?? matches[0];
}

/** Every element at `path` below `e`, through repeated elements (a note may have several <notations>). */
function all(e: XmlElement, path: readonly string[]): XmlElement[] {
  let level = [e];
  for (const name of path) level = level.flatMap((x) => childrenNamed(x, name));
  return level;
}

interface ReadNote {
  beat: number;
  component: Component;
  velocity: number;
  flam: boolean;
  choke: boolean;
  /** Roll (tremolo) end beat, extended by tied continuations. */
  rollEndBeat?: number;
  voice: string;
}

interface TempoMark {
  beat: number;
  bpm: number;
}

function readNumber(s: string | undefined): number | undefined {
  if (s === undefined) return undefined;
  const n = Number(s);
  return Number.isFinite(n) ? n : undefined;
}

export function importMusicXml(input: Uint8Array | string, options: { title?: string } = {}): ImportResult {
  const size = typeof input === "string" ? input.length : input.byteLength;
  if (size > MAX_MUSICXML_BYTES) {
    throw new BeatmapError(
      "too_large",
      `The MusicXML file is ${size} bytes; at most ${MAX_MUSICXML_BYTES} bytes are read.`,
    );
  }
  const text = typeof input === "string" ? input : new TextDecoder("utf-8").decode(input);
  let root: XmlElement;
  try {
    root = parseXml(text);
  } catch (error) {
    if (error instanceof XmlParseError) {
      throw new BeatmapError("wrong_format", `The MusicXML file is not well-formed XML: ${error.message}`);
    }
    throw error;
  }
  if (root.name === "score-timewise") {
    throw new BeatmapError(
      "wrong_format",
      "This MusicXML score is timewise; save it as a partwise score (what notation programs write by default).",
    );
  }
  if (root.name !== "score-partwise") {
    throw new BeatmapError(
      "wrong_format",
      `This is not a MusicXML score (its root element is <${root.name}>, not <score-partwise>). Compressed .mxl files must be unzipped first.`,
    );
  }
  const warnings: string[] = [];
  const instruments = new Map<string, Instrument>();
  const partNames = new Map<string, string>();
  for (const sp of childrenNamed(child(root, "part-list"), "score-part")) {
    const partId = sp.attributes.id ?? "";
    partNames.set(partId, childText(sp, "part-name") ?? partId);
    for (const si of childrenNamed(sp, "score-instrument")) {
      const id = si.attributes.id ?? "";
      instruments.set(id, { id, name: childText(si, "instrument-name") ?? "" });
    }
    for (const mi of childrenNamed(sp, "midi-instrument")) {
      const inst = instruments.get(mi.attributes.id ?? "");
      const key = readNumber(childText(mi, "midi-unpitched"));
      if (inst && key !== undefined) inst.gmKey = key - 1;
    }
  }
  const parts = childrenNamed(root, "part");
  const part = parts.find((p) => all(p, ["measure", "note", "unpitched"]).length > 0);
  if (!part) {
    throw new BeatmapError(
      "empty",
      "The MusicXML score has no drum part: no part holds unpitched (percussion) notes.",
    );
  }
  if (parts.filter((p) => all(p, ["measure", "note", "unpitched"]).length > 0).length > 1) {
    warnings.push(
      `The score has several percussion parts; only "${partNames.get(part.attributes.id ?? "") ?? part.attributes.id}" was read.`,
    );
  }

  const read = readPart(part, instruments, warnings);
  const offsetField = all(root, ["identification", "miscellaneous", "miscellaneous-field"]).find(
    (f) => f.attributes.name === MISC_OFFSET_MS,
  );
  const offsetMs = readNumber(offsetField?.text.trim());
  const timing = buildTiming(read, offsetMs);
  const sink = new NoteSink("MusicXML file");
  const toMs = beatToMsFn(timing.Offset, read.tempos);
  let unknownRolls = 0;
  for (const n of read.notes) {
    const extra: Partial<HitObject> = {};
    if (n.flam) extra.Flam = true;
    if (n.choke) extra.Choke = true;
    if (n.rollEndBeat !== undefined) {
      const duration = toMs(n.rollEndBeat) - toMs(n.beat);
      if (duration > 0) extra.Duration = Math.round(duration * 1000) / 1000;
      else unknownRolls++;
    }
    sink.add(toMs(n.beat), n.component, n.velocity, extra);
  }
  if (unknownRolls > 0) warnings.push(`${unknownRolls} rolls had no length and were read as single strokes.`);
  const creators = all(root, ["identification", "creator"]);
  const creatorOf = (type: string) => creators.find((c) => c.attributes.type === type)?.text.trim();
  const title =
    all(root, ["work", "work-title"])[0]?.text.trim() ||
    childText(root, "movement-title") ||
    options.title ||
    "Untitled";
  return {
    beatmap: buildImported({
      title,
      artist: creatorOf("composer") ?? "",
      creator: creatorOf("transcriber") ?? creatorOf("arranger") ?? "",
      timing,
      notes: sink.notes,
    }),
    warnings,
  };
}

interface ReadPart {
  notes: ReadNote[];
  tempos: TempoMark[];
  meters: { beat: number; ts: TimeSignature }[];
  feels: { beat: number; feel: Feel }[];
  /** Beats before the first full measure (a pickup marked implicit), 0 without one. */
  pickupBeats: number;
}

function readPart(part: XmlElement, instruments: Map<string, Instrument>, warnings: string[]): ReadPart {
  const notes: ReadNote[] = [];
  const tempos: TempoMark[] = [];
  const meters: { beat: number; ts: TimeSignature }[] = [];
  const feels: { beat: number; feel: Feel }[] = [];
  let divisions = 1;
  let measureStart = 0;
  let ts: TimeSignature = { numerator: 4, denominator: 4 };
  let swing = false;
  let pickupBeats = 0;
  const unknown = new Map<string, number>();
  /** The last note struck per voice and drum, for ties (roll continuations). */
  const lastStruck = new Map<string, ReadNote>();
  const measures = childrenNamed(part, "measure");
  measures.forEach((measure, index) => {
    let cursor = 0;
    let furthest = 0;
    let lastStart = 0;
    const pendingGraces: Component[] = [];
    const atBeat = (divs: number) => measureStart + divs / divisions;
    const readSound = (sound: XmlElement | undefined, at: number) => {
      if (!sound) return;
      const tempo = readNumber(sound.attributes.tempo);
      if (tempo !== undefined && tempo > 0) tempos.push({ beat: at, bpm: tempo });
      const sw = child(sound, "swing");
      if (sw) {
        const first = readNumber(childText(sw, "first"));
        const second = readNumber(childText(sw, "second"));
        swing =
          child(sw, "straight") === undefined &&
          first !== undefined &&
          second !== undefined &&
          first > second;
        feels.push({ beat: at, feel: swing ? "swing" : "straight" });
      }
    };
    for (const el of measure.children) {
      switch (el.name) {
        case "attributes": {
          const d = readNumber(childText(el, "divisions"));
          if (d !== undefined && d > 0) divisions = d;
          const time = child(el, "time");
          const beats = readNumber(childText(time, "beats"));
          const beatType = readNumber(childText(time, "beat-type"));
          if (beats && beatType && Number.isInteger(beats) && Number.isInteger(beatType)) {
            ts = { numerator: beats, denominator: beatType };
            meters.push({ beat: measureStart, ts });
          }
          break;
        }
        case "direction": {
          const offset = readNumber(childText(el, "offset")) ?? 0;
          readSound(child(el, "sound"), atBeat(cursor + offset));
          break;
        }
        case "sound":
          readSound(el, atBeat(cursor));
          break;
        case "backup":
          cursor = Math.max(0, cursor - (readNumber(childText(el, "duration")) ?? 0));
          break;
        case "forward":
          cursor += readNumber(childText(el, "duration")) ?? 0;
          furthest = Math.max(furthest, cursor);
          break;
        case "note": {
          const grace = child(el, "grace") !== undefined;
          const chord = child(el, "chord") !== undefined;
          const duration = grace ? 0 : (readNumber(childText(el, "duration")) ?? 0);
          const start = chord ? lastStart : cursor;
          if (!chord && !grace) {
            lastStart = cursor;
            cursor += duration;
            furthest = Math.max(furthest, cursor);
          }
          const unpitched = child(el, "unpitched");
          if (!unpitched || child(el, "rest")) break;
          const instrumentRef = child(el, "instrument")?.attributes.id;
          const notehead = childText(el, "notehead") ?? "normal";
          // A named instrument decides; only notes without one are read by staff position.
          const instrument = instrumentRef ? instruments.get(instrumentRef) : undefined;
          const component = instrument
            ? componentOfInstrument(instrument)
            : componentOfPosition(
                childText(unpitched, "display-step") ?? "",
                readNumber(childText(unpitched, "display-octave")) ?? 0,
                notehead,
              );
          if (!component) {
            const key = instrumentRef ? (instruments.get(instrumentRef)?.name ?? instrumentRef) : notehead;
            unknown.set(key, (unknown.get(key) ?? 0) + 1);
            break;
          }
          if (grace) {
            pendingGraces.push(component);
            break;
          }
          const voice = childText(el, "voice") ?? "1";
          const key = `${voice}:${component}`;
          const tieStop =
            childrenNamed(el, "tie").some((t) => t.attributes.type === "stop") ||
            all(el, ["notations", "tied"]).some((t) => t.attributes.type === "stop");
          const tremolo = all(el, ["notations", "ornaments", "tremolo"]).length > 0;
          const endBeat = atBeat(start + duration);
          const previous = lastStruck.get(key);
          if (tieStop && previous) {
            // A tied continuation sounds no new stroke; a roll goes on to its end.
            if (previous.rollEndBeat !== undefined) previous.rollEndBeat = endBeat;
            break;
          }
          const beat = swingPosition(atBeat(start), measureStart, ts, swing, el);
          const dynamics = readNumber(el.attributes.dynamics);
          const accent = all(el, ["notations", "articulations", "accent"]).length > 0;
          const ghost = child(el, "notehead")?.attributes.parentheses === "yes";
          const velocity =
            dynamics !== undefined
              ? dynamicsToVelocity(dynamics)
              : accent
                ? VELOCITY_OF_CLASS.accent
                : ghost
                  ? VELOCITY_OF_CLASS.ghost
                  : VELOCITY_OF_CLASS.normal;
          const stopped = all(el, ["notations", "technical", "stopped"]);
          const choke =
            stopped.some((s) => s.attributes.smufl === "pictChokeCymbal") ||
            (stopped.length > 0 &&
              CYMBAL_COMPONENTS.has(component) &&
              STAFF_POSITION[component].tabLine !== "HH");
          const graceAt = pendingGraces.indexOf(component);
          const flam = graceAt >= 0;
          if (flam) pendingGraces.splice(graceAt, 1);
          const note: ReadNote = { beat, component, velocity, flam, choke, voice };
          if (tremolo) note.rollEndBeat = endBeat;
          notes.push(note);
          lastStruck.set(key, note);
          break;
        }
        default:
          break;
      }
    }
    const length = furthest / divisions;
    if (index === 0 && measure.attributes.implicit === "yes") pickupBeats = length;
    const nominal = (ts.numerator * 4) / ts.denominator;
    // An empty or short measure still lasts its meter (a whole-measure rest may omit durations).
    measureStart +=
      index === 0 && measure.attributes.implicit === "yes"
        ? length
        : Math.max(length, furthest > 0 ? 0 : nominal);
  });
  if (unknown.size > 0) {
    warnings.push(
      `Skipped notes of instruments this app has no drum for: ${[...unknown.entries()].map(([k, n]) => `${k} (${n})`).join(", ")}.`,
    );
  }
  // Beat 0 is the first full measure: shift everything by the pickup.
  const shift = (b: number) => b - pickupBeats;
  return {
    notes: notes.map((n) => ({
      ...n,
      beat: shift(n.beat),
      ...(n.rollEndBeat !== undefined ? { rollEndBeat: shift(n.rollEndBeat) } : {}),
    })),
    tempos: tempos.map((t) => ({ ...t, beat: shift(t.beat) })),
    meters: meters.map((m) => ({ ...m, beat: shift(m.beat) })),
    feels: feels.map((f) => ({ ...f, beat: shift(f.beat) })),
    pickupBeats,
  };
}

/**
 * Under a swing mark, an 8th on the offbeat of a quarter-note beat sounds on the beat's third
 * triplet (what notation programs play and what the exporter wrote for Feel "swing").
 */
function swingPosition(
  beat: number,
  measureStart: number,
  ts: TimeSignature,
  swing: boolean,
  note: XmlElement,
): number {
  if (!swing || ts.denominator > 4 || child(note, "time-modification")) return beat;
  const inBeat = beat - measureStart - Math.floor(beat - measureStart + EPS);
  return Math.abs(inBeat - 0.5) < EPS ? beat + 1 / 6 : beat;
}

function beatToMsFn(offsetMs: number, tempos: readonly TempoMark[]): (beat: number) => number {
  const marks = normaliseTempos(tempos);
  const anchors: { beat: number; ms: number; bpm: number }[] = [];
  let ms = offsetMs;
  let beat = 0;
  let bpm = marks.find((t) => t.beat <= EPS)?.bpm ?? marks[0]?.bpm ?? DEFAULT_BPM;
  anchors.push({ beat: 0, ms, bpm });
  for (const t of marks) {
    if (t.beat <= EPS) continue;
    ms += ((t.beat - beat) * 60_000) / bpm;
    beat = t.beat;
    bpm = t.bpm;
    anchors.push({ beat, ms, bpm });
  }
  return (b: number) => {
    const a = anchors[lastAtOrBefore(anchors.length, (i) => anchors[i]!.beat <= b + EPS)]!;
    return a.ms + ((b - a.beat) * 60_000) / a.bpm;
  };
}

/** Tempo marks in beat order, the last one at a beat winning; marks in the pickup count from beat 0. */
function normaliseTempos(tempos: readonly TempoMark[]): TempoMark[] {
  const byBeat = new Map<number, number>();
  for (const t of [...tempos].sort((a, b) => a.beat - b.beat))
    byBeat.set(Math.max(0, Math.round(t.beat * 1e6) / 1e6), t.bpm);
  return [...byBeat.entries()].sort((a, b) => a[0] - b[0]).map(([beat, bpm]) => ({ beat, bpm }));
}

function buildTiming(read: ReadPart, offsetMs: number | undefined): Timing {
  const tempos = normaliseTempos(read.tempos);
  const firstBpm = tempos.find((t) => t.beat <= EPS)?.bpm ?? tempos[0]?.bpm ?? DEFAULT_BPM;
  const pickupMs = (read.pickupBeats * 60_000) / firstBpm;
  const offset = offsetMs ?? pickupMs;
  const toMs = beatToMsFn(offset, read.tempos);
  const meterAt0 = [...read.meters].filter((m) => m.beat <= EPS).at(-1)?.ts ?? read.meters[0]?.ts;
  const feelAt0 = [...read.feels].filter((f) => f.beat <= EPS).at(-1)?.feel;
  const points = new Map<number, TimingPoint>();
  const pointAt = (beat: number): TimingPoint => {
    const key = Math.round(beat * 1e6) / 1e6;
    let p = points.get(key);
    if (!p) {
      const before = lastAtOrBefore(tempos.length, (i) => tempos[i]!.beat <= beat + EPS);
      const bpm = tempos[before] && tempos[before].beat <= beat + EPS ? tempos[before].bpm : firstBpm;
      p = { Time: Math.round(toMs(beat) * 1000) / 1000, Bpm: bpm };
      points.set(key, p);
    }
    return p;
  };
  for (const t of tempos) if (t.beat > EPS) pointAt(t.beat).Bpm = t.bpm;
  let meter = meterAt0;
  for (const m of read.meters) {
    if (m.beat <= EPS) continue;
    if (meter && m.ts.numerator === meter.numerator && m.ts.denominator === meter.denominator) continue;
    pointAt(m.beat).TimeSignature = formatTimeSignature(m.ts);
    meter = m.ts;
  }
  let feel = feelAt0 ?? "straight";
  for (const f of read.feels) {
    if (f.beat <= EPS || f.feel === feel) continue;
    pointAt(f.beat).Feel = f.feel;
    feel = f.feel;
  }
  return {
    Bpm: firstBpm,
    Offset: Math.round(offset * 1000) / 1000,
    TimeSignature: meterAt0 ? formatTimeSignature(meterAt0) : "4/4",
    ...(feelAt0 === "swing" ? { Feel: "swing" as const } : {}),
    TimingPoints: [...points.entries()].sort((a, b) => a[0] - b[0]).map(([, p]) => p),
  };
}
