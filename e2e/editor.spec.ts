// The chart editor end to end in Chromium, on a chart imported into the local library: move a
// note by dragging it, add one with the Draw tool, delete with the keyboard, place and nudge notes
// with keys, undo / redo, and find the edit again after a reload (autosave). Pointer positions
// come from the editor's own geometry (window.__beatsightEditor), so they hit the drawn notes.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect, type Page, test } from "@playwright/test";
import { serializeBeatmap } from "../lib/beatmap/index.ts";
import { grooveChart } from "../lib/beatmap/testing.ts";
import { makeTempDir } from "../lib/fingerprint/test-support.ts";

test.setTimeout(120_000);

let temp: ReturnType<typeof makeTempDir>;
let bsmPath: string;
// 120 BPM from 500 ms: a beat is 500 ms, a 1/4 snap step 125 ms.
const chart = grooveChart({ bars: 2, bpm: 120, offsetMs: 500 });
chart.HitObjects[3]!.Confidence = 0.2;

test.beforeAll(() => {
  temp = makeTempDir();
  bsmPath = join(temp.dir, "groove.bsm");
  writeFileSync(bsmPath, serializeBeatmap(chart));
});
test.afterAll(() => temp.cleanup());

type EditorNote = { id: number; time: number; lane: number; component: string; confirmed: boolean };

const notes = (page: Page) => page.evaluate(() => window.__beatsightEditor!.notes());
const findNote = async (page: Page, lane: number, time: number): Promise<EditorNote | undefined> =>
  (await notes(page)).find((n) => n.lane === lane && Math.abs(n.time - time) < 0.01);

