// The device's own lookup by fingerprint (lib/store/local-songs.ts) in Chromium's IndexedDB, with
// 200 charts in the library: 199 of other recordings and one of the dropped song (an mp3 copy).
//   node --import tsx bench/local-lookup-browser.bench.ts
// The library code is bundled with esbuild and served from a routed localhost origin (IndexedDB and
// crypto.subtle need a secure one);
// the time is findLocalCharts from the drop's fingerprint to the matches, median of BENCH_RUNS.
import { join } from "node:path";
import { build } from "esbuild";
import { chromium } from "playwright-core";
import { compressFingerprint } from "../lib/fingerprint/compress.ts";
import { fingerprintFile } from "../lib/fingerprint/node.ts";
import { makeTempDir, renderSong, transcode } from "../lib/fingerprint/test-support.ts";

const RUNS = Number(process.env.BENCH_RUNS ?? 21);
const CHARTS = Number(process.env.BENCH_CHARTS ?? 200);
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

const ENTRY = `
import { BeatSightDb } from "./lib/store/db.ts";
import { saveChart } from "./lib/store/charts.ts";
import { findLocalCharts } from "./lib/store/local-songs.ts";
import { grooveChart } from "./lib/beatmap/testing.ts";
globalThis.bench = async ({ others, mine, drop, runs }) => {
  const db = new BeatSightDb("bench-" + Math.random());
  const chart = (print, title) => ({ ...grooveChart(), Metadata: { ...grooveChart().Metadata, Title: title },
    Audio: { Filename: title + ".wav", Duration: Math.round(print.durationSeconds * 1000), Fingerprint: print.fingerprint } });
  for (const [i, print] of others.entries()) await saveChart(db, { beatmap: chart(print, "Other " + i), origin: "generated" });
  const own = await saveChart(db, { beatmap: chart(mine, "Mine"), origin: "generated" });
  const times = [];
  let found;
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    found = await findLocalCharts(db, drop);
    times.push(performance.now() - t);
  }
  const keys = (await db.charts.get(own.id)).printKeys.length;
  return { keys, times, found: found.charts.map((m) => m.chart.id), own: own.id };
};
`;

async function main(): Promise<void> {
  const temp = makeTempDir();
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--no-sandbox", "--no-first-run"],
  });
  try {
    const wav = renderSong(temp.dir, 33, 180);
    const print = async (file: string) => {
      const fp = await fingerprintFile(file, { keepDecoderWarm: false });
      return { fingerprint: fp.compressed, durationSeconds: fp.durationSeconds };
    };
    const mine = await print(wav);
    const drop = await print(transcode(wav, join(temp.dir, "copy.mp3"), ["-b:a", "128k"]));
    // Other recordings: random items, as long as a 3-minute song's two fingerprinted minutes.
    let x = 99;
    const next = () => {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      return x >>> 0;
    };
    const others = Array.from({ length: CHARTS - 1 }, () => ({
      fingerprint: compressFingerprint(Uint32Array.from({ length: 968 }, next), 2),
      durationSeconds: 180,
    }));
    const bundle = await build({
      stdin: { contents: ENTRY, resolveDir: process.cwd(), loader: "ts" },
      bundle: true,
      write: false,
      format: "esm",
      platform: "browser",
      alias: { "@": process.cwd() },
    });
    const page = await browser.newPage();
    await page.route("http://localhost:9/**", (route) =>
      route.fulfill({
        contentType: "text/html",
        body: `<!doctype html><script type="module">${bundle.outputFiles[0]!.text.replaceAll("</script", "<\\/script")}</script>`,
      }),
    );
    await page.goto("http://localhost:9/");
    await page.waitForFunction(() => "bench" in globalThis);
    const result = (await page.evaluate(
      (args) => (globalThis as unknown as { bench: (a: unknown) => Promise<unknown> }).bench(args),
      { others, mine, drop, runs: RUNS },
    )) as { keys: number; times: number[]; found: string[]; own: string };
    if (result.found.join() !== result.own)
      throw new Error(`expected only the own chart, found ${result.found}`);
    const sorted = [...result.times].sort((a, b) => a - b);
    console.log(
      `local lookup, ${CHARTS} charts in Chromium IndexedDB: median ${sorted[Math.floor(sorted.length / 2)]!.toFixed(1)} ms, ` +
        `first ${result.times[0]!.toFixed(1)} ms, max ${sorted.at(-1)!.toFixed(1)} ms (${RUNS} runs; ${result.keys} index keys in the drop)`,
    );
  } finally {
    await browser.close();
    temp.cleanup();
  }
}

await main();
