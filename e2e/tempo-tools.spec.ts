// Grid confidence and the editor's tempo tools end to end in Chromium. A server map whose second
// tempo section the generator doubted (Confidence 0.3): the map page says "Check the tempo" and
// links into the editor's timing tools, which show the same notice and shade the span; there the
// drummer doubles the section's BPM and undoes it, types a BPM and a first beat, taps the tempo
// with the keyboard, adds and removes a section, drags a bar line on the ruler, and submits the
// fix, whose diff holds the new timing. Screenshots of the tools at 1280 px and on a 390 px phone
// are written beside the test's results.
import { randomBytes } from "node:crypto";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect, type Page, test } from "@playwright/test";
import {
  type Beatmap,
  canonicalJson,
  contentHash,
  serializeBeatmap,
  type Timing,
} from "../lib/beatmap/index.ts";
import { grooveChart } from "../lib/beatmap/testing.ts";
import { makeTempDir } from "../lib/fingerprint/test-support.ts";
import { signedInPerson } from "./support/people.ts";
import { queryServerDb } from "./support/server-db.ts";

test.setTimeout(120_000);

// 120 BPM from 500 ms, 8 bars (18.5 s with the ending): bars 1–4 confident, bars 5–9 doubted.
function doubtedChart(): Beatmap {
  const chart = grooveChart({ bars: 8, bpm: 120, offsetMs: 500 });
  chart.Timing = {
    ...chart.Timing!,
    Confidence: 0.9,
    TimingPoints: [{ Time: 8500, Bpm: 120, Confidence: 0.3 }],
  };
  return chart;
}

async function seedMap(chart: Beatmap): Promise<{ mapId: string; versionId: string }> {
  const [song] = await queryServerDb<{ id: string }>(
    "INSERT INTO songs (title, artist, duration_ms, status) VALUES ($1, 'Tempo tests', $2, 'unverified') RETURNING id",
    [`Tempo song ${randomBytes(3).toString("hex")}`, Math.round(chart.Audio.Duration ?? 0)],
  );
  const [map] = await queryServerDb<{ id: string }>(
    "INSERT INTO maps (song_id, name, state) VALUES ($1, 'Expert (AI)', 'ai_draft') RETURNING id",
    [song?.id],
  );
  const [version] = await queryServerDb<{ id: string }>(
    "INSERT INTO map_versions (map_id, number, source, content_hash, content) VALUES ($1, 1, 'ai', $2, $3) RETURNING id",
    [map?.id, await contentHash(chart), canonicalJson(chart)],
  );
  return { mapId: map?.id as string, versionId: version?.id as string };
}

const timing = (page: Page) => page.evaluate(() => window.__beatsightEditor!.timing()) as Promise<Timing>;
const sectionBpms = async (page: Page) => {
  const t = await timing(page);
  return [t.Bpm, ...t.TimingPoints.map((p) => p.Bpm)];
};

/** Page coordinates of song time `ms` on the timeline's ruler. */
async function rulerPoint(page: Page, ms: number): Promise<{ x: number; y: number }> {
  const box = (await page.getByTestId("timeline").boundingBox())!;
  const p = await page.evaluate((t) => window.__beatsightEditor!.pointAt(t, 0), ms);
  return { x: box.x + p.x, y: box.y + 18 };
}

