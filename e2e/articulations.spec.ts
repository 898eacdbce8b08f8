// Articulations as a drummer meets them (issue 33): a chart with every component, ghosts and
// accents, played in the player — the highway draws each articulation's mark (counted by the
// renderer, read through window.__beatsightPlayer) and frames at desktop and phone sizes are saved
// for a person to look at — and in the editor, "Next articulation" (A) changes a selected note and
// undo puts it back; "Next dynamic" (G) moves it to the next velocity band.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect, type Page, test } from "@playwright/test";
import {
  COMPONENT_LANE,
  COMPONENTS,
  type Component,
  createBeatmap,
  type HitObject,
  serializeBeatmap,
} from "../lib/beatmap/index.ts";
import { makeTempDir } from "../lib/fingerprint/test-support.ts";

test.setTimeout(120_000);

/** Every component once, a 16th apart at 120 BPM (0.5–2.375 s), twice over, with ghosts and accents. */
function everyComponentChart() {
  const notes: HitObject[] = [];
  for (const start of [500, 8500]) {
    COMPONENTS.forEach((c: Component, i) => {
      notes.push({
        Time: start + i * 125,
        Component: c,
        Lane: COMPONENT_LANE[c],
        // Snare-lane ghosts and cymbal accents, the rest normal.
        Velocity: COMPONENT_LANE[c] === 2 ? 0.25 : COMPONENT_LANE[c] === 0 ? 1 : 0.7,
      });
    });
  }
  return createBeatmap({
    Metadata: { Title: "Articulations", Artist: "e2e", Creator: "e2e", Tags: [] },
    Audio: { Filename: "", Duration: 16_000 },
    Timing: { Bpm: 120, Offset: 500, TimeSignature: "4/4", TimingPoints: [] },
    HitObjects: notes,
  });
}

let temp: ReturnType<typeof makeTempDir>;
let bsmPath: string;

test.beforeAll(() => {
  temp = makeTempDir();
  bsmPath = join(temp.dir, "articulations.bsm");
  writeFileSync(bsmPath, serializeBeatmap(everyComponentChart()));
});
test.afterAll(() => temp.cleanup());

async function importChart(page: Page): Promise<void> {
  await page.goto("/library");
  await page.getByLabel("Import a .bsm chart").setInputFiles(bsmPath);
  await expect(page.getByTestId("library-status")).toContainText("Imported “Articulations”");
}

const EVERY_MARK = {
  open: 1,
  pedal: 1,
  rimshot: 1,
  crossStick: 1,
  bell: 1,
  china: 1,
  splash: 1,
  tomHigh: 1,
  tomFloor: 1,
};

for (const [width, height] of [
  [1280, 800],
  [390, 844],
] as const) {
  test(`the highway marks every articulation at ${width}×${height}`, async ({ page }, info) => {
    await page.setViewportSize({ width, height });
    await importChart(page);
    await page.getByRole("link", { name: "Play Articulations", exact: true }).click();
    await expect(page.getByRole("heading", { level: 1, name: "Articulations" })).toBeVisible();
    await page.getByLabel("Count-in").selectOption("0");
    // 3 s of travel: the first pass (every component, up to 2.375 s) is on the track at once.
    await page.getByLabel(/Note travel time/).fill("3000");
    await page.waitForFunction(() => Boolean(window.__beatsightPlayer));
    await expect
      .poll(() => page.evaluate(() => window.__beatsightPlayer!.articulationMarks()))
      .toEqual(EVERY_MARK);
    const parked = info.outputPath(`articulations-${width}x${height}.png`);
    await page.getByTestId("highway").screenshot({ path: parked });
    await info.attach(`highway ${width}×${height}, parked`, { path: parked, contentType: "image/png" });

    // Played: the marks travel with their notes to the strike line.
    await page.getByTestId("play").click();
    await page.waitForFunction(() => (window.__beatsightPlayer?.songNow() ?? 0) > 1_000);
    const marks = await page.evaluate(() => window.__beatsightPlayer!.articulationMarks());
    // The notes before 1 s have passed the strike line (missed, drawn greyed until they leave).
    expect(Object.values(marks).reduce((a, b) => a + b, 0)).toBeGreaterThan(4);
    const playing = info.outputPath(`articulations-${width}x${height}-playing.png`);
    await page.getByTestId("highway").screenshot({ path: playing });
    await info.attach(`highway ${width}×${height}, playing`, { path: playing, contentType: "image/png" });
  });
}

test("the editor shows articulations and 'Next articulation' changes a note, undoably", async ({
  page,
}, info) => {
  await page.setViewportSize({ width: 1280, height: 800 });
  await importChart(page);
  await page.getByRole("link", { name: "Edit Articulations" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Edit “Articulations”" })).toBeVisible();
  await page.waitForFunction(() => Boolean(window.__beatsightEditor));
  const shot = info.outputPath("editor-articulations.png");
  await page.getByTestId("timeline").screenshot({ path: shot });
  await info.attach("editor timeline", { path: shot, contentType: "image/png" });

  const notes = () => page.evaluate(() => window.__beatsightEditor!.notes());
  const hat = (await notes()).find((n) => n.component === "hihat_closed")!;
  const point = (await page.evaluate((id) => window.__beatsightEditor!.notePoint(id), hat.id))!;
  const box = (await page.getByTestId("timeline").boundingBox())!;
  await page.mouse.click(box.x + point.x, box.y + point.y);
  await expect(page.getByTestId("selection-summary")).toContainText("hihat closed at 0.875 s");

  const status = page.getByTestId("editor-status");
  await page.keyboard.press("a");
  await expect(status).toHaveText("Make 1 note hihat open.");
  expect((await notes()).find((n) => n.id === hat.id)?.component).toBe("hihat_open");
  await page.getByRole("button", { name: "Next articulation" }).click();
  expect((await notes()).find((n) => n.id === hat.id)?.component).toBe("hihat_pedal");

  await page.keyboard.press("Control+z");
  await page.keyboard.press("Control+z");
  await expect(status).toHaveText("Undid: make 1 note hihat open.");
  expect((await notes()).find((n) => n.id === hat.id)?.component).toBe("hihat_closed");

  // Dynamics: G moves the note to the next velocity band, and the band's button says so.
  await page.keyboard.press("g");
  await expect(status).toHaveText("Set 1 note to accent.");
  await expect(page.getByRole("button", { name: "Accent", exact: true })).toHaveAttribute(
    "aria-pressed",
    "true",
  );

  // The help panel lists the command with its key (it is generated from the registry).
  await page.keyboard.press("?");
  await expect(page.locator('tr[data-action="cycleArticulation"]')).toContainText("A");
});
