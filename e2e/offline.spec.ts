import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type BrowserContext, chromium, expect, type Page, test } from "@playwright/test";
import { contentHash, createBeatmap, serializeBeatmap } from "../lib/beatmap/index.ts";
import { grooveChart } from "../lib/beatmap/testing.ts";
import { fpcalcCompressed, fpcalcRaw, makeTempDir, renderSong } from "../lib/fingerprint/test-support.ts";
import { CHROMIUM_PATH } from "../playwright.config.ts";
import { signedInPerson } from "./support/people.ts";
import { queryServerDb } from "./support/server-db.ts";

test.setTimeout(120_000);

let temp: ReturnType<typeof makeTempDir>;
let bsmPath: string;
let fingerprint: string;
let chartHash: string;

test.beforeAll(async () => {
  temp = makeTempDir();
  // A chart that names its song by fingerprint, as generated charts do, so it can be shared.
  const song = renderSong(temp.dir, 907, 20);
  fingerprint = fpcalcCompressed(song);
  const groove = grooveChart({ bars: 4, bpm: 120, offsetMs: 500 });
  const chart = createBeatmap({
    ...groove,
    Metadata: { ...groove.Metadata, Title: "Offline Groove", Artist: "The Basement" },
    Audio: {
      Filename: "song.wav",
      Duration: Math.round(fpcalcRaw(song).duration * 1000),
      Fingerprint: fingerprint,
    },
    Editor: { AiGenerationMetadata: { transcriber: "transcriber-v1", backend: "wasm" } },
  });
  chartHash = await contentHash(chart);
  bsmPath = join(temp.dir, "offline.bsm");
  writeFileSync(bsmPath, serializeBeatmap(chart));
});
test.afterAll(() => temp.cleanup());

async function serviceWorkerControls(page: Page): Promise<void> {
  await page.waitForFunction(async () => {
    await navigator.serviceWorker.ready;
    return navigator.serviceWorker.controller !== null;
  });
}

async function goOffline(context: BrowserContext): Promise<void> {
  await context.setOffline(true);
  await context.route("**/*", (route) => route.abort("internetdisconnected"));
}

async function goOnline(context: BrowserContext): Promise<void> {
  await context.unroute("**/*");
  await context.setOffline(false);
}

test("Chromium finds the app installable: manifest, icons and a service worker", async ({
  browserName,
  baseURL,
}) => {
  // Installability is never granted to incognito profiles (Playwright's default contexts): this
  // check runs in a real, persistent profile of the same Chromium.
  const profile = mkdtempSync(join(tmpdir(), "beatsight-profile-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    args: ["--no-sandbox", "--no-first-run", "--disable-gpu"],
    baseURL,
  });
  try {
    expect(browserName).toBe("chromium");
    const page = context.pages()[0] ?? (await context.newPage());
    await page.goto("/");
    await serviceWorkerControls(page);
    const cdp = await context.newCDPSession(page);
    const { installabilityErrors } = (await cdp.send("Page.getInstallabilityErrors")) as {
      installabilityErrors: { errorId: string }[];
    };
    expect(installabilityErrors).toEqual([]);
    const manifest = (await (await page.request.get("/manifest.webmanifest")).json()) as Record<
      string,
      unknown
    >;
    expect(manifest).toMatchObject({ display: "standalone", short_name: "BeatSight" });
    expect((manifest.shortcuts as unknown[]).length).toBeGreaterThan(0);
  } finally {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  }
});

