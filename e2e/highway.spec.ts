// The note highway as a drummer meets it (issue 31.8): its options (travel time in seconds and
// beats, lane order, lefty flip, bar numbers) are kept on the device and change the highway; a run
// with hits early, late and missed draws the bursts and miss marks; frames of it at desktop and
// phone sizes are saved with the test's output for a person to look at.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect, type Page, test } from "@playwright/test";
import { serializeBeatmap } from "../lib/beatmap/index.ts";
import { grooveChart } from "../lib/beatmap/testing.ts";
import { makeTempDir } from "../lib/fingerprint/test-support.ts";

test.setTimeout(120_000);

let temp: ReturnType<typeof makeTempDir>;
let bsmPath: string;
const chart = grooveChart({ bars: 16, bpm: 120, offsetMs: 500 });
chart.Metadata.Title = "Highway groove";

test.beforeAll(() => {
  temp = makeTempDir();
  bsmPath = join(temp.dir, "highway.bsm");
  writeFileSync(bsmPath, serializeBeatmap(chart));
});
test.afterAll(() => temp.cleanup());

const LANE_CODES = ["KeyS", "KeyD", "KeyF", "Space", "KeyJ", "KeyK", "KeyL"];

async function importAndOpen(page: Page): Promise<void> {
  await page.goto("/library");
  await page.getByLabel("Import a .bsm chart").setInputFiles(bsmPath);
  await expect(page.getByTestId("library-status")).toContainText("Imported “Highway groove”");
  await page.getByRole("link", { name: "Play Highway groove", exact: true }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Highway groove" })).toBeVisible();
  await page.getByLabel("Count-in").selectOption("0");
}

/**
 * Plays along in the page: every third note missed, the rest hit 0, −35 or +35 ms off (perfect,
 * early, late), each stamped with the moment the note is heard plus that offset.
 */
function playAlong(page: Page): Promise<number> {
  return page.evaluate(async (codes) => {
    while (!window.__beatsightPlayer) await new Promise((r) => setTimeout(r, 10));
    const player = window.__beatsightPlayer;
    const { times, lanes } = player.notes();
    let played = 0;
    for (let i = 0; i < times.length; i++) {
      if (i % 3 === 2) continue;
      const t = times[i]!;
      while (!(player.songNow() >= t - 150)) await new Promise((r) => setTimeout(r, 2));
      const event = new KeyboardEvent("keydown", { code: codes[lanes[i]!], bubbles: true, cancelable: true });
      Object.defineProperty(event, "timeStamp", { value: player.perfAtSong(t) + [0, -35, 35][i % 3]! });
      window.dispatchEvent(event);
      played++;
    }
    return played;
  }, LANE_CODES);
}

test("highway options are kept on the device and change what is drawn", async ({ page }) => {
  await importAndOpen(page);
  const travel = page.getByLabel(/Note travel time/);
  await travel.fill("2000");
  // 2 s ahead at the chart's 120 BPM: four beats.
  await expect(page.getByTestId("approach")).toHaveText("2.0 s · 4.0 beats ahead at 120 BPM");
  await page.getByLabel("Lane order").selectOption("kit");
  await page.getByLabel(/Left-handed kit/).check();
  await page.getByLabel("Bar numbers").uncheck();
  const order = page.getByText(/^Highway, left to right:/);
  await expect(order).toContainText("Ride, Splash, Tom, Snare, Crash, Hi-hat");
  await page.reload();
  await expect(page.getByTestId("approach")).toHaveText("2.0 s · 4.0 beats ahead at 120 BPM");
  await expect(page.getByLabel("Lane order")).toHaveValue("kit");
  await expect(page.getByLabel(/Left-handed kit/)).toBeChecked();
  await expect(page.getByLabel("Bar numbers")).not.toBeChecked();
  await expect(order).toContainText("Ride, Splash, Tom, Snare, Crash, Hi-hat");
  // At half tempo the same 2 s show half as many beats.
  await page.getByRole("slider", { name: "Tempo" }).fill("50");
  await expect(page.getByTestId("approach")).toHaveText("2.0 s · 2.0 beats ahead at 60 BPM");
});

for (const [width, height] of [
  [1280, 800],
  [390, 844],
] as const) {
  test(`a run with hits and misses at ${width}×${height}: bursts, miss marks, frames saved`, async ({
    page,
  }, info) => {
    await page.setViewportSize({ width, height });
    await importAndOpen(page);
    const along = playAlong(page);
    await page.getByTestId("play").click();
    // Mid-run, after a few bars of hits and misses.
    await page.waitForFunction(() => (window.__beatsightPlayer?.songNow() ?? 0) > 5_300);
    const frame = info.outputPath(`highway-${width}x${height}.png`);
    await page.getByTestId("highway").screenshot({ path: frame });
    await info.attach(`highway ${width}×${height}`, { path: frame, contentType: "image/png" });
    await page.screenshot({ path: info.outputPath(`page-${width}x${height}.png`) });
    const counts = await page.evaluate(() => window.__beatsightPlayer!.renderCounts());
    // The scene is drawn every frame; the static layer (track, pads, labels) only on a change.
    expect(counts.scene).toBeGreaterThan(60);
    expect(counts.static).toBeLessThanOrEqual(3);
    const played = await along;
    const results = page.getByTestId("results");
    await expect(results).toBeVisible({ timeout: 40_000 });
    // Every note left out is a miss (a busy machine may add a late one or two: no exact count).
    const misses = Number(await results.getByTestId("count-miss").textContent());
    expect(misses).toBeGreaterThanOrEqual(chart.HitObjects.length - played);
  });
}
