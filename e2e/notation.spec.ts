// The staff view (issue 32) end to end in Chromium: a generated chart opened in the player as
// notation, whose cursor follows the audio clock during a run and whose bars loop when clicked;
// the same chart shared as a map, shown as notation on the map page and laid out for print, every
// page one clean sheet (nothing wider or taller than its page, one PDF page per sheet, A4 and
// Letter). Through it all the page's Content-Security-Policy must see no violation: alphaTab
// draws here without the <style> elements and blob workers its own UI would add.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect, type Page, test } from "@playwright/test";
import { serializeBeatmap } from "../lib/beatmap/index.ts";
import { grooveChart } from "../lib/beatmap/testing.ts";
import { makeTempDir, renderSong } from "../lib/fingerprint/test-support.ts";
import { watchViolations } from "./support/csp-violations.ts";
import { shareGeneratedChart } from "./support/share-chart.ts";

test.setTimeout(180_000);

let temp: ReturnType<typeof makeTempDir>;
let bsmPath: string;
// 120 BPM from 500 ms in 4/4: bar n (from 1) spans 500 + 2000·(n−1) … + 2000 ms.
const BAR_MS = 2000;
const OFFSET_MS = 500;
const chart = grooveChart({ bars: 16, bpm: 120, offsetMs: OFFSET_MS });
chart.Metadata.Title = "Notation groove";

test.beforeAll(() => {
  temp = makeTempDir();
  bsmPath = join(temp.dir, "notation-groove.bsm");
  writeFileSync(bsmPath, serializeBeatmap(chart));
});
test.afterAll(() => temp.cleanup());

