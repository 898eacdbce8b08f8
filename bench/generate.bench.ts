// Generation speed and memory in Node (onnxruntime-node, the server worker's and CLI's path), as
// ratios against the real-time length of the audio: real-time factor = processing seconds per
// second of audio (< 1 is faster than real time). Also the peak resident memory for a long song,
// which chunking must keep bounded. Run: npm run bench generate
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { makeTempDir, renderSong } from "../lib/fingerprint/test-support.ts";
import { createNodePipeline, separateFile, transcribeFile } from "../lib/pipeline/node.ts";

const lengths = (process.env.BENCH_SECONDS ?? "60,600").split(",").map(Number);
const temp = makeTempDir();
try {
  const pipeline = await createNodePipeline(undefined, { device: "auto", intraOpThreads: 1 });
  console.log(`backend: ${pipeline.backend.name}, 1 intra-op thread`);
  console.log(
    "| audio | transcribe (separation + transcription + post) | RTF | separate only | RTF | peak RSS |",
  );
  console.log("|---|---|---|---|---|---|");
  for (const seconds of lengths) {
    const base = renderSong(temp.dir, 5, Math.min(seconds, 60));
    // Longer songs: the 60 s render repeated (sox concatenation), so rendering stays quick.
    const file =
      seconds <= 60
        ? base
        : (() => {
            const out = join(temp.dir, `song-${seconds}.wav`);
            execFileSync("sox", [
              ...Array(Math.ceil(seconds / 60)).fill(base),
              out,
              "trim",
              "0",
              String(seconds),
            ]);
            return out;
          })();
    const signal = new AbortController().signal;
    const t0 = performance.now();
    const chart = await transcribeFile(signal, pipeline, file);
    const transcribeSeconds = (performance.now() - t0) / 1000;
    const t1 = performance.now();
    await separateFile(signal, pipeline, file);
    const separateSeconds = (performance.now() - t1) / 1000;
    const rssMb = process.resourceUsage().maxRSS / 1024;
    console.log(
      `| ${seconds} s | ${transcribeSeconds.toFixed(1)} s (${chart.beatmap.HitObjects.length} notes) | ${(transcribeSeconds / seconds).toFixed(3)} | ` +
        `${separateSeconds.toFixed(1)} s | ${(separateSeconds / seconds).toFixed(3)} | ${rssMb.toFixed(0)} MB |`,
    );
  }
} finally {
  temp.cleanup();
}
