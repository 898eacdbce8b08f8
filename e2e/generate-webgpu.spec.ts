// The same generation on the WebGPU backend. Headless Chromium with --enable-unsafe-webgpu exposes
// a software (SwiftShader) adapter, about 100× slower than a real GPU, so the clip is short; real
// WebGPU speed is measured on a GPU machine (docs/BENCHMARKS.md). Runs in the "webgpu" project.
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

test("a chart is generated on WebGPU and finds the drum hits", async ({ page }) => {
  await page.goto("/generate");
  await expect(page.getByTestId("recommended-backend")).toContainText("WebGPU");
  await page.locator('input[type="file"]').setInputFiles(groove.file);
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
