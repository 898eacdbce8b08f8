// In-browser generation end to end in Chromium (WASM backend; headless Chromium started with
// --disable-gpu has no WebGPU adapter — the webgpu project runs generate-webgpu.spec.ts). A new song
// dropped on the home page is registered and generated with one click (the generate page times the
// backend, shows its estimate and starts by itself), transcribed on this device with the shipped
// models, and checked against its known hits; the CLI must produce the same chart from the same
// file. Before it is shared, an mp3 copy dropped again finds it in the device's library; offline, a
// drop goes straight to generating on the device and then to practising that chart.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { expect, type Page, test } from "@playwright/test";
import { type Beatmap, parseBeatmap, TempoMap } from "../lib/beatmap/index.ts";
import { makeTempDir, transcode } from "../lib/fingerprint/test-support.ts";
import { beatsBetween } from "../lib/practice/transport.ts";
import { chartOnsets } from "./support/chart-onsets.ts";
import { dropFile } from "./support/drop-file.ts";
import { onsetF1, renderGroove } from "./support/groove.ts";

// Model download, WASM compilation and inference on a busy 2-core machine.
test.setTimeout(300_000);

let temp: ReturnType<typeof makeTempDir>;
let groove: Awaited<ReturnType<typeof renderGroove>>;
let grooveMp3: string;

test.beforeAll(async () => {
  temp = makeTempDir();
  groove = await renderGroove(temp.dir);
  grooveMp3 = transcode(groove.file, path.join(temp.dir, "groove-copy.mp3"), ["-b:a", "128k"]);
});

/**
 * Collects every model download size the page shows (before: "Models to download: …", during:
 * "Downloading models: … of …") across client-side navigations, so one size can be checked.
 */
async function watchDownloadSizes(
  page: Page,
): Promise<() => Promise<{ before: string[]; totals: string[] }>> {
  await page.evaluate(() => {
    const seen = { before: new Set<string>(), totals: new Set<string>() };
    (window as unknown as { __sizes: typeof seen }).__sizes = seen;
    new MutationObserver(() => {
      // biome-ignore lint/performance/useDomNodeTextContent: the text as shown, without the page's inline scripts
      const text = document.body.innerText;
      for (const m of text.matchAll(/Models to download: ([\d.]+ [kM]B)/g)) seen.before.add(m[1]!);
      for (const m of text.matchAll(/Downloading models: [\d.]+ [kM]B of ([\d.]+ [kM]B)/g))
        seen.totals.add(m[1]!);
    }).observe(document.body, { subtree: true, childList: true, characterData: true });
  });
  return () =>
    page.evaluate(() => {
      const seen = (window as unknown as { __sizes: { before: Set<string>; totals: Set<string> } }).__sizes;
      return { before: [...seen.before], totals: [...seen.totals] };
    });
}
test.afterAll(() => temp.cleanup());

test("a new song goes from the intake to a chart made on this device that finds its drum hits", async ({
  page,
  context,
}) => {
  const uploads: string[] = [];
  page.on("request", (r) => {
    if (r.method() === "POST" && (r.postDataBuffer()?.length ?? 0) > 200_000) uploads.push(r.url());
  });
  await page.goto("/");
  const downloadSizes = await watchDownloadSizes(page);
  await dropFile(page, readFileSync(groove.file), "Groove Study.wav", "audio/wav");
  const result = page.getByTestId("intake-result");
  await expect(result).toContainText("New song", { timeout: 60_000 });
  await result.getByRole("button", { name: "Register this song" }).click();
  await expect(result).toContainText("Song registered");
  // The one click from the drop: the generate page times this device and starts by itself.
  await result.getByRole("button", { name: "Generate the chart" }).click();

  await expect(page).toHaveURL(/\/generate$/);
  await expect(page.getByTestId("chosen-file")).toContainText("Groove Study.wav");
  await expect(page.getByTestId("recommended-backend")).toContainText("WebAssembly");
  const estimate = page.getByTestId("generate-estimate");
  await expect(estimate).toContainText(/Estimated time for this song \(0:\d\d\): about \d+ s on the CPU/, {
    timeout: 120_000,
  });
  const estimateText = await estimate.textContent();
  await expect(page.getByTestId("generate-progress")).toBeVisible({ timeout: 60_000 });
  const done = page.getByTestId("generate-result");
  await expect(done).toContainText("Chart ready", { timeout: 240_000 });
  await expect(done).toContainText("made on wasm");
  console.info(
    `${estimateText} | ${await page.getByTestId("backend-timings").textContent()} | ${
      /made on wasm in [\d.]+ s/.exec((await done.textContent()) ?? "")?.[0]
    }`,
  );
  // One download size throughout: announced before, counted up to during the download.
  const sizes = await downloadSizes();
  expect(sizes.totals.length).toBe(1);
  expect(sizes.before).toEqual(sizes.totals);

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

  // Not shared yet, and the song known to the server without a chart: an mp3 copy dropped again
  // finds the chart in the device's library.
  const again = await context.newPage();
  await again.goto("/");
  await dropFile(again, readFileSync(grooveMp3), "Groove copy.mp3", "audio/mpeg");
  const local = again.getByTestId("local-charts");
  await expect(local).toContainText("Groove Study", { timeout: 60_000 });
  await expect(local).toContainText("generated on this device");
  await expect(local).toContainText("not shared");
  await expect(again.getByTestId("intake-result")).toContainText("No chart on BeatSight yet");
  await local.getByRole("button", { name: "Practise your chart" }).click();
  await expect(again.getByRole("heading", { level: 1, name: "Groove Study" })).toBeVisible();
  await again.close();

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

test("offline, a drop goes straight to generating on this device, and a copy dropped next to practising it", async ({
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
  await page.goto("/");
  await dropFile(page, readFileSync(groove.file), "Offline Groove.wav", "audio/wav");
  const offline = page.getByTestId("offline-drop");
  await expect(offline).toContainText("You are offline.", { timeout: 60_000 });
  await expect(offline).toContainText("generate a chart on this device now");
  await offline.getByRole("button", { name: "Generate the chart on this device" }).click();

  await expect(page).toHaveURL(/\/generate$/);
  // The page came from the worker's cache with its COOP/COEP headers: onnxruntime keeps its threads.
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
  await expect(page.getByTestId("recommended-backend")).toContainText("WebAssembly");
  // No second click: the generation starts by itself.
  const done = page.getByTestId("generate-result");
  await expect(done).toContainText("Chart ready", { timeout: 240_000 });
  const download = page.waitForEvent("download");
  await done.getByRole("button", { name: "Download .bsm" }).click();
  const chart = parseBeatmap(readFileSync((await (await download).path())!, "utf8"));
  expect(onsetF1(groove.hits, chartOnsets(chart)).f1).toBeGreaterThanOrEqual(0.8);
  // Sharing waits in the outbox until the network is back.
  await done.getByRole("button", { name: "Share this chart with BeatSight" }).click();
  await expect(page.getByTestId("shared")).toContainText("when you are back online");

  // Still offline, an mp3 copy of the song goes straight to practising the chart just made.
  await page.goto("/");
  await dropFile(page, readFileSync(grooveMp3), "copy.mp3", "audio/mpeg");
  const local = page.getByTestId("local-charts");
  await expect(local).toContainText("Offline Groove", { timeout: 60_000 });
  await expect(page.getByTestId("offline-drop")).toContainText("Your chart is ready to practise.");
  await local.getByRole("button", { name: "Practise your chart" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Offline Groove" })).toBeVisible();
});
