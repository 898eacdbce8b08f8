// How exactly the player lines a drummer's own recording up with a chart (lib/practice/audio-align.ts),
// and what it costs against the recording's real-time length.
//
// Cases: each recording moved by a known shift (1,234 ms more audio, or 777 ms cut), then aligned
// from coarse guesses up to ±110 ms off (what song identity's one-item resolution and decoder
// delays leave). Recordings: generated songs through MP3 (always), and with MDB_DIR set, MDB Drums'
// 13 drum tracks and 4 full mixes with their annotations as the charts
// (`MDB_DIR=".../MDB Drums" npm run bench align`).
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Component } from "../lib/beatmap/lanes.ts";
import { makeTempDir, renderSong, songDrumNotes, transcode } from "../lib/fingerprint/test-support.ts";
import { alignToChart, attackEnvelopes, shiftSamples } from "../lib/practice/audio-align.ts";

const SR = 44_100;
const SHIFTS_MS = [1_234, -777];
const COARSE_ERRORS_MS = [-110, -80, -50, -20, 0, 20, 50, 80, 110];
const MDB_CLASSES: Record<string, Component> = {
  KD: "kick",
  SD: "snare",
  HH: "hihat_closed",
  CY: "crash",
  TT: "tom_high",
  OT: "tom_floor",
};

interface Case {
  name: string;
  audio: Float32Array;
  notes: { Time: number; Component: Component }[];
}

function decodeMono(file: string): Float32Array {
  const out = execFileSync(
    "ffmpeg",
    ["-v", "error", "-i", file, "-ac", "1", "-ar", String(SR), "-f", "f32le", "-"],
    {
      maxBuffer: 1 << 30,
    },
  );
  return new Float32Array(out.buffer, out.byteOffset, out.byteLength / 4);
}

function generatedCases(dir: string): Case[] {
  return [61, 62, 63, 64].map((seed) => {
    const mp3 = transcode(renderSong(dir, seed, 30), join(dir, `song${seed}.mp3`), ["-b:a", "128k"]);
    return { name: `generated song ${seed} (mp3)`, audio: decodeMono(mp3), notes: songDrumNotes(seed, 30) };
  });
}

function mdbCases(root: string): Case[] {
  const cases: Case[] = [];
  for (const [folder, suffix] of [
    ["drum_only", "_Drum.wav"],
    ["full_mix", "_MIX.wav"],
  ] as const) {
    for (const file of readdirSync(join(root, "audio", folder)).sort()) {
      const track = file.replace(suffix, "");
      const notes = readFileSync(join(root, "annotations", "class", `${track}_class.txt`), "utf8")
        .trim()
        .split("\n")
        .map((line) => line.trim().split(/\s+/))
        .filter(([, c]) => c! in MDB_CLASSES)
        .map(([t, c]) => ({ Time: Number(t) * 1000, Component: MDB_CLASSES[c!]! }));
      cases.push({
        name: `MDB ${folder} ${track}`,
        audio: decodeMono(join(root, "audio", folder, file)),
        notes,
      });
    }
  }
  return cases;
}

const temp = makeTempDir();
try {
  const mdb = process.env.MDB_DIR;
  const cases = [...generatedCases(temp.dir), ...(mdb && existsSync(mdb) ? mdbCases(mdb) : [])];
  if (!mdb) console.log("(MDB_DIR not set: generated songs only)");
  const errors: number[] = [];
  let kept = 0;
  let envelopeMs = 0;
  let audioSeconds = 0;
  for (const c of cases) {
    const row: number[] = [];
    for (const shift of SHIFTS_MS) {
      const recording = shiftSamples(c.audio, -shift, SR); // recording time = chart time + shift
      const started = performance.now();
      const envelopes = attackEnvelopes([recording], SR);
      envelopeMs += performance.now() - started;
      audioSeconds += recording.length / SR;
      for (const error of COARSE_ERRORS_MS) {
        const a = alignToChart(envelopes, c.notes, shift + error);
        if (!a.refined) kept++;
        row.push(a.offsetMs - shift);
        errors.push(Math.abs(a.offsetMs - shift));
      }
    }
    console.log(
      `${c.name.padEnd(34)} ${String(c.notes.length).padStart(4)} notes, errors (ms): ${row.join(" ")}`,
    );
  }
  errors.sort((a, b) => a - b);
  const at = (q: number) => errors[Math.min(errors.length - 1, Math.floor(q * errors.length))]!;
  console.log(
    `\n${errors.length} alignments: |error| median ${at(0.5)} ms, p90 ${at(0.9)} ms, max ${at(1)} ms; coarse offset kept ${kept}`,
  );
  console.log(
    `attack envelopes: ${envelopeMs.toFixed(0)} ms for ${audioSeconds.toFixed(0)} s of 44.1 kHz mono = ${((envelopeMs / 1000 / audioSeconds) * 100).toFixed(3)} % of real time`,
  );
} finally {
  temp.cleanup();
}
