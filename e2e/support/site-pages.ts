// Every page the app has (app/**/page.tsx), each with the data it needs to show what a person sees,
// for the checks that walk the whole site (e2e/a11y.spec.ts, e2e/layout.spec.ts). The data is made
// the way the other e2e specs make it: a chart shared through the API, people and roles written to
// the e2e server's database, and a .bsm imported into the browser's own library.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { type Browser, type BrowserContext, expect, type Page, test } from "@playwright/test";
import { serializeBeatmap } from "../../lib/beatmap/index.ts";
import { grooveChart } from "../../lib/beatmap/testing.ts";
import { makeTempDir, renderSong } from "../../lib/fingerprint/test-support.ts";
import { signedInPerson } from "./people.ts";
import { queryServerDb } from "./server-db.ts";
import { shareGeneratedChart } from "./share-chart.ts";

export interface SitePage {
  /** What the report calls it. */
  name: string;
  path: string;
  /** Waits until the page shows its content (not its loading state). */
  ready: (page: Page) => Promise<void>;
  /** Seen by a visitor (sign-in pages) rather than by the signed-in admin. */
  visitor?: boolean;
}

export interface Site {
  pages: SitePage[];
  /** The signed-in admin's context, with the local chart in its library. */
  member: BrowserContext;
  visitor: BrowserContext;
  close: () => Promise<void>;
}

const TITLE = "Site Walk Groove";

async function heading(page: Page, name?: string): Promise<void> {
  await expect(page.getByRole("heading", { level: 1, ...(name ? { name } : {}) })).toBeVisible({
    timeout: 30_000,
  });
}

/** A chart shared from a device (the generate page's "share"), its song, and its map. */
async function sharedMap(browser: Browser, baseURL: string, dir: string) {
  const wav = renderSong(dir, 4321, 20);
  const groove = grooveChart({ bars: 4, bpm: 120, offsetMs: 500 });
  const api = await browser.newContext({ baseURL });
  const { mapId, chart } = await shareGeneratedChart(
    api.request,
    wav,
    { ...groove, Metadata: { ...groove.Metadata, Title: TITLE, Artist: "The Walkers" } },
    { filename: "walk.wav" },
  );
  await api.close();
  const [row] = await queryServerDb<{ song_id: string; version_id: string }>(
    "SELECT m.song_id, v.id AS version_id FROM maps m JOIN map_versions v ON v.map_id = m.id WHERE m.id = $1",
    [mapId],
  );
  return { mapId, songId: row!.song_id, versionId: row!.version_id, chart };
}

/** A fixer's pending edit, so the map page and the verify queue show a proposal. */
async function pendingProposal(
  browser: Browser,
  baseURL: string,
  map: { mapId: string; versionId: string; chart: ReturnType<typeof grooveChart> },
) {
  const fixer = await signedInPerson("Fran Fixer", 100);
  const context = await browser.newContext({ baseURL });
  await context.addCookies([{ name: "bs_session", value: fixer.token, url: baseURL }]);
  const edited = { ...map.chart, HitObjects: map.chart.HitObjects.slice(1) };
  const created = await context.request.post("/api/trpc/proposals.create", {
    headers: { "content-type": "application/json", origin: baseURL },
    data: {
      json: {
        mapId: map.mapId,
        baseVersionId: map.versionId,
        chart: edited,
        message: "the first crash is bleed",
      },
    },
  });
  const body = await created.text();
  await context.close();
  expect(created.ok(), body).toBe(true);
}

/** A server job of the admin's that failed, for the job page (its live view ends at once). */
async function failedJob(userId: string, songId: string): Promise<string> {
  const [job] = await queryServerDb<{ id: string }>(
    `INSERT INTO ai_jobs (dedup_key, song_id, requested_by_id, state, error, finished_at, upload_name)
     VALUES ($1, $2, $3, 'failed', 'The server ran out of memory separating the stems.', now(), 'walk.wav')
     RETURNING id`,
    [`site-walk-${Date.now()}`, songId, userId],
  );
  await queryServerDb("INSERT INTO ai_job_subscribers (job_id, user_id) VALUES ($1, $2)", [job!.id, userId]);
  return job!.id;
}

/**
 * Imports a .bsm into the context's own library and returns the chart's id there; with `stems`,
 * stores two small stems beside it (as a chart generated on the device keeps them), so the
 * library's storage panel lists them.
 */
async function localChart(
  context: BrowserContext,
  dir: string,
  title: string,
  stems = false,
): Promise<string> {
  const chart = grooveChart({ bars: 8, bpm: 110, offsetMs: 400 });
  chart.Metadata.Title = title;
  const file = join(dir, `${title}.bsm`);
  writeFileSync(file, serializeBeatmap(chart));
  const page = await context.newPage();
  await page.goto("/library");
  await page.getByLabel("Import a .bsm chart").setInputFiles(file);
  await expect(page.getByTestId("library-status")).toContainText(`Imported “${title}”`);
  const href = await page.getByRole("link", { name: `Play ${title}`, exact: true }).getAttribute("href");
  const id = /\/play\/(.+)$/.exec(href ?? "")?.[1];
  if (!id) throw new Error(`The library's Play link had no chart id: ${href}`);
  if (stems) {
    await page.evaluate(
      (chartId) =>
        new Promise<void>((resolve, reject) => {
          const open = indexedDB.open("beatsight");
          open.onerror = () => reject(open.error);
          open.onsuccess = () => {
            const stem = new Blob([new Uint8Array(4096)], { type: "audio/wav" });
            const tx = open.result.transaction("stems", "readwrite");
            tx.objectStore("stems").put({
              chartId,
              sampleRate: 44_100,
              drums: stem,
              accompaniment: stem,
              bytes: 2 * stem.size,
              createdAt: Date.now(),
            });
            tx.oncomplete = () => {
              open.result.close();
              resolve();
            };
            tx.onerror = () => reject(tx.error);
          };
        }),
      id,
    );
  }
  await page.close();
  return id;
}

