// The WebGPU backend. Headless Chromium with --enable-unsafe-webgpu exposes a software (SwiftShader)
// adapter, about 100× slower than a real GPU: the page must not recommend it (timing both backends
// agrees), and generating on it, chosen by hand, still works on a short clip; real WebGPU speed is
// measured on a GPU machine (docs/BENCHMARKS.md). Runs in the "webgpu" project.
import { readFileSync } from "node:fs";
import { expect, test } from "@playwright/test";
import { parseBeatmap } from "../lib/beatmap/index.ts";
import { makeTempDir } from "../lib/fingerprint/test-support.ts";
import { chartOnsets } from "./support/chart-onsets.ts";
import { type GrooveHit, onsetF1, renderGroove } from "./support/groove.ts";

test.setTimeout(300_000);

let temp: ReturnType<typeof makeTempDir>;
let groove: { file: string; hits: GrooveHit[] };

test.beforeAll(async () => {
  temp = makeTempDir();
  groove = await renderGroove(temp.dir, { bars: 2 });
});
test.afterAll(() => temp.cleanup());

test("a SwiftShader browser is recommended WebAssembly, and timing both backends agrees", async ({
  page,
}) => {
  await page.goto("/generate");
  const recommended = page.getByTestId("recommended-backend");
  await expect(recommended).toContainText("WebAssembly");
  await expect(page.getByText(/not a GPU: a software renderer \(google swiftshader\)/)).toBeVisible();
  await page.locator('input[type="file"]').setInputFiles(groove.file);
  // The recommended backend is timed (once per device) for the estimate shown before starting.
  await expect(page.getByTestId("generate-estimate")).toContainText(/about \d+ s on the CPU/, {
    timeout: 120_000,
  });
  // Timing the software adapter too (as the page does when a GPU competes) keeps WebAssembly.
  await page.getByRole("button", { name: "Measure again" }).click();
  const timings = page.getByTestId("backend-timings");
  await expect(timings).toContainText(/WebGPU .*WebAssembly|WebAssembly .*WebGPU/, { timeout: 240_000 });
  await expect(recommended).toContainText("WebAssembly");
  await expect(page.getByRole("radio", { name: /WebAssembly/ })).toBeChecked();
  console.info(await timings.textContent());
});

test("a chart is generated on WebGPU and finds the drum hits", async ({ page }) => {
  await page.goto("/generate");
  await expect(page.getByTestId("recommended-backend")).toContainText("WebAssembly");
  await page.locator('input[type="file"]').setInputFiles(groove.file);
  // Chosen by hand: the software adapter still runs the models.
  await page.getByRole("radio", { name: /GPU \(WebGPU\)/ }).check();
  await page.getByRole("button", { name: "Generate the chart" }).click();
  const done = page.getByTestId("generate-result");
  await expect(done).toContainText("Chart ready", { timeout: 280_000 });
  await expect(done).toContainText("made on webgpu");
  const download = page.waitForEvent("download");
  await done.getByRole("button", { name: "Download .bsm" }).click();
  const chart = parseBeatmap(readFileSync((await (await download).path())!, "utf8"));
  const score = onsetF1(groove.hits, chartOnsets(chart));
  expect(score.f1, JSON.stringify(score)).toBeGreaterThanOrEqual(0.8);
});
