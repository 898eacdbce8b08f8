// Test helpers (not a test file): code-generated songs and the fpcalc reference. Requires the
// Debian tools from scripts/system-deps.sh; a missing tool fails loudly instead of skipping.
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { COMPONENT_LANE } from "../beatmap/lanes.ts";

type Tool = "fpcalc" | "ffmpeg" | "sox";

export function requireTools(...tools: Tool[]): void {
  for (const tool of tools) {
    const probe = spawnSync(tool, [tool === "sox" ? "--version" : "-version"], { stdio: "ignore" });
    if (probe.error || probe.status !== 0) {
      throw new Error(
        `${tool} is missing: the fingerprint tests compare against Debian's fpcalc and need ffmpeg and sox. ` +
          "Run `bash scripts/system-deps.sh` first.",
      );
    }
  }
}

export function makeTempDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), "beatsight-fp-"));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

const NOTES: Record<string, number> = { C: 0, D: 2, E: 4, F: 5, G: 7, A: 9, B: 11 };
const CHORDS = ["C", "G", "A", "F", "D", "E", "B"].map((root) => NOTES[root]!);

function freq(semitonesFromA3: number): number {
  return 220 * 2 ** (semitonesFromA3 / 12);
}

/**
 * Renders a music-like test song with sox: a chord progression (plucked triads + bass) over a drum
 * pattern (kick, snare noise, hi-hats), 44.1 kHz stereo 16-bit WAV. `seed` picks the progression,
 * tempo and timbre so different seeds give different songs.
 */
export function renderSong(dir: string, seed: number, seconds: number): string {
  const sox = (args: string[]) => execFileSync("sox", args, { stdio: ["ignore", "ignore", "pipe"] });
  /** `sox -n <44.1 kHz mono 16-bit file> synth <effects…>`, effects written as one spaced string. */
  const synth = (file: string, effects: string) =>
    sox(["-n", "-r", "44100", "-c", "1", "-b", "16", file, "synth", ...effects.split(" ")]);
  const bar = 1.6 + (seed % 4) * 0.2;
  const bars = Math.ceil(seconds / bar);
  const segments: string[] = [];
  const distinct = Math.min(bars, 8);
  for (let b = 0; b < distinct; b++) {
    const root = CHORDS[(seed * 3 + b * (seed % 3 === 0 ? 2 : 3)) % CHORDS.length]! - 9 + (seed % 5);
    const minor = (b + seed) % 3 === 1;
    const [a, c, e] = [root, root + (minor ? 3 : 4), root + 7].map((s) => freq(s).toFixed(2));
    const file = join(dir, `s${seed}-bar${b}.wav`);
    const bass = freq(root - 12).toFixed(2);
    synth(file, `${bar} pluck ${a} pluck ${c} pluck ${e} sine ${bass} tremolo ${2 + (seed % 4)} 40 vol 0.5`);
    segments.push(file);
  }
  const order = Array.from({ length: bars }, (_, i) => segments[i % distinct]!);
  const chords = join(dir, `s${seed}-chords.wav`);
  sox([...order, chords, "trim", "0", String(seconds)]);

  const beat = bar / 4;
  const kick = join(dir, `s${seed}-kick.wav`);
  const snare = join(dir, `s${seed}-snare.wav`);
  const hat = join(dir, `s${seed}-hat.wav`);
  synth(kick, `0.12 sine 150-45 fade 0 0.12 0.1 pad 0 ${beat * 2 - 0.12}`);
  synth(snare, `0.1 pinknoise fade 0 0.1 0.09 vol 0.6 pad ${beat} ${beat - 0.1}`);
  synth(hat, `0.03 whitenoise highpass 6000 fade 0 0.03 0.025 vol 0.3 pad 0 ${beat / 2 - 0.03}`);
  const drums = join(dir, `s${seed}-drums.wav`);
  const loops = String(Math.ceil(seconds / (beat * 2)));
  const kickLoop = join(dir, `s${seed}-kl.wav`);
  const snareLoop = join(dir, `s${seed}-sl.wav`);
  const hatLoop = join(dir, `s${seed}-hl.wav`);
  sox([kick, kickLoop, "repeat", loops]);
  sox([snare, snareLoop, "repeat", loops]);
  sox([hat, hatLoop, "repeat", String(Math.ceil(seconds / (beat / 2)))]);
  sox(["-m", kickLoop, snareLoop, hatLoop, drums, "trim", "0", String(seconds)]);

  const song = join(dir, `song${seed}.wav`);
  sox(["-m", chords, drums, "-c", "2", song, "trim", "0", String(seconds), "norm", "-3"]);
  return song;
}

/** The drums renderSong(…, seed, seconds) plays, as chart notes (ms): its chart, to the millisecond. */
export function songDrumNotes(
  seed: number,
  seconds: number,
): { Time: number; Component: "kick" | "snare" | "hihat_closed"; Lane: number; Velocity: number }[] {
  const beatMs = ((1.6 + (seed % 4) * 0.2) / 4) * 1000;
  const notes: ReturnType<typeof songDrumNotes> = [];
  const add = (ms: number, Component: "kick" | "snare" | "hihat_closed") => {
    const Lane = COMPONENT_LANE[Component];
    if (ms < seconds * 1000)
      notes.push({ Time: Math.round(ms * 1000) / 1000, Component, Lane, Velocity: 0.8 });
  };
  for (let half = 0; half * (beatMs / 2) < seconds * 1000; half++) {
    const ms = half * (beatMs / 2);
    if (half % 4 === 0) add(ms, "kick");
    if (half % 4 === 2) add(ms, "snare");
    add(ms, "hihat_closed");
  }
  return notes.sort((a, b) => a.Time - b.Time || a.Lane - b.Lane);
}

/** Converts with ffmpeg (e.g. to .mp3 / .ogg / a different rate), returning the new path. */
export function transcode(input: string, output: string, args: string[] = []): string {
  execFileSync("ffmpeg", ["-v", "error", "-y", "-i", input, ...args, output], {
    stdio: ["ignore", "ignore", "pipe"],
  });
  return output;
}

/** Runs fpcalc; its exit status 3 ("Error decoding audio frame (End of file)") still has a result. */
export function fpcalc(file: string, flags: string[] = []): string {
  const result = spawnSync("fpcalc", [...flags, file], { encoding: "utf8" });
  if (result.error) throw result.error;
  if ((result.status !== 0 && result.status !== 3) || !result.stdout.includes("FINGERPRINT")) {
    if (!flags.includes("-json")) throw new Error(`fpcalc failed (${result.status}): ${result.stderr}`);
  }
  return result.stdout;
}

export function fpcalcRaw(file: string): { duration: number; raw: Uint32Array } {
  const out = fpcalc(file, ["-raw"]);
  const duration = Number(/DURATION=(\d+)/.exec(out)?.[1]);
  const items = /FINGERPRINT=([\d,]+)/.exec(out)?.[1] ?? "";
  return { duration, raw: Uint32Array.from(items.split(",").map(Number)) };
}

export function fpcalcCompressed(file: string): string {
  return /FINGERPRINT=(\S+)/.exec(fpcalc(file))?.[1] ?? "";
}