/**
 * The site, prepared once for the spec file that calls this (its top level) and closed after the
 * file's tests: `site()` inside a test.
 */
export function siteForThisFile(): () => Site {
  let site: Site | undefined;
  test.beforeAll(async ({ browser }, info) => {
    info.setTimeout(180_000);
    site = await prepareSite(browser, info.project.use.baseURL!);
  });
  test.afterAll(async () => {
    await site?.close();
  });
  return () => {
    if (!site) throw new Error("The site is prepared in beforeAll; call site() inside a test.");
    return site;
  };
}

export async function prepareSite(browser: Browser, baseURL: string): Promise<Site> {
  const temp = makeTempDir();
  const map = await sharedMap(browser, baseURL, temp.dir);
  await pendingProposal(browser, baseURL, map);
  // Admin and verifier at once: every page and panel a signed-in person can reach.
  const admin = await signedInPerson("Avery Admin", 500);
  await queryServerDb("INSERT INTO user_roles (user_id, role_name) VALUES ($1, 'admin')", [admin.id]);
  const jobId = await failedJob(admin.id, map.songId);
  const member = await browser.newContext({ baseURL });
  await member.addCookies([{ name: "bs_session", value: admin.token, url: baseURL }]);
  const chartId = await localChart(member, temp.dir, "Local Groove");
  await localChart(member, temp.dir, "Stemmed Groove", true);
  const visitor = await browser.newContext({ baseURL });

  const pages: SitePage[] = [
    { name: "home", path: "/", ready: (p) => heading(p) },
    { name: "generate", path: "/generate", ready: (p) => heading(p) },
    {
      name: "library",
      path: "/library",
      ready: async (p) => {
        await heading(p, "Library");
        await expect(p.getByTestId("library-list")).toContainText("Stemmed Groove");
        await expect(p.getByRole("button", { name: /stems of Stemmed Groove$/ })).toBeVisible();
        // The delete button's second state, "Confirm delete", is checked too.
        await p.getByRole("button", { name: "Delete Stemmed Groove", exact: true }).click();
        await expect(p.getByRole("button", { name: /^Confirm/ })).toBeVisible();
      },
    },
    {
      name: "verify",
      path: "/verify",
      ready: async (p) => {
        await heading(p, "Verify");
        await expect(p.getByTestId("queue-item").first()).toBeVisible({ timeout: 30_000 });
      },
    },
    {
      name: "map",
      path: `/maps/${map.mapId}`,
      ready: async (p) => {
        await heading(p);
        await expect(p.getByRole("button", { name: /^Helpful/ }).first()).toBeVisible();
      },
    },
    { name: "song", path: `/songs/${map.songId}`, ready: (p) => heading(p, TITLE) },
    {
      name: "player",
      path: `/play/${chartId}`,
      ready: async (p) => {
        await heading(p, "Local Groove");
        await expect(p.getByTestId("play")).toBeVisible();
      },
    },
    {
      name: "editor (map)",
      path: `/edit/${map.mapId}`,
      ready: async (p) => {
        await p.waitForFunction(() => Boolean(window.__beatsightEditor), null, { timeout: 30_000 });
      },
    },
    {
      name: "editor (local)",
      path: `/edit/local/${chartId}`,
      ready: async (p) => {
        await p.waitForFunction(() => Boolean(window.__beatsightEditor), null, { timeout: 30_000 });
      },
    },
    {
      name: "job",
      path: `/jobs/${jobId}`,
      ready: async (p) => {
        await heading(p);
        await expect(p.getByTestId("job-status")).toContainText("Failed", { timeout: 30_000 });
      },
    },
    {
      name: "me",
      path: "/me",
      ready: async (p) => {
        await heading(p, "Your account");
        await expect(p.getByText("Avery Admin").first()).toBeVisible({ timeout: 30_000 });
      },
    },
    {
      name: "roles",
      path: "/admin/roles",
      ready: async (p) => {
        await heading(p, "Roles");
        await p.waitForLoadState("networkidle");
      },
    },
    {
      name: "ops",
      path: "/ops",
      ready: async (p) => {
        await heading(p, "Operations");
        await p.waitForLoadState("networkidle");
      },
    },
    { name: "outbox", path: "/dev/outbox", ready: (p) => heading(p) },
    { name: "status", path: "/health", ready: (p) => heading(p) },
    { name: "privacy", path: "/privacy", ready: (p) => heading(p) },
    { name: "sign in", path: "/sign-in", ready: (p) => heading(p, "Sign in"), visitor: true },
    { name: "sign up", path: "/sign-up", ready: (p) => heading(p), visitor: true },
    { name: "reset password", path: "/reset-password", ready: (p) => heading(p), visitor: true },
    { name: "sign-in link", path: "/sign-in-link", ready: (p) => heading(p), visitor: true },
    { name: "confirm email", path: "/verify-email", ready: (p) => heading(p), visitor: true },
    { name: "not found", path: "/no-such-page", ready: (p) => heading(p), visitor: true },
  ];
  return {
    pages,
    member,
    visitor,
    close: async () => {
      await member.close();
      await visitor.close();
      temp.cleanup();
    },
  };
}

/** Opens a site page in its context and waits until it shows its content. */
export async function openSitePage(site: Site, entry: SitePage, page?: Page): Promise<Page> {
  const tab = page ?? (await (entry.visitor ? site.visitor : site.member).newPage());
  await tab.goto(entry.path);
  await entry.ready(tab);
  return tab;
}