/** The cursor's bar and x, and the song time heard, at each of `frames` frames. */
async function cursorAgainstAudio(page: Page, frames: number) {
  return page.evaluate(async (frames) => {
    const player = window.__beatsightPlayer!;
    const cursor = document.querySelector<HTMLElement>('[data-testid="staff-cursor"]')!;
    const out: { songMs: number; bar: number; x: number; hidden: boolean }[] = [];
    for (let i = 0; i < frames; i++) {
      const frameTime = await new Promise<number>((r) => requestAnimationFrame(r));
      await new Promise((r) => setTimeout(r, 0));
      const x = Number(/translate\(([-\d.]+)px/.exec(cursor.style.transform)?.[1] ?? Number.NaN);
      out.push({
        songMs: player.songAt(frameTime),
        bar: Number(cursor.dataset.bar),
        x,
        hidden: cursor.hidden,
      });
    }
    return out;
  }, frames);
}

test("the player's notation follows the run and loops a clicked bar", async ({ page, context }) => {
  const violations = await watchViolations(page, context);
  await page.goto("/library");
  await page.getByLabel("Import a .bsm chart").setInputFiles(bsmPath);
  await expect(page.getByTestId("library-status")).toContainText("Imported “Notation groove”");
  await page.getByRole("link", { name: "Play Notation groove", exact: true }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Notation groove" })).toBeVisible();
  await page.getByLabel("Count-in").selectOption("0");

  await page.getByRole("button", { name: "Notation", exact: true }).click();
  const staff = page.getByRole("region", { name: "Notation groove as drum notation" });
  await expect(staff).toHaveAttribute("data-state", "ready", { timeout: 30_000 });
  await expect(page.getByTestId("highway")).toBeHidden();
  // One button per bar of the chart's grid (16 bars of groove, and the last crash's bar).
  const bars = staff.getByRole("button", { name: /^Loop bar \d+$/ });
  expect(await bars.count()).toBeGreaterThanOrEqual(16);
  await expect(staff.getByRole("button", { name: "Loop bar 1", exact: true })).toBeVisible();
  await page.screenshot({ path: test.info().outputPath("notation-player.png"), fullPage: true });

  await page.getByRole("button", { name: "Play", exact: true }).click();
  await expect
    .poll(() => page.evaluate(() => window.__beatsightPlayer?.songNow() ?? 0))
    .toBeGreaterThan(2700);
  const samples = await cursorAgainstAudio(page, 30);
  for (const s of samples) {
    expect(s.hidden).toBe(false);
    // The bar heard, from the chart's grid: the cursor is in it (a frame's grace at a bar line).
    const heard = Math.floor((s.songMs - OFFSET_MS) / BAR_MS);
    const nearLine = Math.abs(((s.songMs - OFFSET_MS) % BAR_MS) - BAR_MS / 2) > BAR_MS / 2 - 40;
    if (!nearLine) expect(s.bar).toBe(heard);
  }
  // It advances: later frames sit further on (same bar: further right; or a later bar).
  const first = samples[0]!;
  const last = samples.at(-1)!;
  expect(last.songMs).toBeGreaterThan(first.songMs + 200);
  expect(last.bar > first.bar || (last.bar === first.bar && last.x > first.x)).toBe(true);
  await page.screenshot({ path: test.info().outputPath("notation-playing.png") });
  await page.getByRole("button", { name: /^Pause/ }).click();

  // Clicking bar 3 loops bar 3 of the grid: 4500–6500 ms.
  await staff.getByRole("button", { name: "Loop bar 3", exact: true }).click();
  const loop = page.getByTestId("loop");
  await expect(loop).toHaveAttribute("data-a", String(OFFSET_MS + 2 * BAR_MS));
  await expect(loop).toHaveAttribute("data-b", String(OFFSET_MS + 3 * BAR_MS));
  await expect(staff.getByRole("button", { name: "Loop bar 3", exact: true })).toHaveAttribute(
    "aria-pressed",
    "true",
  );
  await expect(staff.getByRole("button", { name: "Loop bar 2", exact: true })).toHaveAttribute(
    "aria-pressed",
    "false",
  );
  // Playing the loop: the cursor stays in bar 3 (index 2).
  await page.getByRole("button", { name: "Play loop", exact: true }).click();
  await expect
    .poll(() => page.evaluate(() => window.__beatsightPlayer?.songNow() ?? 0))
    .toBeGreaterThan(4700);
  const looped = await cursorAgainstAudio(page, 20);
  for (const s of looped) expect(s.bar).toBe(2);
  await page.screenshot({ path: test.info().outputPath("notation-loop.png") });
  await page.getByRole("button", { name: /^Pause/ }).click();

  // The level chosen in the player is the one shown: Easy has fewer notes than the whole chart.
  const expertNotes = Number(await staff.getAttribute("data-notes"));
  expect(expertNotes).toBe(chart.HitObjects.length);
  await page.getByTestId("level-chooser").getByLabel("Easy").check();
  await expect.poll(async () => Number(await staff.getAttribute("data-notes"))).toBeLessThan(expertNotes);
  await expect(staff).toHaveAttribute("data-state", "ready");

  // And back to the highway.
  await page.getByRole("button", { name: "Highway", exact: true }).click();
  await expect(page.getByTestId("highway")).toBeVisible();
  expect(violations).toEqual([]);
});

test("a map's notation shows on its page and prints one clean sheet per page", async ({ page, context }) => {
  const violations = await watchViolations(page, context);
  // A long chart (64 bars at 240 BPM, 65 s) so the print needs several pages; shared as the
  // generate page does, for a song as long.
  const wav = renderSong(temp.dir, 3232, 70);
  const long = grooveChart({ bars: 64, bpm: 240, offsetMs: OFFSET_MS });
  const title = "Printed groove";
  const { mapId } = await shareGeneratedChart(
    page.request,
    wav,
    { ...long, Metadata: { ...long.Metadata, Title: title, Artist: "The Test Band" } },
    { filename: "groove.wav" },
  );

  await page.goto(`/maps/${mapId}`);
  await page.getByRole("button", { name: "Show as notation" }).click();
  const staff = page.getByRole("region", { name: /as drum notation, Expert$/ });
  await expect(staff).toHaveAttribute("data-state", "ready", { timeout: 30_000 });
  // A still sheet: no cursor, no loop buttons (there is no run to follow here).
  await expect(staff.getByRole("button")).toHaveCount(0);
  await staff.screenshot({ path: test.info().outputPath("notation-map.png") });
  // The page's level chooser changes the notation: Medium has fewer notes than the whole chart.
  const expertNotes = Number(await staff.getAttribute("data-notes"));
  expect(expertNotes).toBe(long.HitObjects.length);
  await page.getByTestId("level-chooser").getByLabel("Medium").check();
  const medium = page.getByRole("region", { name: /as drum notation, Medium$/ });
  await expect(medium).toHaveAttribute("data-state", "ready", { timeout: 30_000 });
  expect(Number(await medium.getAttribute("data-notes"))).toBeLessThan(expertNotes);

  // The same chart as files: MusicXML a notation program opens, and a drum tab.
  await page.getByRole("button", { name: "Choose a format" }).click();
  const [musicXml] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("button", { name: "Download MusicXML" }).click(),
  ]);
  expect(musicXml.suggestedFilename()).toMatch(/\.musicxml$/);
  const xml = readFileSync(await musicXml.path(), "utf8");
  expect(xml).toContain("<score-partwise");
  expect(xml.match(/<note[ >]/g)?.length ?? 0).toBeGreaterThanOrEqual(long.HitObjects.length);
  const [tab] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("button", { name: "Download drum tab" }).click(),
  ]);
  expect(readFileSync(await tab.path(), "utf8")).toMatch(/^BD \|/m);

  await page.getByRole("link", { name: "Print the notation (Medium)" }).click();
  await expect(page).toHaveURL(new RegExp(`/maps/${mapId}/print`));
  for (const paper of ["a4", "letter"] as const) {
    if (paper === "letter") await page.getByLabel("Paper").selectOption("letter");
    const pages = page.getByTestId("print-pages");
    await expect(pages).toHaveAttribute("data-paper", paper);
    await expect(pages).toHaveAttribute("data-state", "ready", { timeout: 30_000 });
    const sheets = page.getByTestId("print-page");
    await expect.poll(() => sheets.count()).toBeGreaterThan(1);
    await expect(sheets.first().getByRole("heading", { level: 1, name: title })).toBeVisible();
    await expect(sheets.first()).toContainText("The Test Band");
    await expect(sheets.first()).toContainText("♩ = 240");
    await expect(sheets.first()).toContainText("Medium level");
    // Every page: nothing wider or taller than the sheet, every bar on some page.
    const sizes = await sheets.evaluateAll((els) =>
      els.map((el) => ({
        scrollWidth: el.scrollWidth,
        clientWidth: el.clientWidth,
        scrollHeight: el.scrollHeight,
        clientHeight: el.clientHeight,
      })),
    );
    for (const s of sizes) {
      expect(s.scrollWidth).toBeLessThanOrEqual(s.clientWidth);
      expect(s.scrollHeight).toBeLessThanOrEqual(s.clientHeight);
    }
    await page.screenshot({ path: test.info().outputPath(`notation-print-${paper}.png`), fullPage: true });
    // The browser's print: one PDF page per sheet, of the sheet's size.
    await page.emulateMedia({ media: "print" });
    await expect(page.locator(".site-header")).toBeHidden();
    const pdf = await page.pdf({ preferCSSPageSize: true, printBackground: true });
    const pdfPages = pdf.toString("latin1").match(/\/Type\s*\/Page[^s]/g) ?? [];
    expect(pdfPages).toHaveLength(sizes.length);
    const box = /\/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]/.exec(pdf.toString("latin1"));
    // PDF points: A4 595×842, Letter 612×792.
    const expected = paper === "a4" ? [595, 842] : [612, 792];
    expect(Math.abs(Number(box?.[1]) - expected[0]!)).toBeLessThan(2);
    expect(Math.abs(Number(box?.[2]) - expected[1]!)).toBeLessThan(2);
    writeFileSync(test.info().outputPath(`notation-print-${paper}.pdf`), pdf);
    await page.emulateMedia({ media: "screen" });
  }
  expect(violations).toEqual([]);
});
