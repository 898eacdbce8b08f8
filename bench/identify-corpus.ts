// The identification corpus for bench/identify.bench.ts (issue 5, item 5): distinct tracks from
// three sources, each encoded into the variants a user might drop, all fingerprinted the way the
// server will see them (lib/fingerprint/node.ts = fpcalc's pipeline).
//
//   synth   songs rendered here in TypeScript from a seed (tempo, key, mode, progression, timbres,
//           drum pattern, melody all drawn from it) — fast and endlessly varied;
//   midi    random General MIDI songs (midi-file) rendered by fluidsynth with Debian's soundfonts
//           (fluid-soundfont-gm, timgm6mb-soundfont), when fluidsynth is installed;
//   real    real recordings: the Ogg music of Debian's wesnoth-1.16-music package, when installed.
//
// Output: one JSON line per (track, variant) in .cache/identify-corpus/fingerprints.jsonl; the run
// is resumable (tracks already there are skipped). Audio is written to a temp dir and deleted.
import { execFile, spawnSync } from "node:child_process";
import {
  appendFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { writeMidi } from "midi-file";
import { fingerprintPcm } from "../lib/fingerprint/chromaprint.ts";
import { loadChromaprintNode } from "../lib/fingerprint/wasm-source-node.ts";

const run = promisify(execFile);

export const VARIANTS = [
  "original",
  "mp3_64k",
  "mp3_128k",
  "ogg_q3",
  "aac_128k",
  "opus_96k",
  "gain_plus6db",
  "gain_minus6db",
  "resampled", // 44.1 kHz ↔ 48 kHz
  "silence_2s", // 2 s of leading silence
  "cut_first_10s",
] as const;
export type Variant = (typeof VARIANTS)[number];

export interface CorpusEntry {
  track: string;
  source: "synth" | "midi" | "real";
  variant: Variant;
  durationSeconds: number;
  fingerprint: string;
}

export const CORPUS_DIR = path.join(import.meta.dirname, "..", ".cache", "identify-corpus");
/** Several builders may run at once (one per source kind), each appending to its own file. */
export const corpusFile = (part = "all") => path.join(CORPUS_DIR, `fingerprints.${part}.jsonl`);

/** Every entry of every part file. */
export function readCorpus(): CorpusEntry[] {
  if (!existsSync(CORPUS_DIR)) return [];
  return readdirSync(CORPUS_DIR)
    .filter((f) => /^fingerprints\..+\.jsonl$/.test(f))
    .sort()
    .flatMap((f) => readFileSync(path.join(CORPUS_DIR, f), "utf8").split("\n"))
    .filter(Boolean)
    .map((line) => JSON.parse(line) as CorpusEntry);
}

// ───────────── a seeded random source ─────────────
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const pick = <T>(r: () => number, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;

const MODES = {
  major: [0, 2, 4, 5, 7, 9, 11],
  minor: [0, 2, 3, 5, 7, 8, 10],
  dorian: [0, 2, 3, 5, 7, 9, 10],
  mixolydian: [0, 2, 4, 5, 7, 9, 10],
  phrygian: [0, 1, 3, 5, 7, 8, 10],
} as const;

interface SongPlan {
  bpm: number;
  root: number; // MIDI note of the tonic, octave 3
  scale: readonly number[];
  sections: number[][]; // chord degrees per bar, per section
  arrangement: number[]; // section order
  drums: { kick: boolean[]; snare: boolean[]; hat: boolean[] };
  melodyDensity: number;
  seed: number;
}

function planSong(seed: number): SongPlan {
  const r = mulberry32(seed * 7919 + 17);
  const scale = MODES[pick(r, Object.keys(MODES) as (keyof typeof MODES)[])];
  const sections = Array.from({ length: 2 + Math.floor(r() * 2) }, () =>
    Array.from({ length: pick(r, [2, 4, 4, 8]) }, () => Math.floor(r() * 7)),
  );
  const arrangement = Array.from({ length: 12 }, () => Math.floor(r() * sections.length));
  const steps = (p: number) => Array.from({ length: 16 }, () => r() < p);
  const kick = steps(0.25);
  kick[0] = true;
  const snare = steps(0.12);
  snare[4] = r() < 0.85;
  snare[12] = r() < 0.85;
  return {
    bpm: 70 + Math.floor(r() * 100),
    root: 45 + Math.floor(r() * 12),
    scale,
    sections,
    arrangement,
    drums: { kick, snare, hat: steps(0.3 + r() * 0.6) },
    melodyDensity: 0.2 + r() * 0.6,
    seed,
  };
}

function chordNotes(plan: SongPlan, degree: number): number[] {
  const s = plan.scale;
  const note = (d: number) => plan.root + s[d % 7]! + 12 * Math.floor(d / 7);
  return [note(degree), note(degree + 2), note(degree + 4)];
}

/** Walks a plan bar by bar, calling `emit` per note (seconds, MIDI note, velocity 0–1, role). */
function walkSong(
  plan: SongPlan,
  seconds: number,
  emit: (
    start: number,
    length: number,
    note: number,
    velocity: number,
    role: "chord" | "bass" | "lead" | "drum",
  ) => void,
): void {
  const r = mulberry32(plan.seed * 31 + 5);
  const beat = 60 / plan.bpm;
  const bar = beat * 4;
  let t = 0;
  let barIndex = 0;
  while (t < seconds) {
    const section = plan.sections[plan.arrangement[Math.floor(barIndex / 4) % plan.arrangement.length]!]!;
    const degree = section[barIndex % section.length]!;
    const chord = chordNotes(plan, degree);
    for (const n of chord) emit(t, bar * 0.95, n + 12, 0.45, "chord");
    for (let b = 0; b < 4; b++) emit(t + b * beat, beat * 0.8, chord[0]! - 12, 0.7, "bass");
    for (let step = 0; step < 16; step++) {
      const at = t + (step * bar) / 16;
      if (plan.drums.kick[step]) emit(at, 0.15, 36, 0.9, "drum");
      if (plan.drums.snare[step]) emit(at, 0.15, 38, 0.8, "drum");
      if (plan.drums.hat[step]) emit(at, 0.08, step % 8 === 6 ? 46 : 42, 0.5, "drum");
      if (step % 2 === 0 && r() < plan.melodyDensity) {
        const d = degree + Math.floor(r() * 8);
        const note = plan.root + 24 + plan.scale[d % 7]! + 12 * Math.floor(d / 7);
        emit(at, (bar / 8) * (1 + Math.floor(r() * 3)), note, 0.6, "lead");
      }
    }
    t += bar;
    barIndex++;
  }
}

const midiHz = (n: number) => 440 * 2 ** ((n - 69) / 12);

/** Renders a plan to 16-bit stereo WAV with simple synthesis (pluck, pad, FM lead, drums). */
export function renderSynthSong(seed: number, seconds: number, sampleRate: number, file: string): void {
  const plan = planSong(seed);
  const r = mulberry32(seed * 13 + 1);
  const n = Math.floor(seconds * sampleRate);
  const left = new Float32Array(n);
  const right = new Float32Array(n);
  const timbre = {
    chord: pick(r, ["saw", "organ", "pluck"] as const),
    lead: pick(r, ["fm", "square", "sine"] as const),
    bass: pick(r, ["sine", "square"] as const),
  };
  const pans = { chord: r() * 0.6 - 0.3, lead: r() * 0.8 - 0.4, bass: 0, drum: 0 };
  const noise = mulberry32(seed + 99);
  walkSong(plan, seconds, (start, length, note, velocity, role) => {
    const s0 = Math.floor(start * sampleRate);
    const len = Math.min(n - s0, Math.floor(length * sampleRate));
    if (len <= 0) return;
    const pan = pans[role];
    const gl = Math.cos(((pan + 1) * Math.PI) / 4);
    const gr = Math.sin(((pan + 1) * Math.PI) / 4);
    if (role === "drum") {
      for (let i = 0; i < len; i++) {
        const tt = i / sampleRate;
        let v = 0;
        if (note === 36)
          v = Math.sin(2 * Math.PI * (50 + 100 * Math.exp(-tt * 30)) * tt) * Math.exp(-tt * 18);
        else if (note === 38)
          v = ((noise() * 2 - 1) * 0.7 + Math.sin(2 * Math.PI * 190 * tt) * 0.4) * Math.exp(-tt * 25);
        else v = (noise() * 2 - 1) * 0.35 * Math.exp(-tt * (note === 46 ? 12 : 60));
        v *= velocity * 0.5;
        left[s0 + i]! += v * gl;
        right[s0 + i]! += v * gr;
      }
      return;
    }
    const f = midiHz(note);
    const kind = timbre[role];
    const amp = velocity * (role === "chord" ? 0.12 : 0.22);
    // Karplus–Strong state for plucks.
    const period = Math.max(2, Math.round(sampleRate / f));
    const ring = kind === "pluck" ? Float32Array.from({ length: period }, () => noise() * 2 - 1) : null;
    let k = 0;
    for (let i = 0; i < len; i++) {
      const tt = i / sampleRate;
      const env = Math.min(1, tt / 0.01) * Math.min(1, (len - i) / (0.02 * sampleRate));
      const ph = 2 * Math.PI * f * tt;
      let v: number;
      switch (kind) {
        case "saw":
          v = ((f * tt) % 1) * 2 - 1;
          break;
        case "organ":
          v = Math.sin(ph) + 0.5 * Math.sin(2 * ph) + 0.25 * Math.sin(3 * ph);
          break;
        case "pluck": {
          const next = 0.5 * (ring![k]! + ring![(k + 1) % period]!) * 0.996;
          v = ring![k]!;
          ring![k] = next;
          k = (k + 1) % period;
          break;
        }
        case "fm":
          v = Math.sin(ph + 2 * Math.exp(-tt * 4) * Math.sin(2 * ph));
          break;
        case "square":
          v = Math.sign(Math.sin(ph)) * 0.6;
          break;
        default:
          v = Math.sin(ph);
      }
      v *= amp * env * (role === "lead" ? Math.exp(-tt * 1.5) : 1);
      left[s0 + i]! += v * gl;
      right[s0 + i]! += v * gr;
    }
  });
  writeWav(file, sampleRate, [left, right]);
}

function writeWav(file: string, sampleRate: number, channels: Float32Array[]): void {
  let peak = 1e-9;
  for (const c of channels) for (const v of c) peak = Math.max(peak, Math.abs(v));
  const scale = 0.89 / peak; // about −1 dBFS, so +6 dB variants clip like real masters do
  const frames = channels[0]!.length;
  const data = Buffer.alloc(frames * channels.length * 2);
  for (let i = 0; i < frames; i++) {
    for (let c = 0; c < channels.length; c++) {
      data.writeInt16LE(Math.round(channels[c]![i]! * scale * 32767), (i * channels.length + c) * 2);
    }
  }
  const header = Buffer.alloc(44);
  header.write("RIFF", 0);
  header.writeUInt32LE(36 + data.length, 4);
  header.write("WAVEfmt ", 8);
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20);
  header.writeUInt16LE(channels.length, 22);
  header.writeUInt32LE(sampleRate, 24);
  header.writeUInt32LE(sampleRate * channels.length * 2, 28);
  header.writeUInt16LE(channels.length * 2, 32);
  header.writeUInt16LE(16, 34);
  header.write("data", 36);
  header.writeUInt32LE(data.length, 40);
  writeFileSync(file, Buffer.concat([header, data]));
}

/** A random General MIDI song from the same plans, for fluidsynth. */
export function writeMidiSong(seed: number, seconds: number, file: string): void {
  const plan = planSong(seed + 100_000);
  const r = mulberry32(seed * 17 + 3);
  const ticksPerBeat = 480;
  const secondsToTicks = (s: number) => Math.round((s * plan.bpm * ticksPerBeat) / 60);
  const programs = {
    chord: pick(r, [0, 4, 16, 19, 24, 25, 48, 49, 52, 61, 88, 89]),
    lead: pick(r, [11, 13, 40, 56, 65, 68, 71, 73, 80, 81]),
    bass: pick(r, [32, 33, 34, 35, 38, 39]),
  };
  const channelOf = { chord: 0, lead: 1, bass: 2, drum: 9 } as const;
  const events: { tick: number; order: number; event: Record<string, unknown> }[] = [];
  walkSong(plan, seconds, (start, length, note, velocity, role) => {
    const channel = channelOf[role];
    const vel = Math.max(1, Math.min(127, Math.round(velocity * 110)));
    events.push({
      tick: secondsToTicks(start),
      order: 1,
      event: { type: "noteOn", channel, noteNumber: note, velocity: vel },
    });
    events.push({
      tick: secondsToTicks(start + length),
      order: 0,
      event: { type: "noteOff", channel, noteNumber: note, velocity: 0 },
    });
  });
  events.sort((a, b) => a.tick - b.tick || a.order - b.order);
  const track: Record<string, unknown>[] = [
    { deltaTime: 0, type: "setTempo", microsecondsPerBeat: Math.round(60_000_000 / plan.bpm) },
    { deltaTime: 0, type: "programChange", channel: 0, programNumber: programs.chord },
    { deltaTime: 0, type: "programChange", channel: 1, programNumber: programs.lead },
    { deltaTime: 0, type: "programChange", channel: 2, programNumber: programs.bass },
  ];
  let last = 0;
  for (const e of events) {
    track.push({ deltaTime: e.tick - last, ...e.event });
    last = e.tick;
  }
  track.push({ deltaTime: 0, type: "endOfTrack" });
  const bytes = writeMidi({ header: { format: 0, numTracks: 1, ticksPerBeat }, tracks: [track] } as never);
  writeFileSync(file, Buffer.from(bytes));
}

// ───────────── variants ─────────────
const FFMPEG_VARIANT_ARGS: Record<
  Exclude<Variant, "original">,
  (rate: number) => { ext: string; args: string[] }
> = {
  mp3_64k: () => ({ ext: "mp3", args: ["-c:a", "libmp3lame", "-b:a", "64k"] }),
  mp3_128k: () => ({ ext: "mp3", args: ["-c:a", "libmp3lame", "-b:a", "128k"] }),
  ogg_q3: () => ({ ext: "ogg", args: ["-c:a", "libvorbis", "-q:a", "3"] }),
  aac_128k: () => ({ ext: "m4a", args: ["-c:a", "aac", "-b:a", "128k"] }),
  opus_96k: () => ({ ext: "opus", args: ["-c:a", "libopus", "-b:a", "96k"] }),
  gain_plus6db: () => ({ ext: "wav", args: ["-af", "volume=6dB"] }),
  gain_minus6db: () => ({ ext: "wav", args: ["-af", "volume=-6dB"] }),
  resampled: (rate) => ({ ext: "wav", args: ["-ar", rate === 48000 ? "44100" : "48000"] }),
  silence_2s: () => ({ ext: "wav", args: ["-af", "adelay=2000:all=1"] }),
  cut_first_10s: () => ({ ext: "wav", args: ["-ss", "10"] }),
};

export function hasTool(tool: string): boolean {
  const probe = spawnSync(tool, ["--version"], { stdio: "ignore" });
  return !probe.error;
}

const SOUNDFONTS = ["/usr/share/sounds/sf2/FluidR3_GM.sf2", "/usr/share/sounds/sf2/TimGM6mb.sf2"];
const REAL_MUSIC_DIRS = ["/usr/share/games/wesnoth/1.16/data/core/music"];

export interface TrackSource {
  track: string;
  source: CorpusEntry["source"];
  /** Writes the track's original audio into `dir`, returns its path. */
  render(dir: string): Promise<string>;
}

export function corpusSources(counts: { synth: number; midi: number; real: number }): TrackSource[] {
  const sources: TrackSource[] = [];
  for (let i = 0; i < counts.synth; i++) {
    sources.push({
      track: `synth-${i}`,
      source: "synth",
      render: async (dir) => {
        const file = path.join(dir, "original.wav");
        renderSynthSong(i + 1, 50, i % 3 === 0 ? 48000 : 44100, file);
        return file;
      },
    });
  }
  const fonts = SOUNDFONTS.filter((f) => existsSync(f));
  if (hasTool("fluidsynth") && fonts.length > 0) {
    for (let i = 0; i < counts.midi; i++) {
      sources.push({
        track: `midi-${i}`,
        source: "midi",
        render: async (dir) => {
          const mid = path.join(dir, "song.mid");
          const file = path.join(dir, "original.wav");
          writeMidiSong(i + 1, 50, mid);
          await run("fluidsynth", [
            "-ni",
            "-q",
            "-g",
            "0.5",
            "-r",
            i % 3 === 0 ? "48000" : "44100",
            "-F",
            file,
            fonts[i % fonts.length]!,
            mid,
          ]);
          return file;
        },
      });
    }
  }
  const real = REAL_MUSIC_DIRS.filter((d) => existsSync(d)).flatMap((d) =>
    readdirSync(d)
      .filter((f) => /\.(ogg|mp3|flac)$/.test(f))
      .sort()
      .map((f) => path.join(d, f)),
  );
  for (const file of real.slice(0, counts.real)) {
    sources.push({
      track: `real-${path.basename(file).replace(/\.[^.]+$/, "")}`,
      source: "real",
      render: async (dir) => {
        // A fingerprint reads 120 s; the cut variant needs 10 s more.
        const out = path.join(dir, "original.wav");
        await run("ffmpeg", ["-v", "error", "-y", "-i", file, "-t", "131", "-c:a", "pcm_s16le", out]);
        return out;
      },
    });
  }
  return sources;
}

/** The rate and duration of a 16-bit PCM WAV (as written by us, fluidsynth or ffmpeg). */
function wavInfo(file: string): { sampleRate: number; durationSeconds: number } {
  const bytes = readFileSync(file);
  let offset = 12;
  let sampleRate = 0;
  let blockAlign = 0;
  while (offset + 8 <= bytes.length) {
    const id = bytes.toString("ascii", offset, offset + 4);
    const size = bytes.readUInt32LE(offset + 4);
    if (id === "fmt ") {
      sampleRate = bytes.readUInt32LE(offset + 12);
      blockAlign = bytes.readUInt16LE(offset + 20);
    } else if (id === "data") {
      const dataBytes = Math.min(size, bytes.length - offset - 8);
      return { sampleRate, durationSeconds: dataBytes / blockAlign / sampleRate };
    }
    offset += 8 + size + (size % 2);
  }
  throw new Error(`${file} is not a PCM WAV file`);
}

// chromaprint's compatible-mode resampling, as lib/audio/decode-node.ts asks FFmpeg for it.
const FPCALC_RESAMPLE =
  "aresample=resampler=swr:osr=11025:ochl=mono:osf=s16:filter_size=16:phase_shift=8:linear_interp=1:cutoff=0.8";

/**
 * Renders, encodes and fingerprints every track not yet in the corpus file. Each track costs two
 * FFmpeg processes (all encodes in one, all decodes in the other) instead of one per file: on a
 * busy 2-core machine process start-up was half the time. The decode matches
 * lib/fingerprint/node.ts (same resampling, first 121 s), so fingerprints equal fingerprintFile()'s.
 */
export async function buildCorpus(sources: TrackSource[], part = "all", log = console.log): Promise<void> {
  const file = corpusFile(part);
  mkdirSync(CORPUS_DIR, { recursive: true });
  const done = new Set(readCorpus().map((e) => e.track));
  const engine = await loadChromaprintNode();
  let built = 0;
  for (const source of sources) {
    if (done.has(source.track)) continue;
    const dir = await mkdtemp(path.join(tmpdir(), "beatsight-corpus-"));
    const started = performance.now();
    try {
      const original = await source.render(dir);
      const { sampleRate, durationSeconds } = wavInfo(original);
      const encoded = new Map<Variant, string>([["original", original]]);
      const encodeArgs: string[] = ["-v", "error", "-y", "-i", original];
      for (const variant of VARIANTS) {
        if (variant === "original") continue;
        const { ext, args } = FFMPEG_VARIANT_ARGS[variant](sampleRate);
        const out = path.join(dir, `${variant}.${ext}`);
        encodeArgs.push("-map", "0:a:0", ...args, out);
        encoded.set(variant, out);
      }
      await run("ffmpeg", encodeArgs, { maxBuffer: 1 << 20 });
      const decodeArgs: string[] = ["-v", "error", "-y"];
      const variants = [...encoded.keys()];
      for (const variant of variants) decodeArgs.push("-i", encoded.get(variant)!);
      variants.forEach((variant, i) => {
        decodeArgs.push("-map", `${i}:a:0`, "-t", "121", "-af", FPCALC_RESAMPLE, "-f", "s16le");
        decodeArgs.push(path.join(dir, `${variant}.s16`));
      });
      await run("ffmpeg", decodeArgs, { maxBuffer: 1 << 20 });
      const lines = variants.map((variant) => {
        const pcm = readFileSync(path.join(dir, `${variant}.s16`));
        const samples = new Int16Array(pcm.buffer, pcm.byteOffset, Math.floor(pcm.length / 2));
        const fp = fingerprintPcm(engine, samples, { sampleRate: 11025, channels: 1 });
        const shift = variant === "silence_2s" ? 2 : variant === "cut_first_10s" ? -10 : 0;
        const entry: CorpusEntry = {
          track: source.track,
          source: source.source,
          variant,
          durationSeconds: Math.round((durationSeconds + shift) * 100) / 100,
          fingerprint: fp.compressed,
        };
        return JSON.stringify(entry);
      });
      appendFileSync(file, `${lines.join("\n")}\n`);
      built++;
      log(`corpus: ${source.track} (${Math.round(performance.now() - started)} ms)`);
    } catch (error) {
      log(`corpus: ${source.track} FAILED: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  log(`corpus: ${built} new tracks, ${done.size + built} in ${CORPUS_DIR}`);
}
