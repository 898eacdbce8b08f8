// Every difficulty level plays (issue 31.3): a chart on the server, its level chosen on the song
// page and remembered on the map page and in the player; each level then played in the player
// with keyboard hits on the notes' own times, the highway holding that level's notes, and each
// result saved under its level on the device and on the account, where the map's leaderboard
// for the level shows it.
import { expect, type Page, test } from "@playwright/test";
import { type Beatmap, canonicalJson, contentHash } from "../lib/beatmap/index.ts";
import { grooveChart } from "../lib/beatmap/testing.ts";
import { chartAtLevel, LEVEL_LABELS, LEVELS, type Level } from "../lib/practice/levels.ts";
import { signedInPerson } from "./support/people.ts";
import { queryServerDb } from "./support/server-db.ts";

test.setTimeout(180_000);

/** A song on the server with one AI chart (version 1), written straight into its database. */
async function songWithChart(chart: Beatmap): Promise<{ songId: string; mapId: string }> {
  const [song] = await queryServerDb<{ id: string }>(
    "INSERT INTO songs (title, duration_ms, status) VALUES ($1, $2, 'unverified') RETURNING id",
    [chart.Metadata.Title, Math.round(chart.Audio?.Duration ?? 30_000)],
  );
  const [map] = await queryServerDb<{ id: string }>(
    "INSERT INTO maps (song_id, name) VALUES ($1, 'Expert (AI)') RETURNING id",
    [song!.id],
  );
  await queryServerDb(
    "INSERT INTO map_versions (map_id, number, source, content_hash, content) VALUES ($1, 1, 'ai', $2, $3::jsonb)",
    [map!.id, await contentHash(chart), canonicalJson(chart)],
  );
  return { songId: song!.id, mapId: map!.id };
}

const LANE_CODES = ["KeyS", "KeyD", "KeyF", "Space", "KeyJ", "KeyK", "KeyL"];

/** Hits every note of the highway as it is heard (see play.spec.ts); resolves to how many. */
function playAlong(page: Page): Promise<number> {
  return page.evaluate(async (codes) => {
    while (!window.__beatsightPlayer) await new Promise((r) => setTimeout(r, 10));
    const player = window.__beatsightPlayer;
    const { times, lanes } = player.notes();
    for (let i = 0; i < times.length; i++) {
      const t = times[i]!;
      while (!(player.songNow() >= t - 150)) await new Promise((r) => setTimeout(r, 2));
      const event = new KeyboardEvent("keydown", { code: codes[lanes[i]!], bubbles: true, cancelable: true });
      Object.defineProperty(event, "timeStamp", { value: player.perfAtSong(t) });
      window.dispatchEvent(event);
    }
    return times.length;
  }, LANE_CODES);
}

/** The levels of this device's results of the chart, oldest first (read from IndexedDB as stored). */
function storedLevels(page: Page): Promise<(string | null)[]> {
  return page.evaluate(
    () =>
      new Promise<(string | null)[]>((resolve, reject) => {
        const open = indexedDB.open("beatsight");
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const all = open.result.transaction("results").objectStore("results").getAll();
          all.onsuccess = () => {
            const rows = all.result as { createdAt: number; level?: string }[];
            resolve(rows.sort((a, b) => a.createdAt - b.createdAt).map((r) => r.level ?? null));
            open.result.close();
          };
          all.onerror = () => reject(all.error);
        };
      }),
  );
}

test("each level is chosen, remembered per song, plays its own notes and is scored under its level", async ({
  browser,
  baseURL,
}) => {
  const chart = grooveChart({ bars: 4, bpm: 120, offsetMs: 500 });
  chart.Metadata.Title = "Levels Groove";
  const { songId, mapId } = await songWithChart(chart);
  const counts = Object.fromEntries(
    LEVELS.map((l) => [l, chartAtLevel(chart, l).HitObjects.length]),
  ) as Record<Level, number>;
  // The levels differ, or this test could not tell them apart.
  expect(new Set(Object.values(counts)).size).toBe(4);

  const person = await signedInPerson("Lev");
  const context = await browser.newContext({ baseURL });
  await context.addCookies([{ name: "bs_session", value: person.token, url: baseURL! }]);
  const page = await context.newPage();

  // The song page: each level with its notes per second; Easy chosen.
  await page.goto(`/songs/${songId}`);
  const chooser = page.getByTestId("level-chooser");
  await expect(chooser.getByTestId("level-rate-easy")).toContainText("notes/s");
  await expect(chooser.getByTestId("level-rate-expert")).toContainText("notes/s");
  await chooser.getByLabel("Easy").check();
  await page.screenshot({ path: test.info().outputPath("song-page.png"), fullPage: true });

  // The map page remembers it, with the level's (empty) leaderboard.
  await page.goto(`/maps/${mapId}`);
  await expect(page.getByTestId("level-chooser").getByLabel("Easy")).toBeChecked();
  await expect(page.getByTestId("leaderboard")).toContainText("No runs at Easy yet");

  // The player opens at Easy.
  await page.getByRole("button", { name: /^Practise / }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Levels Groove" })).toBeVisible();
  await page.getByLabel("Count-in").selectOption("0");
  const player = page.getByTestId("level-chooser");
  await expect(player.getByLabel("Easy")).toBeChecked();

  for (const level of LEVELS) {
    await player.getByLabel(LEVEL_LABELS[level]).check();
    await expect(page.getByTestId("level-notes")).toHaveText(String(counts[level]));
    const highway = await page.evaluate(() => window.__beatsightPlayer!.notes().times.length);
    expect(highway, `${level}: notes on the highway`).toBe(counts[level]);

    const along = playAlong(page);
    await page.getByTestId("play").click();
    expect(await along).toBe(counts[level]);
    const results = page.getByTestId("results");
    await expect(results).toBeVisible({ timeout: 30_000 });
    await expect(results.getByTestId("result-level")).toHaveText(LEVEL_LABELS[level]);
    await expect(results.getByTestId("count-perfect")).toHaveText(String(counts[level]));
    if (level === "easy") await page.screenshot({ path: test.info().outputPath("player-results.png") });
    await results.getByRole("button", { name: "Play again" }).click();
  }

  expect(await storedLevels(page)).toEqual([...LEVELS]);
  // The outbox sends each run to the account, with its level.
  await expect
    .poll(async () =>
      (
        await queryServerDb<{ level: string }>(
          "SELECT level FROM practice_results WHERE user_id = $1 ORDER BY played_at",
          [person.id],
        )
      ).map((r) => r.level),
    )
    .toEqual([...LEVELS]);

  // Each level's leaderboard on the map page shows the run; the player's last level is remembered.
  await page.goto(`/maps/${mapId}`);
  const chosen = page.getByTestId("level-chooser");
  await expect(chosen.getByLabel("Expert")).toBeChecked();
  await expect(page.getByTestId("leaderboard")).toContainText("Lev:");
  await chosen.getByLabel("Medium").check();
  await expect(page.getByRole("heading", { name: "Leaderboard: Medium" })).toBeVisible();
  await expect(page.getByTestId("leaderboard")).toContainText("Lev:");
  await page.screenshot({ path: test.info().outputPath("map-page.png"), fullPage: true });
  await context.close();
});
