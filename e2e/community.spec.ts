// The community loop end to end: a fixer corrects a note of an AI chart in the editor and submits
// the fix; a verifier approves it; the map becomes the song's canonical verified chart; and the next
// drummer who drops the same song (another encoding) is offered that verified chart at once.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expect, test } from "@playwright/test";
import { grooveChart } from "../lib/beatmap/testing.ts";
import { makeTempDir, renderSong, transcode } from "../lib/fingerprint/test-support.ts";
import { dropFile } from "./support/drop-file.ts";
import { signedInPerson } from "./support/people.ts";
import { queryServerDb } from "./support/server-db.ts";
import { shareGeneratedChart } from "./support/share-chart.ts";

test.setTimeout(180_000);

let temp: ReturnType<typeof makeTempDir>;
test.beforeAll(() => {
  temp = makeTempDir();
});
test.afterAll(() => temp.cleanup());

test("A fixes a note, B approves, the map is canonical, and C's re-encode is offered the verified chart", async ({
  browser,
  baseURL,
}) => {
  // The song and its AI chart, shared from a device as the generate page does.
  const wav = renderSong(temp.dir, 1234, 25);
  const reencoded = transcode(wav, join(temp.dir, "reencoded.mp3"), ["-b:a", "96k"]);
  const groove = grooveChart({ bars: 4, bpm: 120, offsetMs: 500 });
  const title = "Community Groove";
  const api = await browser.newContext({ baseURL });
  const { mapId } = await shareGeneratedChart(
    api.request,
    wav,
    { ...groove, Metadata: { ...groove.Metadata, Title: title } },
    { filename: "groove.wav" },
  );
  await api.close();

  // A, a fixer: the crash at 0.5 s is bleed; delete it in the editor and submit the fix.
  const a = await signedInPerson("Alex");
  const fixerContext = await browser.newContext({ baseURL });
  await fixerContext.addCookies([{ name: "bs_session", value: a.token, url: baseURL! }]);
  const fixer = await fixerContext.newPage();
  await fixer.goto(`/edit/${mapId}`);
  await fixer.waitForFunction(() => Boolean(window.__beatsightEditor));
  const box = (await fixer.getByTestId("timeline").boundingBox())!;
  const point = await fixer.evaluate(() => window.__beatsightEditor!.pointAt(500, 0));
  await fixer.mouse.click(box.x + point.x, box.y + point.y);
  await fixer.keyboard.press("Delete");
  await expect(fixer.getByTestId("editor-status")).toHaveText("Delete 1 note.");
  await fixer.getByLabel("What did you fix? (optional)").fill("the crash at 0.5 s is bleed from the guitar");
  await fixer.getByRole("button", { name: "Submit edit for review" }).click();
  await expect(fixer.getByTestId("submit-status")).toContainText("Submitted for review");
  await fixerContext.close();

  // B, a verifier (karma 500): approves the fix from the queue with a reason.
  const b = await signedInPerson("Bea", 500);
  const verifierContext = await browser.newContext({ baseURL });
  await verifierContext.addCookies([{ name: "bs_session", value: b.token, url: baseURL! }]);
  const verifier = await verifierContext.newPage();
  await verifier.goto("/verify");
  const item = verifier.getByTestId("queue-item").filter({ hasText: "bleed from the guitar" });
  await expect(item).toBeVisible();
  await item.getByRole("radio", { name: /^Approve/ }).check();
  await item.getByLabel(/Reason/).fill("Checked against the recording: no crash there.");
  await item.getByRole("button", { name: "Submit decision" }).click();
  await expect(verifier.getByTestId("verify-announcement")).toContainText(
    "now has this as its verified chart",
  );
  await verifierContext.close();

  const [map] = await queryServerDb<{ state: string; is_canonical: boolean; versions: number }>(
    "SELECT state::text, is_canonical, (SELECT count(*)::int FROM map_versions v WHERE v.map_id = m.id) AS versions FROM maps m WHERE id = $1",
    [mapId],
  );
  expect(map).toEqual({ state: "verified", is_canonical: true, versions: 2 });
  const karma = await queryServerDb<{ sum: number }>(
    "SELECT COALESCE(sum(delta), 0)::int AS sum FROM karma_ledger WHERE user_id = $1",
    [a.id],
  );
  expect(karma[0]?.sum).toBe(25); // an accepted fix

  // C, anyone: drops another encoding of the song and is offered the verified chart.
  const drummerContext = await browser.newContext({ baseURL });
  const drummer = await drummerContext.newPage();
  await drummer.goto("/");
  await dropFile(drummer, readFileSync(reencoded), "my copy.mp3", "audio/mpeg");
  const result = drummer.getByTestId("intake-result");
  await expect(result.getByRole("heading", { name: "Known song" })).toBeVisible({ timeout: 30_000 });
  await expect(result.getByTestId("status-label")).toContainText("Verified");
  await expect(result.getByTestId("status-label")).toContainText("canonical");
  await result.getByRole("button", { name: "Practise it" }).click();
  await expect(drummer.getByRole("heading", { level: 1, name: title })).toBeVisible();
  // The verified version, without the crash A removed.
  const noteCount = await drummer.evaluate(() => window.__beatsightPlayer!.notes().times.length);
  expect(noteCount).toBe(groove.HitObjects.length - 1);
  await drummerContext.close();
});
