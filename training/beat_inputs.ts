// What the beat model is fed, for clips rendered by `training/cli.py render-beats`: the shipped
// separator and transcriber (public/models, checked against the manifest) run exactly as the app
// runs them (lib/pipeline/run-model.ts: same chunking, the drum stem to the transcriber), and the
// accompaniment stem's features (lib/pipeline/beat-features.ts). Writes <clip>.inputs.f32 beside
// each <clip>.f32: frames × (classes + BEAT_FEATURE_COUNT) float32, row-major.
//
//   node --import tsx training/beat_inputs.ts <folder> [<folder> …] [--threads N]
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { beatModelInputs } from "../lib/pipeline/beat-model.ts";
import { createNodePipeline } from "../lib/pipeline/node.ts";
import { runSeparator, runTranscriber } from "../lib/pipeline/run-model.ts";

const args = process.argv.slice(2);
const threadsAt = args.indexOf("--threads");
const threads = threadsAt >= 0 ? Number(args[threadsAt + 1]) : 1;
const folders = args.filter((_, i) => threadsAt < 0 || (i !== threadsAt && i !== threadsAt + 1));
if (!folders.length) {
  console.error("usage: node --import tsx training/beat_inputs.ts <folder> [<folder> …] [--threads N]");
  process.exit(2);
}
const pipeline = await createNodePipeline(undefined, { device: "cpu", intraOpThreads: threads });
const { transcriber, separator } = pipeline.manifest.models;
if (!separator) throw new Error("The manifest lists no separator; the beat model is trained on separated stems.");
const signal = new AbortController().signal;
const t0 = performance.now();
let done = 0;
for (const folder of folders) {
  for (const file of readdirSync(folder).sort()) {
    if (!/^clip_\d+\.f32$/.test(file)) continue;
    const out = path.join(folder, file.replace(/\.f32$/, ".inputs.f32"));
    if (existsSync(out)) continue;
    const bytes = readFileSync(path.join(folder, file));
    const audio = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4).slice();
    const stems = await runSeparator(signal, await pipeline.session(separator), separator, audio);
    const heard = transcriber.source === "drums" ? stems.drums : audio;
    const activations = await runTranscriber(signal, await pipeline.session(transcriber), transcriber, heard);
    const inputs = beatModelInputs(activations, stems.accompaniment, transcriber.sampleRate, transcriber.hop);
    writeFileSync(out, Buffer.from(inputs.data.buffer, inputs.data.byteOffset, inputs.data.byteLength));
    done++;
    if (done % 10 === 0) {
      console.error(`${done} clips, ${((performance.now() - t0) / 1000).toFixed(0)} s`);
    }
  }
}
console.error(`beat inputs: ${done} clips in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
