// Generation in Chromium on the WASM backend, as a user gets it: a 4-minute 192 kbit/s mp3 dropped on
// the home page, registered, then "Generate the chart" — the generate page times the backend,
// downloads the models (from the HTTP cache after the first run), separates, transcribes, builds the
// chart and saves it with its stems. Ratios against the real-time length of the audio (RTF), and
// the page's memory peak (performance.measureUserAgentSpecificMemory: the app is cross-origin
// isolated) sampled every 1.5 s.
//   node --import tsx bench/generate-browser.bench.ts        (needs a production build first)
// BENCH_RUNS (default 2), BENCH_SECONDS (default 240), BENCH_PORT.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { chromium, type Page } from "playwright-core";
import { dropFile } from "../e2e/support/drop-file.ts";
import { makeTempDir, renderSong, transcode } from "../lib/fingerprint/test-support.ts";
import { startAppServer } from "../test/app-server.ts";

const PORT = Number(process.env.BENCH_PORT ?? 3193);
const RUNS = Number(process.env.BENCH_RUNS ?? 2);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 240);
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

interface Run {
  wallSeconds: number;
  madeIn: string;
  timings: string;
  peakBytes: number;
}

/** Samples the page's memory until stopped; the largest sample in bytes. */
async function watchMemory(page: Page): Promise<() => Promise<number>> {
  await page.evaluate(() => {
    const w = window as unknown as { __peak: number; __memoryTimer: number };
    w.__peak = 0;
    const sample = async () => {
      const measure = (
        performance as unknown as { measureUserAgentSpecificMemory?: () => Promise<{ bytes: number }> }
      ).measureUserAgentSpecificMemory;
      if (!measure) return;
      const { bytes } = await measure.call(performance);
      w.__peak = Math.max(w.__peak, bytes);
    };
    w.__memoryTimer = window.setInterval(() => void sample(), 1500);
  });
  return () =>
    page.evaluate(() => {
      const w = window as unknown as { __peak: number; __memoryTimer: number };
      window.clearInterval(w.__memoryTimer);
      return w.__peak;
    });
}

async function generateOnce(page: Page, url: string, mp3: Buffer, name: string): Promise<Run> {
  await page.addInitScript("globalThis.__name = (f) => f");
  await page.goto(`${url}/`);
  await page.getByTestId("dropzone").waitFor();
  const result = page.getByTestId("intake-result");
  await dropFile(page, mp3, name, "audio/mpeg");
  await result.getByRole("button", { name: "Register this song" }).click({ timeout: 120_000 });
  await result.getByText("Song registered").waitFor({ timeout: 60_000 });
  // The generate page is a client-side navigation: the sampler set here keeps running.
  const peak = await watchMemory(page);
  const t0 = performance.now();
  await result.getByRole("button", { name: "Generate the chart" }).click();
  const done = page.getByTestId("generate-result");
  await done.getByText("Chart ready").waitFor({ timeout: 600_000 });
  const wallSeconds = (performance.now() - t0) / 1000;
  const text = (await done.textContent()) ?? "";
  return {
    wallSeconds,
    madeIn: /made on \w+ in [\d.]+ s/.exec(text)?.[0] ?? "?",
    timings: (await page.getByTestId("backend-timings").textContent()) ?? "",
    peakBytes: await peak(),
  };
}

async function main(): Promise<void> {
  const temp = makeTempDir();
  const server = await startAppServer({ port: PORT });
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--no-sandbox", "--no-first-run"],
  });
  try {
    const runs: Run[] = [];
    for (let i = 0; i < RUNS; i++) {
      // A new song each run (another seed), so the intake does not find the last run's chart.
      const wav = renderSong(temp.dir, 7100 + i, SECONDS);
      const mp3 = transcode(wav, join(temp.dir, `song-${i}.mp3`), ["-b:a", "192k"]);
      const context = await browser.newContext();
      const page = await context.newPage();
      runs.push(await generateOnce(page, server.url, readFileSync(mp3), `Bench song ${i}.mp3`));
      await context.close();
    }
    console.log(
      `Chromium, WASM, ${SECONDS} s of 192 kbit/s mp3; click "Generate" → "Chart ready" (stems saved)`,
    );
    console.log("| run | wall time | RTF | target | page memory peak | app's own figure | backend timing |");
    console.log("|---|---|---|---|---|---|---|");
    runs.forEach((r, i) => {
      const mb = r.peakBytes > 0 ? `${Math.round(r.peakBytes / 1e6)} MB` : "not measurable";
      console.log(
        `| ${i + 1} | ${r.wallSeconds.toFixed(1)} s | ${(r.wallSeconds / SECONDS).toFixed(3)} | ≤ 0.5 | ${mb} | ${r.madeIn} | ${r.timings.trim()} |`,
      );
    });
  } finally {
    await browser.close();
    await server.stop();
    temp.cleanup();
  }
}

await main();
