// Intake in Chromium: from dropping a 4-minute song on the home page to the server's answer
// ("New song"), against fpcalc on the same file, side by side.
//   node --import tsx bench/intake-browser.bench.ts            (needs `npx next build` first)
// Reading the file, probing its duration, decoding the first two minutes, resampling and
// fingerprinting in the worker, and the songs.identify round trip are all inside the figure.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { chromium } from "playwright-core";
import { dropFile } from "../e2e/support/drop-file.ts";
import { makeTempDir, renderSong, transcode } from "../lib/fingerprint/test-support.ts";
import { startAppServer } from "../test/app-server.ts";

const PORT = Number(process.env.BENCH_PORT ?? 3191);
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;

async function main(): Promise<void> {
  const temp = makeTempDir();
  const server = await startAppServer({ port: PORT });
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--no-sandbox", "--no-first-run"],
  });
  try {
    const mp3 = transcode(renderSong(temp.dir, 4242, 240), join(temp.dir, "song.mp3"), ["-b:a", "192k"]);
    const bytes = readFileSync(mp3);
    const fpcalcMs: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const t = performance.now();
      spawnSync("fpcalc", [mp3], { encoding: "utf8" });
      fpcalcMs.push(performance.now() - t);
    }
    const browserMs: number[] = [];
    const stageMs: Record<string, number[]> = {};
    for (let i = 0; i < RUNS; i++) {
      const page = await browser.newPage();
      // tsx keeps function names with a `__name` helper that the page does not have.
      await page.addInitScript("globalThis.__name = (f) => f");
      await page.goto(`${server.url}/`);
      await page.getByTestId("dropzone").waitFor();
      // Timed inside the page: from the drop event to the answer on screen.
      await page.evaluate(() => {
        document.addEventListener("drop", () => performance.mark("drop"), { capture: true, once: true });
        // The answer is on screen when the result heading appears; marked in the page, not by polling.
        const seen = new MutationObserver(() => {
          const heading = document.querySelector(
            '[data-testid="intake-result"] h2, [data-testid="intake-result"] h3',
          );
          if (heading?.textContent === "New song") {
            performance.mark("answer");
            seen.disconnect();
          }
        });
        seen.observe(document.body, { childList: true, subtree: true, characterData: true });
      });
      await dropFile(page, bytes, "song.mp3", "audio/mpeg");
      await page
        .getByTestId("intake-result")
        .getByRole("heading", { name: "New song" })
        .waitFor({ timeout: 60_000 });
      const timing = await page.evaluate(() => {
        const at = (name: string) => performance.getEntriesByName(name)[0]?.startTime ?? Number.NaN;
        const stages = ["drop", "reading", "decoding", "resampling", "fingerprinting", "looking-up"];
        const marks = stages.map((s) => at(s === "drop" ? s : `intake:${s}`));
        return { total: at("answer") - marks[0]!, stages, marks };
      });
      browserMs.push(timing.total);
      // Each stage lasts until the next one starts; the last until the answer.
      timing.stages.forEach((stage, j) => {
        const end = timing.marks[j + 1] ?? timing.marks[0]! + timing.total;
        const list = stageMs[stage] ?? [];
        list.push(end - timing.marks[j]!);
        stageMs[stage] = list;
      });
      await page.close();
    }
    const f = (xs: number[]) => xs.map((x) => (x / 1000).toFixed(2)).join(" / ");
    console.log(`4-minute 192 kbit/s mp3 (${(bytes.length / 1e6).toFixed(1)} MB), ${RUNS} runs each`);
    console.log(
      `fpcalc (process, whole pipeline): ${f(fpcalcMs)} s, median ${(median(fpcalcMs) / 1000).toFixed(2)} s`,
    );
    console.log(
      `Chromium drop → answer:           ${f(browserMs)} s, median ${(median(browserMs) / 1000).toFixed(2)} s`,
    );
    console.log(
      `  stages (medians, ms): ${Object.entries(stageMs)
        .map(([stage, xs]) => `${stage} ${median(xs).toFixed(0)}`)
        .join(", ")}`,
    );
    console.log(
      `ratio browser / fpcalc (medians): ${(median(browserMs) / median(fpcalcMs)).toFixed(1)}×; target ≤ 1 s`,
    );
  } finally {
    await browser.close();
    await server.stop();
    temp.cleanup();
  }
}

await main();