test("after one online visit, the library and the player work offline; a chart shared offline reaches the server once", async ({
  page,
  context,
}) => {
  await page.goto("/library");
  await serviceWorkerControls(page);
  await page.getByLabel("Import a .bsm chart").setInputFiles(bsmPath);
  await expect(page.getByTestId("library-status")).toContainText("Imported “Offline Groove”");

  await goOffline(context);
  await page.reload();
  await expect(page.getByTestId("offline-banner")).toBeVisible();
  await expect(page.getByTestId("library-list")).toContainText("Offline Groove");
  // Nothing reaches the network now.
  expect(
    await page.evaluate(() =>
      fetch("/api/health").then(
        () => "reached",
        () => "failed",
      ),
    ),
  ).toBe("failed");

  // The player page was never opened online: the service worker's player shell stands in for it.
  await page.getByRole("link", { name: "Play Offline Groove" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Offline Groove" })).toBeVisible();
  // Pages answered from the worker's caches keep their COOP/COEP headers: WASM threads (onnxruntime)
  // stay available offline.
  expect(await page.evaluate(() => crossOriginIsolated && typeof SharedArrayBuffer === "function")).toBe(
    true,
  );
  await page.getByLabel("Count-in").selectOption("0");
  await page.getByTestId("play").click();
  await page.waitForFunction(() => (window.__beatsightPlayer?.songNow() ?? 0) > 1000);

  // The editor on the device's chart opens offline too, also never visited online.
  await page.goto("/library");
  await page.getByRole("link", { name: "Edit Offline Groove" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Edit “Offline Groove”" })).toBeVisible();

  // A change made offline: sharing the chart waits in the outbox.
  await page.goto("/library");
  await page.getByRole("button", { name: "Share Offline Groove with BeatSight" }).click();
  await expect(page.getByTestId("library-status")).toContainText("will be shared when you are back online");
  await expect(page.getByTestId("outbox-panel")).toContainText("Share a chart “Offline Groove”");

  await goOnline(context);
  await expect(page.getByTestId("outbox-panel")).toBeHidden({ timeout: 30_000 });
  // A second start sends nothing again (the outbox is empty); a resend would be recognised anyway.
  await page.reload();
  await expect(page.getByTestId("library-list")).toContainText("Offline Groove");

  const mutations = await queryServerDb<{ n: number }>(
    "SELECT count(*)::int AS n FROM client_mutations WHERE id = $1",
    [`gen-${chartHash.slice(0, 40)}`],
  );
  expect(mutations[0]?.n).toBe(1);
  const maps = await queryServerDb<{ title: string | null; n: number }>(
    `SELECT s.title, count(m.id)::int AS n
       FROM fingerprints f JOIN songs s ON s.id = f.song_id JOIN maps m ON m.song_id = s.id
      WHERE f.compressed = $1 GROUP BY s.title`,
    [fingerprint],
  );
  expect(maps).toHaveLength(1);
  expect(maps[0]?.n).toBe(1);
});

test("the library's storage view shows what is kept and exports the library as one file", async ({
  page,
}) => {
  await page.setViewportSize({ width: 320, height: 700 });
  await page.goto("/library");
  await page.getByLabel("Import a .bsm chart").setInputFiles(bsmPath);
  const storage = page.getByTestId("storage-panel");
  await expect(storage.getByTestId("storage-used")).toContainText("available to BeatSight");
  await expect(storage).toContainText("Offline Groove");
  const download = page.waitForEvent("download");
  await storage.getByRole("button", { name: "Export library" }).click();
  const file = await (await download).path();
  // Usable on a phone: nothing wider than a 320 px screen.
  expect(
    await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth),
  ).toBeLessThanOrEqual(0);
  const backup = JSON.parse(readFileSync(file, "utf8")) as { format: string; charts: unknown[] };
  expect(backup.format).toBe("beatsight-library/1");
  expect(backup.charts.length).toBeGreaterThanOrEqual(1);

  // What the offline caches take: the app shell (kept), and the models and runtime once fetched.
  await serviceWorkerControls(page);
  await page.reload();
  const cacheTable = storage.getByTestId("cache-usage");
  await expect(cacheTable).toContainText("The app itself");
  await storage.getByRole("button", { name: "Make generation available offline" }).click();
  await expect(storage.getByTestId("offline-models")).toContainText("Ready", { timeout: 120_000 });
  await expect(cacheTable).toContainText("Chart generation models");
  await expect(cacheTable).toContainText("Chart generation runtime");
  await storage.getByRole("button", { name: "Remove chart generation models" }).click();
  await expect(storage.getByTestId("storage-status")).toContainText("downloaded again when needed");
  await expect(cacheTable).not.toContainText("Chart generation models");
  expect(await page.evaluate(() => window.caches.has("beatsight-models-v1"))).toBe(false);
});

test("a new version waits while a practice run plays, then offers to reload", async ({ page }) => {
  await page.goto("/library");
  await serviceWorkerControls(page);
  await page.getByLabel("Import a .bsm chart").setInputFiles(bsmPath);
  await page.getByRole("link", { name: "Play Offline Groove" }).click();
  await page.getByLabel("Count-in").selectOption("0");
  await page.getByTestId("play").click();
  await page.waitForFunction(() => (window.__beatsightPlayer?.songNow() ?? 0) > 500);
  // A new build of the worker (another script URL stands in for a redeploy) installs and waits.
  await page.evaluate(async () => {
    const registration = await navigator.serviceWorker.register("/sw.js?next-version=1", { scope: "/" });
    await new Promise<void>((resolve) => {
      const check = () => (registration.waiting ? resolve() : setTimeout(check, 50));
      check();
    });
  });
  const banner = page.getByTestId("update-banner");
  // Another second of the run goes by with the new version waiting: no prompt interrupts it.
  const now = await page.evaluate(() => window.__beatsightPlayer!.songNow());
  await page.waitForFunction((t) => window.__beatsightPlayer!.songNow() > t + 1000, now);
  expect(await banner.count()).toBe(0);
  await page.keyboard.press("Escape");
  await expect(banner).toBeVisible();
  await banner.getByRole("button", { name: "Update and reload" }).click();
  await page.waitForFunction(() => navigator.serviceWorker.controller?.scriptURL.includes("next-version=1"));
  await expect(page.getByRole("heading", { level: 1, name: "Offline Groove" })).toBeVisible();
});

test("signed in, a run of a shared chart is kept on the device and reaches the account once", async ({
  page,
  context,
  baseURL,
}) => {
  // A signed-in drummer: an account and a session made directly in the server's database.
  const user = await signedInPerson("Drummer");
  await context.addCookies([{ name: "bs_session", value: user.token, url: baseURL! }]);

  await page.goto("/library");
  await page.getByLabel("Import a .bsm chart").setInputFiles(bsmPath);
  await page.getByRole("button", { name: "Share Offline Groove with BeatSight" }).click();
  await expect(page.getByTestId("library-status")).toContainText(/Shared “Offline Groove”|already/);

  // The server stores the first result it gets, but its answer is lost on the way back: the device
  // cannot tell that from a failure, so it sends the result again later, with the same id.
  let submits = 0;
  await context.route("**/api/trpc/results.submit", async (route) => {
    submits++;
    if (submits === 1) {
      await route.fetch();
      await route.abort("connectionreset");
    } else {
      await route.continue();
    }
  });
  await page.getByRole("link", { name: "Play Offline Groove" }).click();
  await page.getByLabel("Count-in").selectOption("0");
  await page.getByTestId("play").click();
  await page.getByTestId("pause").waitFor();
  await page.getByRole("button", { name: "Finish and see results" }).click();
  await expect(page.getByTestId("results")).toBeVisible();

  // The device tries again by itself, with no reload and no change of network (the open page after
  // a pause, or the worker's Background Sync), and the server keeps the result once.
  await expect.poll(() => submits, { timeout: 60_000 }).toBeGreaterThanOrEqual(2);
  await expect
    .poll(async () => {
      const rows = await queryServerDb<{ n: number }>(
        "SELECT count(*)::int AS n FROM practice_results WHERE user_id = $1",
        [user.id],
      );
      return rows[0]?.n;
    })
    .toBe(1);
  // Another start flushes the outbox again: nothing is sent twice.
  await page.goto("/library");
  await expect(page.getByTestId("outbox-panel")).toHaveCount(0);
  const rows = await queryServerDb<{ n: number }>(
    "SELECT count(*)::int AS n FROM practice_results WHERE user_id = $1",
    [user.id],
  );
  expect(rows[0]?.n).toBe(1);
});

test("signed out, a run stays on the device: nothing waits in the outbox for an account", async ({
  page,
}) => {
  await page.goto("/library");
  await expect(
    page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Sign in" }),
  ).toBeVisible();
  await page.getByLabel("Import a .bsm chart").setInputFiles(bsmPath);
  await page.getByRole("button", { name: "Share Offline Groove with BeatSight" }).click();
  await expect(page.getByTestId("library-status")).toContainText(/Shared “Offline Groove”|already/);
  await page.getByRole("link", { name: "Play Offline Groove" }).click();
  await page.getByLabel("Count-in").selectOption("0");
  await page.getByTestId("play").click();
  await page.getByTestId("pause").waitFor();
  await page.getByRole("button", { name: "Finish and see results" }).click();
  await expect(page.getByTestId("results")).toBeVisible();
  await page.goto("/library");
  await expect(page.getByTestId("library-list")).toContainText("Offline Groove");
  await expect(page.getByTestId("outbox-panel")).toHaveCount(0);
});

test("the Install button appears where the browser offers installation, fits 320 px, and goes once installed", async ({
  page,
  context,
}) => {
  await page.setViewportSize({ width: 320, height: 640 });
  await page.goto("/library");
  await serviceWorkerControls(page);
  // Chromium offers installation only to a real profile after engagement; the event it would fire
  // is dispatched here, with a prompt() that records being called.
  const offer = () =>
    page.evaluate(() => {
      const event = new Event("beforeinstallprompt", { cancelable: true });
      Object.assign(event, {
        prompt: async () => {
          (window as unknown as { __prompted?: number }).__prompted =
            ((window as unknown as { __prompted?: number }).__prompted ?? 0) + 1;
        },
        userChoice: Promise.resolve({ outcome: "accepted" }),
      });
      window.dispatchEvent(event);
      return event.defaultPrevented;
    });
  // The app keeps the offer for its own button instead of the browser's mini-infobar.
  expect(await offer()).toBe(true);
  const install = page.getByRole("button", { name: "Install app" });
  await expect(install).toBeVisible();
  await context.setOffline(true);
  await expect(page.getByTestId("offline-banner")).toBeVisible();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  await context.setOffline(false);

  await install.click();
  expect(await page.evaluate(() => (window as unknown as { __prompted?: number }).__prompted)).toBe(1);
  await expect(install).toHaveCount(0);
  // Offered again, then installed from the browser's own menu: the button goes.
  await offer();
  await expect(install).toBeVisible();
  await page.evaluate(() => window.dispatchEvent(new Event("appinstalled")));
  await expect(install).toHaveCount(0);
});