async function openEditor(page: Page): Promise<void> {
  await page.goto("/library");
  await page.getByLabel("Import a .bsm chart").setInputFiles(bsmPath);
  await expect(page.getByTestId("library-status")).toContainText("Imported “Groove”");
  await page.getByRole("link", { name: "Edit Groove" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Edit “Groove”" })).toBeVisible();
  await page.waitForFunction(() => Boolean(window.__beatsightEditor));
}

/** Page coordinates of song time `ms` on lane `lane`. */
async function pagePoint(page: Page, ms: number, lane: number): Promise<{ x: number; y: number }> {
  const box = (await page.getByTestId("timeline").boundingBox())!;
  const p = await page.evaluate(([t, l]) => window.__beatsightEditor!.pointAt(t!, l!), [ms, lane]);
  return { x: box.x + p.x, y: box.y + p.y };
}

test("edit a local chart with mouse and keyboard, undo/redo, and keep it across a reload", async ({
  page,
}) => {
  await openEditor(page);
  const status = page.getByTestId("editor-status");
  const before = await notes(page);
  expect(before).toHaveLength(chart.HitObjects.length);

  // Drag the snare at 1000 ms half a beat later: it snaps to 1250 ms.
  const snare = (await findNote(page, 2, 1000))!;
  const from = await pagePoint(page, 1000, 2);
  const to = await pagePoint(page, 1253, 2);
  await page.mouse.move(from.x, from.y);
  await page.mouse.down();
  await page.mouse.move((from.x + to.x) / 2, from.y, { steps: 3 });
  await page.mouse.move(to.x, to.y, { steps: 3 });
  await page.mouse.up();
  await expect(status).toHaveText("Move 1 note.");
  expect((await findNote(page, 2, 1250))?.id).toBe(snare.id);
  expect(await findNote(page, 2, 1000)).toBeUndefined();

  // Draw tool: a click on empty space adds a tom, snapped to 1125 ms.
  await page.getByRole("radio", { name: "Draw" }).check();
  const empty = await pagePoint(page, 1130, 4);
  await page.mouse.click(empty.x, empty.y);
  await expect(status).toHaveText("Add tom note.");
  const tom = await findNote(page, 4, 1125);
  expect(tom?.component).toBe("tom_mid");

  // Select the crash at 500 ms with a click and delete it with the Delete key.
  await page.getByRole("radio", { name: "Select" }).check();
  const crash = await pagePoint(page, 500, 0);
  await page.mouse.click(crash.x, crash.y);
  await expect(page.getByTestId("selection-summary")).toContainText("crash at 0.500 s");
  await page.keyboard.press("Delete");
  await expect(status).toHaveText("Delete 1 note.");
  expect(await findNote(page, 0, 500)).toBeUndefined();

  // Keyboard only: playhead to the start, one grid step right (125 ms), place a tom (key 5),
  // nudge it one step later and one lane down (ride).
  await page.getByTestId("timeline").focus();
  const counts0 = await page.evaluate(() => window.__beatsightEditor!.renderCounts());
  await page.keyboard.press("Escape");
  await page.keyboard.press("Home");
  await page.keyboard.press("ArrowRight");
  await expect.poll(() => page.evaluate(() => window.__beatsightEditor!.playheadMs())).toBe(125);
  // Moving the playhead redraws the live layer only; the static layer (notes, waveform) stays.
  await expect
    .poll(async () => (await page.evaluate(() => window.__beatsightEditor!.renderCounts())).live)
    .toBeGreaterThan(counts0.live);
  expect((await page.evaluate(() => window.__beatsightEditor!.renderCounts())).static).toBe(counts0.static);
  await page.keyboard.press("5");
  await expect(status).toHaveText("Add tom note.");
  const placed = (await findNote(page, 4, 125))!;
  await page.keyboard.press("ArrowRight");
  await page.keyboard.press("ArrowDown");
  await expect(status).toHaveText("Move 1 note.");
  expect(await findNote(page, 5, 250)).toMatchObject({ id: placed.id, component: "ride" });

  // Undo twice, redo once.
  await page.keyboard.press("Control+z");
  await expect(status).toHaveText("Undid: move 1 note.");
  expect((await findNote(page, 4, 250))?.id).toBe(placed.id);
  await page.keyboard.press("Control+z");
  expect((await findNote(page, 4, 125))?.id).toBe(placed.id);
  await page.keyboard.press("Control+y");
  await expect(status).toHaveText("Redid: move 1 note.");
  expect((await findNote(page, 4, 250))?.id).toBe(placed.id);

  // The unsure note: N goes to it, C confirms it.
  await page.keyboard.press("n");
  await expect(status).toContainText("Unsure");
  await page.keyboard.press("c");
  await expect(status).toHaveText("Confirm 1 note.");
  await expect(page.getByRole("button", { name: "Next unsure (0)" })).toBeDisabled();

  // Autosave: after a reload the edit is restored, note for note.
  await expect.poll(() => page.evaluate(() => window.__beatsightEditor!.unsaved())).toBe(false);
  await expect(page.getByTestId("autosave-status")).toContainText("Saved on this device");
  const edited = (await notes(page)).map(({ time, lane, component, confirmed }) => ({
    time,
    lane,
    component,
    confirmed,
  }));
  await page.reload();
  await expect(page.getByTestId("draft-notice")).toContainText("Restored your unsaved edit");
  await page.waitForFunction(() => Boolean(window.__beatsightEditor));
  const restored = (await notes(page)).map(({ time, lane, component, confirmed }) => ({
    time,
    lane,
    component,
    confirmed,
  }));
  expect(restored).toEqual(edited);
  expect(restored).toHaveLength(chart.HitObjects.length + 1);

  // Save to the library: the draft is gone and the library chart holds the edit.
  await page.getByRole("button", { name: "Save to library" }).click();
  await expect(status).toHaveText("Saved to your library.");
  await page.reload();
  await page.waitForFunction(() => Boolean(window.__beatsightEditor));
  await expect(page.getByTestId("draft-notice")).toHaveCount(0);
  expect(await notes(page)).toHaveLength(chart.HitObjects.length + 1);
});

test("the editor is usable 320 px wide and lists its shortcuts", async ({ page }) => {
  await page.setViewportSize({ width: 320, height: 640 });
  await openEditor(page);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  await expect(page.getByTestId("timeline")).toBeVisible();
  await page.getByTestId("timeline").focus();
  await page.keyboard.press("?");
  await expect(page.getByRole("table", { name: "Editor keyboard shortcuts" })).toBeVisible();
  await expect(page.getByRole("row", { name: /Ctrl\+Z\s+Undo/ })).toBeVisible();
});
