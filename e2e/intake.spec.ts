// Intake on the home page, end to end in Chromium: decode + fingerprint in the browser's worker,
// lookup and registration on the server. Fixture audio is generated at test start (sox, ffmpeg).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expect, type Page, test } from "@playwright/test";
import type { HitObject } from "../lib/beatmap/schema.ts";
import { grooveChart } from "../lib/beatmap/testing.ts";
import { identicalBitShare } from "../lib/fingerprint/compare.ts";
import { decompressFingerprint } from "../lib/fingerprint/compress.ts";
import {
  fpcalcRaw,
  makeTempDir,
  renderSong,
  songDrumNotes,
  transcode,
} from "../lib/fingerprint/test-support.ts";
import { dropFile } from "./support/drop-file.ts";
import { shareGeneratedChart } from "./support/share-chart.ts";

// Decoding and fingerprinting run in the browser; allow for a busy 2-core machine.
test.setTimeout(90_000);

let temp: ReturnType<typeof makeTempDir>;
let songWav: string;
let songMp3: string;
let shortWav: string;

test.beforeAll(() => {
  temp = makeTempDir();
  // A seed of its own so this song is new to the run's fresh database.
  songWav = renderSong(temp.dir, 33, 30);
  songMp3 = transcode(songWav, join(temp.dir, "song-copy.mp3"), ["-b:a", "128k"]);
  shortWav = transcode(songWav, join(temp.dir, "short.wav"), ["-t", "2"]);
});
test.afterAll(() => temp.cleanup());

test("a new song is registered, then an mp3 re-encode of it is recognised", async ({ page }) => {
  await page.goto("/");
  await expect(page.getByText(/only the fingerprint and the duration are uploaded/i)).toBeVisible();
  const result = page.getByTestId("intake-result");

  const identify = page.waitForRequest((r) => r.url().includes("/api/trpc/songs.identify"));
  await dropFile(page, readFileSync(songWav), "Generated Song.wav", "audio/wav");
  // The upload is the fingerprint and the duration, nothing else.
  const body = (await identify).postDataJSON() as Record<string, { json: Record<string, unknown> }>;
  const sent = Object.values(body)[0]?.json ?? {};
  expect(Object.keys(sent).sort()).toEqual(["duration", "fingerprint"]);
  expect(String(sent.fingerprint).length).toBeLessThan(4000);

  await expect(result.getByRole("heading", { name: "New song" })).toBeVisible({ timeout: 30_000 });
  await result.getByLabel(/Title/).fill("E2E Groove");
  await result.getByLabel(/Artist/).fill("The Testers");
  await result.getByRole("button", { name: "Register this song" }).click();
  await expect(result.getByRole("heading", { name: "Song registered" })).toBeVisible();

  await result.getByRole("button", { name: "Choose another file" }).click();
  await dropFile(page, readFileSync(songMp3), "copy.mp3", "audio/mpeg");
  await expect(result.getByRole("heading", { name: "Known song" })).toBeVisible({ timeout: 30_000 });
  await expect(result).toContainText("“E2E Groove” by The Testers");

  await result.getByRole("link", { name: "Open the song" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "E2E Groove" })).toBeVisible();
  // Looking a song up stores nothing: the song still has the one fingerprint it was registered with.
  await expect(page.getByTestId("song-facts")).toContainText("1 encoding known");
});

test("progress is announced in a live region while the file is processed", async ({ page }) => {
  await page.goto("/");
  const status = page.getByTestId("intake-status");
  await expect(status).toHaveAttribute("aria-live", "polite");
  await page.getByLabel("Choose a file").setInputFiles(songMp3);
  await expect(status).toContainText(/Step \d of 5/);
  await expect(
    page.getByTestId("intake-result").getByRole("heading", { name: /Known song|New song/ }),
  ).toBeVisible({ timeout: 30_000 });
});

test("a file that is not audio is refused with a clear message", async ({ page }) => {
  await page.goto("/");
  const alert = page.getByTestId("intake-result").getByRole("alert");
  await dropFile(page, Buffer.from("not a song"), "notes.txt", "text/plain");
  await expect(alert).toContainText("“notes.txt” is not an audio file");
  // Audio by name and type, but not decodable.
  await dropFile(page, Buffer.from("garbage".repeat(100)), "broken.mp3", "audio/mpeg");
  await expect(alert).toContainText("could not decode “broken.mp3”");
});

test("audio too short to fingerprint asks for title and artist instead", async ({ page }) => {
  await page.goto("/");
  await dropFile(page, readFileSync(shortWav), "Intro.wav", "audio/wav");
  const result = page.getByTestId("intake-result");
  await expect(result.getByRole("heading", { name: "We could not fingerprint this file" })).toBeVisible({
    timeout: 30_000,
  });
  await expect(result.getByRole("alert")).toContainText(/at least 5 s/);
  await result.getByLabel("Title").fill("Intro");
  await result.getByLabel("Artist").fill("Someone");
  await result.getByRole("button", { name: "Continue" }).click();
  await expect(result).toContainText("“Intro” by Someone stays on this device");
});

test("a long song is fingerprinted from its first two minutes only, exactly as fpcalc does", async ({
  page,
}) => {
  // 200 s: long enough that the browser decodes a cut of the file, not all of it.
  const longMp3 = transcode(renderSong(temp.dir, 71, 200), join(temp.dir, "long.mp3"), ["-b:a", "192k"]);
  await page.goto("/");
  const identify = page.waitForRequest((r) => r.url().includes("/api/trpc/songs.identify"));
  await dropFile(page, readFileSync(longMp3), "Long Song.mp3", "audio/mpeg");
  const body = (await identify).postDataJSON() as Record<
    string,
    { json: { fingerprint: string; duration: number } }
  >;
  const sent = Object.values(body)[0]?.json;
  const reference = fpcalcRaw(longMp3);
  // The whole file's duration, not the decoded cut's.
  expect(Math.abs((sent?.duration ?? 0) - reference.duration)).toBeLessThan(1);
  const ours = decompressFingerprint(sent?.fingerprint ?? "").raw;
  expect(ours.length).toBe(reference.raw.length);
  expect(identicalBitShare(ours, reference.raw)).toBeGreaterThanOrEqual(0.999);
});

