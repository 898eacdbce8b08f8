// Fingerprint speed vs Debian's fpcalc on the same file.
//   node --import tsx bench/fingerprint.bench.ts [file…]
// Without files it renders a 4-minute test song (sox) and encodes it to mp3 and ogg. Prints, per
// file, the median wall time of fpcalc (a process, as a user runs it), of fingerprintFile() in a
// warm Node process — "warm": FFmpeg started while the process was idle, as the server keeps it
// (lib/audio/warm-ffmpeg.ts); "cold": FFmpeg started when the file is known — of the whole
// `beatsight fingerprint` CLI (Node start-up included), and of the browser worker's own share
// (float PCM → resample → Chromaprint, decoding excluded); ratios < 1 mean faster than fpcalc.
import { execFileSync, spawnSync } from "node:child_process";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { prewarmMono11025 } from "../lib/audio/decode-node.ts";
import { planarToMono11025 } from "../lib/audio/to-mono-11025.ts";
import { stopSpareFfmpeg } from "../lib/audio/warm-ffmpeg.ts";
import { fingerprintPcm } from "../lib/fingerprint/chromaprint.ts";
import { fingerprintFile } from "../lib/fingerprint/node.ts";
import { makeTempDir, renderSong, requireTools, transcode } from "../lib/fingerprint/test-support.ts";
import { loadChromaprintNode } from "../lib/fingerprint/wasm-source-node.ts";

const RUNS = Number(process.env.BENCH_RUNS ?? 7);

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

async function time(fn: () => unknown | Promise<unknown>): Promise<number> {
  const samples: number[] = [];
  await fn(); // warm-up
  for (let i = 0; i < RUNS; i++) samples.push(await once(fn));
  return median(samples);
}

async function once(fn: () => unknown | Promise<unknown>): Promise<number> {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

interface Candidate {
  /** Untimed, before each timed run (e.g. the state a long-lived process would be in). */
  setup?: () => Promise<void>;
  run: () => unknown | Promise<unknown>;
}

/**
 * Runs the candidates and the reference in turn, RUNS rounds, so a change in machine load hits
 * both alike; returns each one's median and the median of the per-round ratios to the reference.
 */
async function sideBySide(
  reference: () => unknown,
  candidates: Record<string, Candidate>,
): Promise<{ referenceMs: number; results: Record<string, { ms: number; ratio: number }> }> {
  await reference(); // warm-up
  for (const c of Object.values(candidates)) {
    await c.setup?.();
    await c.run();
  }
  const refTimes: number[] = [];
  const names = Object.keys(candidates);
  const times = Object.fromEntries(names.map((name) => [name, [] as number[]]));
  const ratios = Object.fromEntries(names.map((name) => [name, [] as number[]]));
  for (let i = 0; i < RUNS; i++) {
    const ref = await once(reference);
    refTimes.push(ref);
    for (const [name, c] of Object.entries(candidates)) {
      await c.setup?.();
      const ms = await once(c.run);
      times[name]!.push(ms);
      ratios[name]!.push(ms / ref);
    }
  }
  const results: Record<string, { ms: number; ratio: number }> = {};
  for (const name of names) {
    results[name] = { ms: median(times[name]!), ratio: median(ratios[name]!) };
  }
  return { referenceMs: median(refTimes), results };
}

function floatChannels(file: string): { sampleRate: number; channels: Float32Array[] } {
  const probe = execFileSync(
    "ffprobe",
    ["-v", "error", "-select_streams", "a:0", "-show_entries", "stream=sample_rate", "-of", "csv=p=0", file],
    {
      encoding: "utf8",
    },
  );
  const sampleRate = Number(probe.trim());
  const bytes = execFileSync(
    "ffmpeg",
    ["-v", "error", "-i", file, "-t", "121", "-f", "f32le", "-ac", "2", "pipe:1"],
    {
      maxBuffer: 512 * 1024 * 1024,
    },
  );
  const all = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
  const left = new Float32Array(all.length / 2);
  const right = new Float32Array(all.length / 2);
  for (let i = 0; i < left.length; i++) {
    left[i] = all[2 * i]!;
    right[i] = all[2 * i + 1]!;
  }
  return { sampleRate, channels: [left, right] };
}

async function main(): Promise<void> {
  requireTools("fpcalc", "ffmpeg", "sox");
  let files = process.argv.slice(2);
  const tmp = makeTempDir();
  try {
    if (files.length === 0) {
      console.log("Rendering a 4-minute test song…");
      const wav = renderSong(tmp.dir, 5, 240);
      files = [
        transcode(wav, join(tmp.dir, "song-4min.mp3"), ["-b:a", "192k"]),
        transcode(wav, join(tmp.dir, "song-4min.ogg"), ["-c:a", "libvorbis", "-q:a", "5"]),
        wav,
      ];
    }
    const engine = await loadChromaprintNode();
    console.log(`median of ${RUNS} runs, ${process.platform} ${process.arch}, node ${process.version}\n`);
    const header = [
      "file",
      "fpcalc ms",
      "warm ms",
      "warm/fpcalc",
      "cold ms",
      "cold/fpcalc",
      "CLI ms",
      "CLI/fpcalc",
      "worker-side ms",
    ];
    console.log(header.join("\t"));
    for (const file of files) {
      const { referenceMs: fpcalcMs, results } = await sideBySide(
        () => spawnSync("fpcalc", [file], { stdio: "ignore" }),
        {
          // A long-lived process (the server): FFmpeg was started while it was idle.
          warm: {
            setup: async () => {
              prewarmMono11025();
              await sleep(400);
            },
            run: () => fingerprintFile(file),
          },
          // The first call of a process: FFmpeg starts when the file is known.
          cold: {
            setup: async () => stopSpareFfmpeg(),
            run: () => fingerprintFile(file, { keepDecoderWarm: false }),
          },
          cli: {
            run: () =>
              spawnSync(process.execPath, ["bin/beatsight.js", "fingerprint", file], { stdio: "ignore" }),
          },
        },
      );
      const audio = floatChannels(file);
      const workerMs = await time(() => {
        const pcm = planarToMono11025({ sampleRate: audio.sampleRate, channels: audio.channels });
        return fingerprintPcm(engine, pcm.samples, { sampleRate: pcm.sampleRate, channels: 1 });
      });
      console.log(
        [
          file.split("/").pop(),
          fpcalcMs.toFixed(0),
          results.warm!.ms.toFixed(0),
          results.warm!.ratio.toFixed(2),
          results.cold!.ms.toFixed(0),
          results.cold!.ratio.toFixed(2),
          results.cli!.ms.toFixed(0),
          results.cli!.ratio.toFixed(2),
          workerMs.toFixed(0),
        ].join("\t"),
      );
    }
  } finally {
    stopSpareFfmpeg();
    tmp.cleanup();
  }
}

await main();