test("a doubted grid is flagged on the map page and fixed with the editor's tempo tools, then proposed", async ({
  page,
  context,
  baseURL,
}, testInfo) => {
  await page.setViewportSize({ width: 1280, height: 900 });
  const { mapId } = await seedMap(doubtedChart());
  const fixer = await signedInPerson("Tess");
  await context.addCookies([{ name: "bs_session", value: fixer.token, url: baseURL as string }]);

  // The map page: the notice names the bars, the time and the BPM, and links to the timing tools.
  await page.goto(`/maps/${mapId}`);
  const mapNotice = page.getByTestId("grid-notice");
  await expect(mapNotice).toContainText("Check the tempo.");
  await expect(mapNotice).toContainText("bars 5–9 (0:08.5–0:18.5) at 120 BPM, 4/4: confidence 30 %");
  await page.screenshot({ path: testInfo.outputPath("map-page-notice.png") });
  await mapNotice.getByRole("link", { name: "Fix the grid" }).click();

  // The editor opens on its timing tools, with the same notice and the span shaded on the timeline.
  await expect(page).toHaveURL(new RegExp(`/edit/${mapId}\\?tools=timing$`));
  await page.waitForFunction(() => Boolean(window.__beatsightEditor));
  await expect(page.getByTestId("grid-banner")).toContainText("Check the tempo in bars 5–9");
  const tools = page.getByTestId("timing-tools");
  await expect(tools).toHaveAttribute("open", "");
  await expect(tools.getByTestId("grid-notice")).toContainText("bars 5–9");
  const status = page.getByTestId("editor-status");

  // ×2 on the doubted section: its BPM doubles, the first section keeps 120; undo restores it.
  await tools.getByRole("button", { name: /^bars 5–9/ }).click();
  const section = page.getByTestId("tempo-section");
  await expect(section.getByRole("heading")).toHaveText("Section 2 of 2: bars 5–9");
  await page.screenshot({ path: testInfo.outputPath("timing-tools-1280.png"), fullPage: true });
  await page.getByTestId("timeline").screenshot({ path: testInfo.outputPath("timeline-shaded.png") });
  await section.getByRole("button", { name: "Double the BPM of bars 5–9" }).click();
  await expect(status).toHaveText("Double the BPM of bars 5–9.");
  expect(await sectionBpms(page)).toEqual([120, 240]);
  // A person set it: the notice is gone, the quiet line says so.
  await expect(page.getByTestId("grid-banner")).toHaveCount(0);
  await expect(tools.locator("summary")).toHaveText("Timing: 2 tempo sections, 120–240 BPM, 4/4, confident");
  await page.getByRole("button", { name: "Undo" }).click();
  await expect(status).toHaveText("Undid: double the BPM of bars 5–9.");
  expect(await sectionBpms(page)).toEqual([120, 120]);
  await expect(page.getByTestId("grid-banner")).toBeVisible();

  // Type a BPM and a first beat for the first section.
  await tools.getByRole("button", { name: /^bar(s)? 1/ }).click();
  await expect(section.getByRole("heading")).toHaveText("Section 1 of 2: bars 1–4");
  await section.getByLabel("BPM", { exact: true }).fill("121");
  await section.getByLabel("First beat (ms)").fill("480");
  await section.getByRole("button", { name: "Apply" }).click();
  await expect(status).toHaveText("Set the timing of bars 1–4.");
  expect(await timing(page)).toMatchObject({ Bpm: 121, Offset: 480, Confidence: 1 });

  // Tap tempo with the T key at 100 BPM (600 ms), each press at its own time on a steady clock.
  await section.getByRole("button", { name: "Tap (T)" }).focus();
  const start = Date.now() + 200;
  for (let i = 0; i < 8; i++) {
    const wait = start + i * 600 - Date.now();
    if (wait > 0) await page.waitForTimeout(wait);
    await page.keyboard.press("t");
  }
  const tapped = section.getByTestId("tapped-bpm");
  await expect(tapped).toContainText("from 8 taps");
  const bpm = Number(/([\d.]+) BPM/.exec((await tapped.textContent()) ?? "")?.[1]);
  expect(Math.abs(bpm - 100) / 100).toBeLessThan(0.01);
  await section.getByRole("button", { name: `Use ${bpm.toFixed(1)} BPM` }).click();
  await expect(status).toHaveText(
    new RegExp(`^Set the BPM of bars 1–\\d to ${bpm.toFixed(1)} \\(tapped\\)\\.$`),
  );
  expect((await timing(page)).Bpm).toBe(bpm);

  // Add a section at a bar line, then remove it again.
  await section.getByRole("button", { name: /^New section at / }).click();
  await expect(status).toContainText("Add a tempo section at");
  await expect(page.getByTestId("tempo-sections").getByRole("listitem")).toHaveCount(3);
  await expect(section.getByRole("heading")).toContainText("Section 2 of 3");
  await section.getByRole("button", { name: "Remove this section" }).click();
  await expect(status).toContainText("Remove the tempo section of");
  await expect(page.getByTestId("tempo-sections").getByRole("listitem")).toHaveCount(2);

  // Drag the handle of bar 3 on the ruler to just past a note 50–300 ms later: it drops onto the
  // note, and the first beat moves by as much.
  await tools.getByRole("button", { name: /^bar(s)? 1/ }).click();
  const before = await timing(page);
  const bar3 = before.Offset + (2 * 4 * 60_000) / before.Bpm;
  const notes = await page.evaluate(() => window.__beatsightEditor!.notes());
  const target = notes.map((n) => n.time).find((t) => t > bar3 + 50 && t < bar3 + 300)!;
  await page.getByTestId("timeline").scrollIntoViewIfNeeded();
  const from = await rulerPoint(page, bar3);
  const to = await rulerPoint(page, target + 3);
  await page.mouse.move(from.x, from.y);
  await page.mouse.down();
  await page.mouse.move(from.x + 8, from.y, { steps: 2 });
  await page.mouse.move(to.x, to.y, { steps: 2 });
  await page.mouse.up();
  await expect(status).toHaveText(`Move the grid: a bar line to ${(target / 1000).toFixed(3)} s.`);
  const moved = await timing(page);
  expect(moved.Offset).toBeCloseTo(before.Offset + target - bar3, 3);

  // Submit the fix: the proposal's diff carries the new timing, notes untouched.
  await page.getByLabel("What did you fix? (optional)").fill("tapped the tempo");
  await page.getByRole("button", { name: "Submit edit for review" }).click();
  await expect(page.getByTestId("submit-status")).toContainText("Submitted for review");
  const [proposal] = await queryServerDb<{
    diff: {
      sections: { Timing?: { after: Timing } };
      added: unknown[];
      removed: unknown[];
      moved: unknown[];
    };
  }>("SELECT diff FROM map_edit_proposals WHERE map_id = $1 AND author_id = $2", [mapId, fixer.id]);
  expect(proposal?.diff.sections.Timing?.after).toMatchObject({
    Bpm: bpm,
    Offset: moved.Offset,
    Confidence: 1,
    TimingPoints: [{ Time: 8500, Bpm: 120, Confidence: 0.3 }],
  });
  expect([proposal?.diff.added, proposal?.diff.removed, proposal?.diff.moved]).toEqual([[], [], []]);
});

