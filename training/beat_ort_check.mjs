// Runs the exported beat model in onnxruntime-node (the runtime family the app ships) on one
// [1, frames, channels] input written by Python, for export-beats' check against PyTorch:
// `node beat_ort_check.mjs model.onnx input.f32 channels outPrefix` writes outPrefix.<output>.f32.
import { readFileSync, writeFileSync } from "node:fs";
import * as ort from "onnxruntime-node";

const [model, input, channelsArg, outPrefix] = process.argv.slice(2);
const channels = Number(channelsArg);
const buf = readFileSync(input);
const data = new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
const session = await ort.InferenceSession.create(model, {
  executionProviders: ["cpu"],
  intraOpNumThreads: 1,
});
const out = await session.run({ inputs: new ort.Tensor("float32", data, [1, data.length / channels, channels]) });
for (const [name, tensor] of Object.entries(out)) {
  const arr = tensor.data;
  writeFileSync(`${outPrefix}.${name}.f32`, Buffer.from(arr.buffer, arr.byteOffset, arr.byteLength));
}
