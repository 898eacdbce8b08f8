// Server generation for a weak device, end to end: no WebGPU and no WASM threads, so the generate
// page recommends the server; a signed-in user uploads a song, watches the job go Queued →
// Processing → Complete (in-process worker, onnxruntime-node on the CPU), and opens the chart,
// which was saved to this device's library like a browser-made one.
import { readFileSync } from "node:fs";
import { expect, test } from "@playwright/test";
import { makeTempDir } from "../lib/fingerprint/test-support.ts";
import type { Db } from "../server/db/client.ts";
import { createTestUser } from "../test/users.ts";
import { e2eDatabase } from "./support/db.ts";
import { renderGroove } from "./support/groove.ts";

// The upload, the job (decode, separation, transcription on a shared 2-core CPU) and the player.
test.setTimeout(240_000);

let temp: ReturnType<typeof makeTempDir>;
let groove: { file: string };
let db: Db;

test.beforeAll(async () => {
  temp = makeTempDir();
  groove = await renderGroove(temp.dir, { bpm: 96, bars: 6 });
  db = await e2eDatabase();
});
test.afterAll(async () => {
  await db?.$disconnect();
  temp.cleanup();
});

test("a weak device sends the song to the server, follows the job live and opens the chart", async ({
  page,
  context,
  baseURL,
}) => {
  const user = await createTestUser(db);
  await context.addCookies([{ name: "bs_session", value: user.token, url: baseURL! }]);
  // A weak device: no WebGPU adapter, and no SharedArrayBuffer for WASM threads.
  await page.addInitScript(() => {
    Object.defineProperty(Navigator.prototype, "gpu", { get: () => undefined });
    Object.defineProperty(window, "crossOriginIsolated", { get: () => false });
    // Every status text the job view shows, in order, however briefly.
    const seen: string[] = [];
    (window as unknown as { __jobStatuses: string[] }).__jobStatuses = seen;
    new MutationObserver(() => {
      const text = document.querySelector('[data-testid="job-status"]')?.textContent ?? "";
      if (text && seen.at(-1) !== text) seen.push(text);
    }).observe(document, { subtree: true, childList: true, characterData: true });
  });

  await page.goto("/generate");
  await page.locator('input[type="file"]').setInputFiles({
    name: "Slow Groove.wav",
    mimeType: "audio/wav",
    buffer: readFileSync(groove.file),
  });
  await expect(page.getByTestId("recommended-backend")).toContainText("The server");
  await expect(page.getByTestId("server-allowance")).toContainText("server generations left this month");
  await page.getByRole("button", { name: "Send to the server" }).click();

  const status = page.getByTestId("job-status");
  await expect(status).toContainText("Complete", { timeout: 200_000 });
  const seen = await page.evaluate(() => (window as unknown as { __jobStatuses: string[] }).__jobStatuses);
  const order = seen.map((s) => s.split(" — ")[0]).filter((s, i, all) => s !== all[i - 1]);
  expect(order[0]).toBe("Queued");
  expect(order).toContain("Processing");
  expect(order.at(-1)).toBe("Complete");
  expect(order.indexOf("Processing")).toBeGreaterThan(order.indexOf("Queued"));
  expect(seen.find((s) => s.startsWith("Queued"))).toMatch(/next in line|position \d+/);

  const result = page.getByTestId("job-result");
  await expect(result).toContainText("Chart ready");
  await result.getByRole("link", { name: "Practise it" }).click();
  await expect(page).toHaveURL(/\/play\/[0-9a-f-]{36}$/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Slow Groove");

  // The server told the user in-app too, and the library lists the chart as a server chart.
  await expect
    .poll(async () => (await db.notification.findMany({ where: { userId: user.id } })).map((n) => n.kind))
    .toEqual(["job.complete"]);
  await page.goto("/library");
  await expect(page.getByTestId("library-list").getByText("Slow Groove")).toBeVisible();
});
