// A verifier works the queue: opens a fixer's diff, approves it with a reason, and the song gets
// its verified chart. People who may not verify are told how to get there.
import { randomBytes } from "node:crypto";
import { expect, test } from "@playwright/test";
import { diffCharts } from "../lib/beatmap/diff.ts";
import { canonicalJson, contentHash } from "../lib/beatmap/index.ts";
import { grooveChart } from "../lib/beatmap/testing.ts";
import { signedInPerson } from "./support/people.ts";
import { queryServerDb } from "./support/server-db.ts";

test("a verifier opens a fix's diff and approves it with a reason", async ({ page, context, baseURL }) => {
  const verifier = await signedInPerson("Vera", 500);
  const fixer = await signedInPerson("Felix");
  const chart = grooveChart({ bars: 4 });
  const fixed = { ...chart, HitObjects: chart.HitObjects.filter((_, i) => i !== 4) };
  const title = `Queue song ${randomBytes(3).toString("hex")}`;
  const [song] = await queryServerDb<{ id: string }>(
    "INSERT INTO songs (title, duration_ms, status) VALUES ($1, $2, 'unverified') RETURNING id",
    [title, Math.round(chart.Audio?.Duration ?? 10_000)],
  );
  const [map] = await queryServerDb<{ id: string }>(
    "INSERT INTO maps (song_id, name, state) VALUES ($1, 'Expert (AI)', 'ai_draft') RETURNING id",
    [song?.id],
  );
  const [version] = await queryServerDb<{ id: string }>(
    "INSERT INTO map_versions (map_id, number, source, content_hash, content) VALUES ($1, 1, 'ai', $2, $3) RETURNING id",
    [map?.id, await contentHash(chart), canonicalJson(chart)],
  );
  const [proposal] = await queryServerDb<{ id: string }>(
    "INSERT INTO map_edit_proposals (map_id, base_version_id, author_id, diff, message) VALUES ($1, $2, $3, $4, 'ghost kick removed') RETURNING id",
    [map?.id, version?.id, fixer.id, JSON.stringify(diffCharts(chart, fixed))],
  );

  // Signed out: told what verifying needs.
  await page.goto("/verify");
  await expect(page.getByTestId("verify-denied")).toContainText("500 karma");

  await context.addCookies([{ name: "bs_session", value: verifier.token, url: baseURL as string }]);
  await page.goto("/verify");
  const item = page.getByTestId("queue-item").filter({ hasText: "ghost kick removed" });
  await expect(item).toBeVisible();
  await expect(item.getByTestId("status-label")).toHaveText("AI draft");
  await expect(item).toContainText("Lint:");

  await item.getByRole("button", { name: "Open the diff" }).click();
  const diff = item.getByTestId("proposal-diff");
  await expect(diff.getByRole("img", { name: /1 removed/ })).toBeVisible();

  const submit = item.getByRole("button", { name: "Submit decision" });
  await expect(submit).toBeDisabled(); // a reason is required
  await item.getByRole("radio", { name: /^Approve/ }).check();
  await item.getByLabel(/Reason/).fill("Listened through bar 2: that kick was bass bleed.");
  await submit.click();
  await expect(page.getByTestId("verify-announcement")).toContainText(
    `Approve: ${title} now has this as its verified chart.`,
  );
  await expect(page.getByTestId("queue-item").filter({ hasText: "ghost kick removed" })).toHaveCount(0);

  const [after] = await queryServerDb<{
    state: string;
    is_canonical: boolean;
    versions: string;
    reason: string;
  }>(
    `SELECT m.state::text, m.is_canonical, (SELECT count(*) FROM map_versions v WHERE v.map_id = m.id)::text AS versions,
            (SELECT reason FROM verification_decisions d WHERE d.proposal_id = $2) AS reason
       FROM maps m WHERE m.id = $1`,
    [map?.id, proposal?.id],
  );
  expect(after).toEqual({
    state: "verified",
    is_canonical: true,
    versions: "2",
    reason: "Listened through bar 2: that kick was bass bleed.",
  });

  // The song page shows the verified label.
  await page.goto(`/songs/${song?.id}`);
  await expect(page.getByTestId("status-label").first()).toHaveText(/Verified/);
});