test("the timing tools fit a 390 px phone", async ({ page }, testInfo) => {
  await page.setViewportSize({ width: 390, height: 844 });
  const { mapId } = await seedMap(doubtedChart());
  await page.goto(`/maps/${mapId}`);
  await expect(page.getByTestId("grid-notice")).toBeVisible();
  await page.screenshot({ path: testInfo.outputPath("map-page-390.png"), fullPage: true });
  await page.goto(`/edit/${mapId}?tools=timing`);
  await page.waitForFunction(() => Boolean(window.__beatsightEditor));
  await expect(page.getByTestId("timing-tools")).toHaveAttribute("open", "");
  await page
    .getByTestId("timing-tools")
    .getByRole("button", { name: /^bars 5–9/ })
    .click();
  await expect(page.getByTestId("tempo-section").getByRole("heading")).toHaveText("Section 2 of 2: bars 5–9");
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  await page.screenshot({ path: testInfo.outputPath("editor-390-top.png") });
  // A swing feel puts the snap on triplets.
  const section = page.getByTestId("tempo-section");
  await section.getByLabel("Feel").selectOption("swing");
  await section.getByRole("button", { name: "Apply" }).click();
  await expect(page.getByTestId("editor-status")).toHaveText("Set the timing of bars 5–9.");
  await expect(page.getByRole("combobox", { name: "Snap", exact: true })).toHaveValue("6");
  await expect(page.getByTestId("tempo-sections")).toContainText("120 BPM, 4/4 swing");
  await page.getByTestId("tempo-section").scrollIntoViewIfNeeded();
  await page.screenshot({ path: testInfo.outputPath("timing-tools-390.png"), fullPage: true });
});

test("the player shows the grid's confidence beside the metronome and opens the editor's timing tools", async ({
  page,
}, testInfo) => {
  const temp = makeTempDir();
  try {
    const chart = doubtedChart();
    chart.Metadata.Title = "Doubted groove";
    const file = join(temp.dir, "doubted.bsm");
    writeFileSync(file, serializeBeatmap(chart));
    await page.goto("/library");
    await page.getByLabel("Import a .bsm chart").setInputFiles(file);
    await expect(page.getByTestId("library-status")).toContainText("Imported “Doubted groove”");
    await page.getByRole("link", { name: "Play Doubted groove" }).click();
    const notice = page.getByTestId("grid-notice");
    await expect(notice).toContainText("bars 5–9 (0:08.5–0:18.5) at 120 BPM");
    await notice.scrollIntoViewIfNeeded();
    await page.screenshot({ path: testInfo.outputPath("player-notice.png") });
    await notice.getByRole("link", { name: "Fix the grid" }).click();
    await expect(page).toHaveURL(/\/edit\/local\/[^/]+\?tools=timing$/);
    await expect(page.getByTestId("timing-tools")).toHaveAttribute("open", "");
    await expect(page.getByTestId("timing-tools").getByTestId("grid-notice")).toContainText("bars 5–9");
  } finally {
    temp.cleanup();
  }
});
