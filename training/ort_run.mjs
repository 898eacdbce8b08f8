// Runs an exported model in onnxruntime-node (the same runtime family the app ships) on
// float32 clips written by Python: `node ort_run.mjs model.onnx input.f32 inputName clips outPrefix`.
// input.f32 holds `clips` equal-length mono clips back to back; each is run as a [1, samples]
// batch and every output is appended to `${outPrefix}.${outputName}.f32`. Prints dims and timing.
import { appendFileSync, readFileSync, rmSync } from "node:fs";
import * as ort from "onnxruntime-node";

const [model, input, inputName, clipsArg, outPrefix] = process.argv.slice(2);
const clips = Number(clipsArg);
const buf = readFileSync(input);
const all = new Float32Array(buf.buffer, buf.byteOffset, buf.byteLength / 4);
const n = all.length / clips;
const session = await ort.InferenceSession.create(model, {
  executionProviders: ["cpu"],
  intraOpNumThreads: 1,
  interOpNumThreads: 1,
});
const dims = {};
let ms = 0;
for (const name of session.outputNames) rmSync(`${outPrefix}.${name}.f32`, { force: true });
for (let c = 0; c < clips; c++) {
  const data = all.slice(c * n, (c + 1) * n);
  const t0 = performance.now();
  const out = await session.run({ [inputName]: new ort.Tensor("float32", data, [1, n]) });
  ms += performance.now() - t0;
  for (const [name, tensor] of Object.entries(out)) {
    dims[name] = tensor.dims;
    const arr = tensor.data;
    appendFileSync(`${outPrefix}.${name}.f32`, Buffer.from(arr.buffer, arr.byteOffset, arr.byteLength));
  }
}
console.log(JSON.stringify({ dims, ms, seconds: (clips * n) / 22050 }));
