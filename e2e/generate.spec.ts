// In-browser generation end to end in Chromium (WASM backend; headless Chromium started with
// --disable-gpu has no WebGPU adapter — the webgpu project runs generate-webgpu.spec.ts). A new song
// dropped on the home page is registered, handed to the generate page without re-picking the file,
// transcribed on this device with the shipped models, and checked against its known hits; the CLI
// must produce the same chart from the same file.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { type Beatmap, parseBeatmap, TempoMap } from "../lib/beatmap/index.ts";
import { makeTempDir } from "../lib/fingerprint/test-support.ts";
import { beatsBetween } from "../lib/practice/transport.ts";
import { chartOnsets } from "./support/chart-onsets.ts";
import { dropFile } from "./support/drop-file.ts";
import { onsetF1, renderGroove } from "./support/groove.ts";

// Model download, WASM compilation and inference on a busy 2-core machine.
test.setTimeout(300_000);

let temp: ReturnType<typeof makeTempDir>;
let groove: Awaited<ReturnType<typeof renderGroove>>;

test.beforeAll(async () => {
  temp = makeTempDir();
  groove = await renderGroove(temp.dir);
});
test.afterAll(() => temp.cleanup());

test("a new song goes from the intake to a chart made on this device that finds its drum hits", async ({
  page,
}) => {
  const uploads: string[] = [];
  page.on("request", (r) => {
    if (r.method() === "POST" && (r.postDataBuffer()?.length ?? 0) > 200_000) uploads.push(r.url());
  });
  await page.goto("/");
  await dropFile(page, readFileSync(groove.file), "Groove Study.wav", "audio/wav");
  const result = page.getByTestId("intake-result");
  await expect(result).toContainText("New song", { timeout: 60_000 });
  await result.getByRole("button", { name: "Register this song" }).click();
  await expect(result).toContainText("Song registered");
  await result.getByRole("button", { name: "Generate the chart" }).click();

  await expect(page).toHaveURL(/\/generate$/);
  await expect(page.getByTestId("chosen-file")).toContainText("Groove Study.wav");
  await expect(page.getByTestId("recommended-backend")).toContainText("WebAssembly");
  await page.getByRole("button", { name: "Generate the chart" }).click();
  await expect(page.getByTestId("generate-progress")).toBeVisible();
  const done = page.getByTestId("generate-result");
  await expect(done).toContainText("Chart ready", { timeout: 240_000 });
  await expect(done).toContainText("made on wasm");

  const download = page.waitForEvent("download");
  await done.getByRole("button", { name: "Download .bsm" }).click();
  const browserChart = parseBeatmap(readFileSync((await (await download).path())!, "utf8"));
  const score = onsetF1(groove.hits, chartOnsets(browserChart));
  expect(score.f1, JSON.stringify(score)).toBeGreaterThanOrEqual(0.8);

  // The groove was rendered at one steady tempo: the chart has one tempo section at that BPM
  // (within 0.5 %), and the metronome clicks (its own beat schedule) land on the groove's beats.
  const timing = browserChart.Timing!;
  expect(timing.TimingPoints).toEqual([]);
  expect(Math.abs(timing.Bpm / groove.bpm - 1)).toBeLessThan(0.005);
  const clicks = beatsBetween(TempoMap.fromTiming(timing), 0, groove.durationMs);
  const beatMs = 60_000 / groove.bpm;
  for (let k = 0; k < groove.bars * 4; k++) {
    const truth = groove.leadInMs + k * beatMs;
    const click = clicks.reduce((a, c) => (Math.abs(c.ms - truth) < Math.abs(a.ms - truth) ? c : a));
    expect(Math.abs(click.ms - truth), `click for beat ${k}`).toBeLessThan(15);
    expect(click.downbeat, `click for beat ${k} is a bar's first`).toBe(k % 4 === 0);
  }

  // The same pipeline in Node gives the same chart: same notes within 1 ms.
  const cliOut = path.join(temp.dir, "cli.bsm");
  execFileSync(path.resolve("bin/beatsight.js"), ["transcribe", groove.file, "-o", cliOut, "-q"], {
    stdio: "pipe",
  });
  const cliChart = parseBeatmap(readFileSync(cliOut, "utf8"));
  const unmatched = (a: Beatmap, b: Beatmap) =>
    a.HitObjects.filter(
      (n) => !b.HitObjects.some((m) => m.Component === n.Component && Math.abs(m.Time - n.Time) <= 1),
    ).map((n) => `${n.Component}@${n.Time}(${n.Confidence})`);
  expect({
    onlyInCli: unmatched(cliChart, browserChart),
    onlyInBrowser: unmatched(browserChart, cliChart),
  }).toEqual({
    onlyInCli: [],
    onlyInBrowser: [],
  });

  // Sharing sends the chart and fingerprint only; the song now has a map for the next drummer.
  await done.getByRole("button", { name: "Share this chart with BeatSight" }).click();
  await expect(page.getByTestId("shared")).toContainText("Shared");
  expect(uploads).toEqual([]);

  // The chart survives a reload: it is in the device's library.
  await page.goto("/library");
  await page.reload();
  await expect(page.getByRole("main")).toContainText("Groove Study");
});

test("cancelling a generation returns to the start without a chart", async ({ page }) => {
  await page.goto("/generate");
  await page.locator('input[type="file"]').setInputFiles(groove.file);
  await expect(page.getByTestId("recommended-backend")).toBeVisible();
  await page.getByRole("button", { name: "Generate the chart" }).click();
  await expect(page.getByTestId("generate-progress")).toBeVisible();
  await page.getByRole("button", { name: "Cancel" }).click();
  await expect(page.getByRole("button", { name: "Generate the chart" })).toBeEnabled();
  await expect(page.getByTestId("generate-result")).toHaveCount(0);
});

test("once the models have been fetched, generating works with no network at all", async ({
  page,
  context,
}) => {
  await page.goto("/generate");
  await page.waitForFunction(async () => {
    await navigator.serviceWorker.ready;
    return navigator.serviceWorker.controller !== null;
  });
  await page.goto("/library");
  await page.getByRole("button", { name: "Make generation available offline" }).click();
  await expect(page.getByTestId("offline-models")).toContainText("Ready", { timeout: 120_000 });

  await context.setOffline(true);
  await context.route("**/*", (route) => route.abort("internetdisconnected"));
  await page.goto("/generate");
  // The page came from the worker's cache with its COOP/COEP headers: onnxruntime keeps its threads.
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
  await page.locator('input[type="file"]').setInputFiles(groove.file);
  await expect(page.getByTestId("recommended-backend")).toContainText("WebAssembly");
  await page.getByRole("button", { name: "Generate the chart" }).click();
  const done = page.getByTestId("generate-result");
  await expect(done).toContainText("Chart ready", { timeout: 240_000 });
  const download = page.waitForEvent("download");
  await done.getByRole("button", { name: "Download .bsm" }).click();
  const chart = parseBeatmap(readFileSync((await (await download).path())!, "utf8"));
  expect(onsetF1(groove.hits, chartOnsets(chart)).f1).toBeGreaterThanOrEqual(0.8);
});
