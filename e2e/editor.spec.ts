// The chart editor end to end in Chromium. On a chart imported into the local library: move a
// note by dragging it, add one with the Draw tool, delete with the keyboard, place and nudge notes
// with keys, undo / redo, and find the edit again after a reload (autosave). On a server map: edit
// an older version, submit, resolve the conflict with the newer version note by note, submit the
// rebased fix; then the map page's diff, votes, comments and rating. Pointer positions come from
// the editor's own geometry (window.__beatsightEditor), so they hit the drawn notes.
import { randomBytes } from "node:crypto";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect, type Page, test } from "@playwright/test";
import { type Beatmap, canonicalJson, contentHash, serializeBeatmap } from "../lib/beatmap/index.ts";
import { grooveChart } from "../lib/beatmap/testing.ts";
import { makeTempDir } from "../lib/fingerprint/test-support.ts";
import { signedInPerson } from "./support/people.ts";
import { queryServerDb } from "./support/server-db.ts";

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

async function seedMap(v1: Beatmap, v2: Beatmap): Promise<{ mapId: string; v1: string; v2: string }> {
  const [song] = await queryServerDb<{ id: string }>(
    "INSERT INTO songs (title, artist, duration_ms, status) VALUES ($1, 'Editor tests', $2, 'unverified') RETURNING id",
    [`Editor song ${randomBytes(3).toString("hex")}`, Math.round(v1.Audio.Duration ?? 0)],
  );
  const [map] = await queryServerDb<{ id: string }>(
    "INSERT INTO maps (song_id, name, state) VALUES ($1, 'Expert (AI)', 'ai_draft') RETURNING id",
    [song?.id],
  );
  const ids: string[] = [];
  for (const [i, chart] of [v1, v2].entries()) {
    const [row] = await queryServerDb<{ id: string }>(
      "INSERT INTO map_versions (map_id, number, source, content_hash, content, parent_version_id) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
      [
        map?.id,
        i + 1,
        i === 0 ? "ai" : "edit",
        await contentHash(chart),
        canonicalJson(chart),
        ids[0] ?? null,
      ],
    );
    ids.push(row?.id as string);
  }
  return { mapId: map?.id as string, v1: ids[0]!, v2: ids[1]! };
}

test("a fix of an older version is rebased note by note and submitted; the map page compares, votes and comments", async ({
  page,
  context,
  baseURL,
}) => {
  const v1 = grooveChart({ bars: 2, bpm: 120, offsetMs: 500 });
  const v2: Beatmap = structuredClone(v1);
  v2.HitObjects.find((n) => n.Component === "snare" && n.Time === 2000)!.Time = 2020;
  const { mapId, v1: v1Id, v2: v2Id } = await seedMap(v1, v2);
  const felix = await signedInPerson("Felix");
  await context.addCookies([{ name: "bs_session", value: felix.token, url: baseURL as string }]);

  // Edit version 1: delete the crash at 500 ms, nudge the snare at 2000 ms one 1/4 step later.
  await page.goto(`/edit/${mapId}?version=${v1Id}`);
  await expect(page.getByTestId("draft-notice")).toContainText("Editing version 1 (a newer one exists");
  await page.waitForFunction(() => Boolean(window.__beatsightEditor));
  const crash = await pagePoint(page, 500, 0);
  await page.mouse.click(crash.x, crash.y);
  await page.keyboard.press("Delete");
  const snare = await pagePoint(page, 2000, 2);
  await page.mouse.click(snare.x, snare.y);
  await page.keyboard.press("ArrowRight");
  await expect(page.getByTestId("editor-status")).toHaveText("Move 1 note.");
  await page.getByLabel("What did you fix? (optional)").fill("snare was late, crash was bleed");
  await page.getByRole("button", { name: "Submit edit for review" }).click();

  // Version 2 moved the same snare: one conflict, the crash deletion goes through on its own.
  const conflicts = page.getByTestId("conflicts");
  await expect(conflicts).toContainText("Version 2 changed the same notes as you (1)");
  await expect(conflicts).toContainText("you made it a snare at 2.125 s");
  await expect(conflicts).toContainText("the newest version has a snare at 2.020 s");
  await conflicts.getByRole("radio", { name: "Keep mine" }).check();
  await conflicts.getByRole("button", { name: "Apply my choices" }).click();
  await expect(page.getByTestId("draft-notice")).toContainText("Editing version 2 (the newest)");
  await page.waitForFunction(() => Boolean(window.__beatsightEditor));
  expect(await findNote(page, 2, 2125)).toBeDefined();
  expect(await findNote(page, 2, 2020)).toBeUndefined();
  expect(await findNote(page, 0, 500)).toBeUndefined();
  await page.getByRole("button", { name: "Submit edit for review" }).click();
  await expect(page.getByTestId("submit-status")).toContainText("Submitted for review");

  const proposals = await queryServerDb<{
    base_version_id: string;
    diff: { removed: unknown[]; moved: { to: { Time: number } }[] };
  }>("SELECT base_version_id, diff FROM map_edit_proposals WHERE map_id = $1 AND author_id = $2", [
    mapId,
    felix.id,
  ]);
  expect(proposals).toHaveLength(1);
  expect(proposals[0]?.base_version_id).toBe(v2Id);
  expect(proposals[0]?.diff.removed).toHaveLength(1);
  expect(proposals[0]?.diff.moved.map((m) => m.to.Time)).toEqual([2125]);

  // The map page: versions, the diff from 1 to 2, a vote, a comment at the playhead, a rating.
  await page.goto(`/maps/${mapId}`);
  await expect(page.getByTestId("versions").getByRole("row")).toHaveCount(3);
  await expect(page.getByTestId("status-label").first()).toHaveText("AI draft");
  await expect(page.getByTestId("version-diff").getByRole("img", { name: /1 moved/ })).toBeVisible();
  await page.getByRole("button", { name: /^Helpful: version 2/ }).click();
  await expect(page.getByRole("button", { name: "Helpful: version 2, 1 vote" })).toHaveAttribute(
    "aria-pressed",
    "true",
  );
  await page.getByLabel(/^Playhead/).fill("2000");
  await page.getByLabel(/^Comment at 0:02.0/).fill("that snare is a flam");
  await page.getByRole("button", { name: "Add comment" }).click();
  await expect(page.getByTestId("comments")).toContainText("Felix: that snare is a flam");
  // Rating needs a played run: until one is synced the stars are disabled, with the reason.
  await expect(page.getByRole("radio", { name: "4 stars" })).toBeDisabled();
  await expect(page.getByText(/Ratings come from drummers who played the chart/)).toBeVisible();
  await queryServerDb(
    `INSERT INTO practice_results (id, user_id, map_version_id, score, accuracy, stats, played_at)
     VALUES (gen_random_uuid(), $1, $2, 81000, 0.81, '{}', now())`,
    [felix.id, v2Id],
  ); // what the player's results.submit stores after a signed-in run (covered in offline.spec.ts)
  await page.reload();
  await page.getByRole("radio", { name: "4 stars" }).check();
  await expect(page.getByText("4.0 of 5 from 1 rating")).toBeVisible();
  await expect(page.getByText("Fixes waiting for review")).toBeVisible();
  await expect(page.getByText(/Felix, .*: “snare was late, crash was bleed”/)).toBeVisible();
});