/** Shares a chart of `notes` for the song in `wav` the way the generate page does; the song's id. */
async function shareChart(page: Page, wav: string, title: string, notes: HitObject[]): Promise<string> {
  const groove = grooveChart({ bars: 1 });
  const chart = { ...groove, Metadata: { ...groove.Metadata, Title: title }, HitObjects: notes };
  return (
    await shareGeneratedChart(page.request, wav, chart, { filename: "song.wav", withFingerprint: true })
  ).songId;
}

test("a known song with a chart on the server is practised straight from the answer", async ({ page }) => {
  const wav = renderSong(temp.dir, 58, 25);
  const mp3 = transcode(wav, join(temp.dir, "known.mp3"), ["-b:a", "128k"]);
  // Someone shared a chart for this song (as the generate page does).
  await shareChart(page, wav, "Shared Groove", grooveChart({ bars: 8 }).HitObjects);

  await page.goto("/");
  await dropFile(page, readFileSync(mp3), "known.mp3", "audio/mpeg");
  const result = page.getByTestId("intake-result");
  await expect(result.getByRole("heading", { name: "Known song" })).toBeVisible({ timeout: 30_000 });
  await expect(result.getByTestId("status-label")).toHaveText("AI draft");
  await result.getByRole("button", { name: "Practise it" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Shared Groove" })).toBeVisible();
  // It is in the device's library now, as a chart from the server.
  await page.goto("/library");
  await expect(page.getByTestId("library-list")).toContainText("Shared Groove");
  await expect(page.getByTestId("library-list")).toContainText("server");
});

test("a copy with leading silence gets the song's chart moved onto it, to the millisecond", async ({
  page,
}) => {
  const wav = renderSong(temp.dir, 61, 25);
  // The same recording with 1.5 s of silence first, as another rip of the album might have.
  const padded = transcode(wav, join(temp.dir, "padded.mp3"), ["-af", "adelay=1500:all=1", "-b:a", "128k"]);
  // Its chart, shared from the original recording: the drums renderSong played, to the millisecond.
  await shareChart(page, wav, "Padded Groove", songDrumNotes(61, 25));

  await page.goto("/");
  await dropFile(page, readFileSync(padded), "padded.mp3", "audio/mpeg");
  const result = page.getByTestId("intake-result");
  await expect(result.getByRole("heading", { name: "Known song" })).toBeVisible({ timeout: 30_000 });
  // The fingerprint places the file to one item (~124 ms).
  await expect(result).toContainText(/has 1\.[45] s more before the song starts/);
  await result.getByRole("button", { name: "Practise it" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Padded Groove" })).toBeVisible();
  // The player plays the dropped file without asking for it, lined up on the notes' attacks.
  await expect(page.getByTestId("player-status")).toContainText("lined up with the chart's notes", {
    timeout: 30_000,
  });
  const offset = Number(await page.getByTestId("file-offset").inputValue());
  // 1,500 ms of silence plus what the MP3 encoder and decoder add (at most a frame, ~26 ms).
  expect(offset).toBeGreaterThanOrEqual(1_490);
  expect(offset).toBeLessThanOrEqual(1_530);

  // The drummer can move it by hand, typing a negative value key by key; the chart keeps it.
  const field = page.getByTestId("file-offset");
  await field.fill("");
  await field.pressSequentially("-250");
  await expect(field).toHaveValue("-250");
  const chartId = new URL(page.url()).pathname.split("/").pop()!;
  await expect
    .poll(() =>
      page.evaluate(async (id) => {
        const db = await new Promise<IDBDatabase>((resolve, reject) => {
          const open = indexedDB.open("beatsight");
          open.onsuccess = () => resolve(open.result);
          open.onerror = () => reject(open.error);
        });
        const chart = await new Promise<{ audioOffsetMs?: number }>((resolve, reject) => {
          const get = db.transaction("charts").objectStore("charts").get(id);
          get.onsuccess = () => resolve(get.result);
          get.onerror = () => reject(get.error);
        });
        db.close();
        return chart.audioOffsetMs;
      }, chartId),
    )
    .toBe(-250);
});

test("a chart opened from its song's page finds where a picked file sits by its fingerprint", async ({
  page,
}) => {
  const wav = renderSong(temp.dir, 62, 25);
  const padded = transcode(wav, join(temp.dir, "padded-62.mp3"), [
    "-af",
    "adelay=2300:all=1",
    "-b:a",
    "128k",
  ]);
  const songId = await shareChart(page, wav, "Song Page Groove", songDrumNotes(62, 25));
  await page.goto(`/songs/${songId}`);
  await page.getByRole("button", { name: /^Practise / }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Song Page Groove" })).toBeVisible();
  await page.getByLabel("Play along with the song file").setInputFiles(padded);
  await expect(page.getByTestId("player-status")).toContainText("lined up with the chart's notes", {
    timeout: 30_000,
  });
  const offset = Number(await page.getByTestId("file-offset").inputValue());
  expect(offset).toBeGreaterThanOrEqual(2_290);
  expect(offset).toBeLessThanOrEqual(2_330);
});
