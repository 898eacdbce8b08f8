// Stem storage (issue 31.7): what Opus at each bitrate does to a drum stem and an accompaniment
// stem, measured in Chromium through the app's own encoder (lib/audio/opus-encode.ts) and decoded
// the way the player decodes stems (decodeAudioData):
//   node --import tsx bench/stem-codec.bench.ts
// The stems are rendered here: a minute of a rock groove on the held-out kit's one-shots (hats and
// crash panned apart) and a bass line with stereo chords, 44.1 kHz stereo, as the generate page
// stores them. No app server: the page is a bundle served from a temp folder on 127.0.0.1.
import { readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import path from "node:path";
import { build } from "esbuild";
import { chromium } from "playwright-core";
import { decodeFileFloat } from "../lib/audio/decode-node-float.ts";
import { encodeWav16 } from "../lib/audio/wav.ts";
import { makeTempDir } from "../lib/fingerprint/test-support.ts";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const BITRATES = (process.env.BENCH_BITRATES ?? "48000,64000,96000,128000").split(",").map(Number);
const RATE = 44_100;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 60);
const KIT = path.resolve(import.meta.dirname, "..", "e2e", "fixtures", "kit");

async function renderStems(dir: string): Promise<void> {
  const frames = SECONDS * RATE;
  const kit = Object.fromEntries(
    await Promise.all(
      ["kick", "snare", "hihat_closed", "crash"].map(async (name) => {
        const d = await decodeFileFloat(path.join(KIT, `${name}.flac`), { sampleRate: RATE, channels: 1 });
        return [name, d.channels[0]!] as const;
      }),
    ),
  );
  const beat = (60 / 110) * RATE;
  const drums = [new Float32Array(frames), new Float32Array(frames)];
  const hit = (name: string, at: number, gain: number, pan: number) => {
    const s = kit[name]!;
    for (let i = 0; i < s.length && at + i < frames; i++) {
      drums[0]![at + i]! += gain * (1 - pan) * s[i]!;
      drums[1]![at + i]! += gain * (1 + pan) * s[i]!;
    }
  };
  for (let b = 0; b * beat < frames; b++) {
    const at = Math.round(b * beat);
    if (b % 16 === 0) hit("crash", at, 0.4, -0.5);
    hit("hihat_closed", at, 0.3, 0.4);
    hit("hihat_closed", Math.round(at + beat / 2), 0.2, 0.4);
    if (b % 4 === 0 || b % 4 === 2) hit("kick", at, 0.8, 0);
    if (b % 4 === 2) hit("kick", Math.round(at + beat / 2), 0.7, 0);
    if (b % 2 === 1) hit("snare", at, 0.7, 0.05);
  }
  const acc = [new Float32Array(frames), new Float32Array(frames)];
  const chords = [
    [110, 138.59, 164.81],
    [146.83, 185, 220],
  ];
  for (let i = 0; i < frames; i++) {
    const t = i / RATE;
    const bar = Math.floor(i / (beat * 4)) % 2;
    const bass = 0.15 * Math.sin(2 * Math.PI * (bar === 0 ? 55 : 73.42) * t);
    for (let c = 0; c < 2; c++) {
      let pad = 0;
      // Band-limited saw chords, detuned a little per side.
      for (const f of chords[bar]!) {
        for (let h = 1; h <= 12; h++) pad += Math.sin(2 * Math.PI * f * h * (1 + c * 0.002) * t) / h;
      }
      acc[c]![i] = bass + 0.03 * pad;
    }
  }
  writeFileSync(path.join(dir, "drums.wav"), encodeWav16(drums, RATE));
  writeFileSync(path.join(dir, "accompaniment.wav"), encodeWav16(acc, RATE));
}

async function main(): Promise<void> {
  const temp = makeTempDir();
  try {
    await renderStems(temp.dir);
    await build({
      entryPoints: [path.join(import.meta.dirname, "support", "stem-codec-page.ts")],
      bundle: true,
      format: "esm",
      outfile: path.join(temp.dir, "page.js"),
      logLevel: "error",
    });
    writeFileSync(
      path.join(temp.dir, "index.html"),
      '<!doctype html><script type="module" src="/page.js"></script>',
    );
    const server = createServer((req, res) => {
      const file = path.join(temp.dir, path.basename(req.url === "/" ? "index.html" : (req.url ?? "")));
      const type = file.endsWith(".js")
        ? "text/javascript"
        : file.endsWith(".html")
          ? "text/html"
          : "audio/wav";
      let body: Buffer;
      try {
        body = readFileSync(file);
      } catch {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, { "content-type": type }).end(body);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const port = (server.address() as { port: number }).port;
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ["--no-sandbox", "--no-first-run"],
    });
    try {
      const page = await browser.newPage();
      await page.goto(`http://127.0.0.1:${port}/`);
      await page.waitForFunction(() => "stemCodecRun" in globalThis);
      const rows = await page.evaluate(
        ([bitrates]) =>
          (
            globalThis as unknown as {
              stemCodecRun: (s: string[], b: number[]) => Promise<Record<string, number | string>[]>;
            }
          ).stemCodecRun(["drums", "accompaniment"], bitrates!),
        [BITRATES],
      );
      console.log(`${SECONDS} s stereo stems, 44.1 kHz, in ${await browser.version()}`);
      console.log(
        "stem           kbps  bytes      of WAV  encode  lag  len±  SNR dB  <200Hz  mid  >4kHz  attack r (low/high)",
      );
      for (const r of rows) {
        const n = (k: string) => Number(r[k]);
        console.log(
          [
            String(r.stem).padEnd(14),
            String(n("bitrate") / 1000).padStart(4),
            String(n("bytes")).padStart(9),
            `${((100 * n("bytes")) / n("wavBytes")).toFixed(1)} %`.padStart(8),
            `${(n("encodeMs") / 1000).toFixed(2)} s`.padStart(7),
            String(n("lagSamples")).padStart(4),
            String(n("lengthDelta")).padStart(5),
            n("snrDb").toFixed(1).padStart(7),
            n("lowSnrDb").toFixed(1).padStart(7),
            n("midSnrDb").toFixed(1).padStart(5),
            n("highSnrDb").toFixed(1).padStart(6),
            `${n("attackCorrLow").toFixed(3)} / ${n("attackCorrHigh").toFixed(3)}`.padStart(20),
          ].join(" "),
        );
      }
    } finally {
      await browser.close();
      server.close();
    }
  } finally {
    temp.cleanup();
  }
}

await main();
