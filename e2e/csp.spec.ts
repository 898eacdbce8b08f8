// The Content-Security-Policy (proxy.ts, server/http/csp.ts) against the whole app in Chromium:
// every page is visited and used — a chart generated on this device (Web Workers, onnxruntime-web's
// WebAssembly and threads, the models' cache), played slowed down (the SoundTouch AudioWorklet), a
// server map, the editor, accounts, health, the service worker and its offline pages — while every
// channel a violation can show up on is watched: the page's `securitypolicyviolation` events, the
// console of the page and its workers, and the reports the browser sends to /api/csp-report. A
// first test makes a violation on purpose, so a watcher that sees nothing is known to be looking.
import { createHash, randomBytes } from "node:crypto";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect, test } from "@playwright/test";
import { type Beatmap, canonicalJson, contentHash, serializeBeatmap } from "../lib/beatmap/index.ts";
import { grooveChart } from "../lib/beatmap/testing.ts";
import { makeTempDir } from "../lib/fingerprint/test-support.ts";
import { watchViolations } from "./support/csp-violations.ts";
import { renderGroove } from "./support/groove.ts";
import { signedInPerson } from "./support/people.ts";
import { queryServerDb } from "./support/server-db.ts";

// Model download, WASM compilation and inference on a busy 2-core machine.
test.setTimeout(300_000);

let temp: ReturnType<typeof makeTempDir>;
let groove: Awaited<ReturnType<typeof renderGroove>>;
let bsmPath: string;

test.beforeAll(async () => {
  temp = makeTempDir();
  groove = await renderGroove(temp.dir, { bars: 2 });
  bsmPath = join(temp.dir, "groove.bsm");
  writeFileSync(bsmPath, serializeBeatmap(grooveChart({ bars: 2, bpm: 120, offsetMs: 500 })));
});
test.afterAll(() => temp.cleanup());

async function seedMap(chart: Beatmap): Promise<string> {
  const [song] = await queryServerDb<{ id: string }>(
    "INSERT INTO songs (title, artist, duration_ms, status) VALUES ($1, 'CSP tests', $2, 'unverified') RETURNING id",
    [`CSP song ${randomBytes(3).toString("hex")}`, Math.round(chart.Audio.Duration ?? 0)],
  );
  const [map] = await queryServerDb<{ id: string }>(
    "INSERT INTO maps (song_id, name, state) VALUES ($1, 'Expert (AI)', 'ai_draft') RETURNING id",
    [song?.id],
  );
  await queryServerDb(
    "INSERT INTO map_versions (map_id, number, source, content_hash, content) VALUES ($1, 1, 'ai', $2, $3)",
    [map?.id, await contentHash(chart), canonicalJson(chart)],
  );
  return map?.id as string;
}

function nonceOf(policy: string | undefined): string | undefined {
  return /'nonce-([^']+)'/.exec(policy ?? "")?.[1];
}

test("pages carry a policy that allows exactly their own scripts: a fresh nonce, or a prerendered page's hashes", async ({
  request,
}) => {
  // Rendered per request: a fresh nonce each time, on every script Next rendered.
  const first = await request.get("/health");
  const second = await request.get("/health");
  const policy = first.headers()["content-security-policy"];
  expect(policy).toContain("'wasm-unsafe-eval'");
  expect(policy).toContain("object-src 'none'");
  expect(policy).toContain("frame-ancestors 'none'");
  expect(policy).not.toContain("'unsafe-inline' ");
  const nonce = nonceOf(policy);
  expect(nonce).toMatch(/^[A-Za-z0-9+/]{22}==$/);
  expect(nonceOf(second.headers()["content-security-policy"])).not.toBe(nonce);
  const html = await first.text();
  const scripts = [...html.matchAll(/<script\b[^>]*>/g)].map((m) => m[0]);
  expect(scripts.length).toBeGreaterThan(0);
  for (const tag of scripts) expect(tag).toContain(`nonce="${nonce}"`);

  // Prerendered (the same bytes for everyone): no nonce; each inline script allowed by its hash.
  for (const page of ["/", "/library", "/sign-in"]) {
    const response = await request.get(page);
    const pagePolicy = response.headers()["content-security-policy"] ?? "";
    expect(nonceOf(pagePolicy), page).toBeUndefined();
    const inline = [
      ...(await response.text()).matchAll(/<script\b(?![^>]*\ssrc=)[^>]*>([\s\S]*?)<\/script>/g),
    ]
      .map((m) => m[1] ?? "")
      .filter((body) => body.length > 0);
    expect(inline.length, page).toBeGreaterThan(0);
    for (const body of inline) {
      expect(pagePolicy, page).toContain(`'sha256-${createHash("sha256").update(body).digest("base64")}'`);
    }
  }

  // Scripts a worker starts from carry the worker policy; over http there is no HSTS.
  for (const script of ["/sw.js", "/play/soundtouch-processor.js"]) {
    const response = await request.get(script);
    expect(response.headers()["content-security-policy"], script).toContain(
      "script-src 'self' 'wasm-unsafe-eval'",
    );
    expect(response.headers()["strict-transport-security"]).toBeUndefined();
  }
});

test("a script injected into a page without the nonce is refused, and every watcher sees it", async ({
  page,
  context,
}) => {
  const seen = await watchViolations(page, context);
  // What a stored XSS would be: markup with a script in the page as the server sent it.
  await page.route("**/sign-in", async (route) => {
    const response = await route.fetch();
    const html = (await response.text()).replace(
      "</body>",
      "<script>window.__injected = true</script></body>",
    );
    await route.fulfill({ response, body: html });
  });
  // The report reaches the endpoint through the request guard and is taken.
  const reportAnswer = context.waitForEvent(
    "response",
    (r) => new URL(r.url()).pathname === "/api/csp-report",
  );
  await page.goto("/sign-in");
  await expect(page.getByRole("heading", { level: 1, name: "Sign in" })).toBeVisible();
  expect((await reportAnswer).status()).toBe(204);
  expect(
    await page.evaluate(() => (window as unknown as { __injected?: boolean }).__injected),
  ).toBeUndefined();
  await expect.poll(() => seen.filter((s) => s.startsWith("event")).length).toBeGreaterThan(0);
  await expect.poll(() => seen.filter((s) => s.startsWith("console")).length).toBeGreaterThan(0);
  await expect.poll(() => seen.filter((s) => s.startsWith("report sent")).length).toBeGreaterThan(0);
  expect(seen.join("\n")).toContain("script-src-elem");
});

test("the whole app runs under the policy without one violation", async ({ page, context, baseURL }) => {
  const seen = await watchViolations(page, context);
  const person = await signedInPerson("Casey");

  // Home, then generation on this device: workers, WebAssembly, onnxruntime-web, models.
  await page.goto("/");
  await expect(page.getByTestId("server-status")).toContainText("Server online");
  await page.goto("/generate");
  await page.locator('input[type="file"]').setInputFiles(groove.file);
  await expect(page.getByTestId("recommended-backend")).toContainText("WebAssembly");
  await page.getByRole("button", { name: "Generate the chart" }).click();
  await expect(page.getByTestId("generate-result")).toContainText("Chart ready", { timeout: 240_000 });

  // The player, slowed down with the stems just made: the SoundTouch worklet.
  await page.getByTestId("generate-result").getByRole("link", { name: "Practise it" }).click();
  await expect(page.getByTestId("play")).toBeVisible();
  const player = page.url();
  await page.getByLabel("Count-in").selectOption("0");
  await page.getByRole("slider", { name: "Tempo" }).fill("75");
  await page.getByTestId("play").click();
  await expect(page.getByText("Pitch kept while slowed down or sped up.")).toBeVisible({ timeout: 30_000 });
  await page.getByTestId("pause").click();

  // The library: importing a chart.
  await page.goto("/library");
  await page.getByLabel("Import a .bsm chart").setInputFiles(bsmPath);
  await expect(page.getByTestId("library-status")).toContainText("Imported");

  // A server map and its editor, signed in; accounts pages; health.
  await context.addCookies([{ name: "bs_session", value: person.token, url: baseURL as string }]);
  const mapId = await seedMap(grooveChart({ bars: 2, bpm: 120, offsetMs: 500 }));
  await page.goto(`/maps/${mapId}`);
  await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
  await page.goto(`/edit/${mapId}`);
  await expect(page.getByTestId("timeline")).toBeVisible();
  await page.goto("/me");
  await expect(page.getByRole("main")).toContainText("Casey");
  await page.goto("/health");
  await expect(page.getByRole("main")).toContainText(/database/i);
  await context.clearCookies();
  await page.goto("/sign-in");
  await expect(page.getByRole("heading", { level: 1, name: "Sign in" })).toBeVisible();
  await page.goto("/verify");
  await expect(page.getByRole("heading", { level: 1, name: "Verify" })).toBeVisible();

  // Offline: the service worker answers from its caches, each page with the headers it was saved with.
  await page.waitForFunction(async () => {
    await navigator.serviceWorker.ready;
    return navigator.serviceWorker.controller !== null;
  });
  await context.setOffline(true);
  await context.route("**/*", (route) => route.abort("internetdisconnected"));
  await page.goto("/library");
  await expect(page.getByRole("heading", { level: 1, name: "Library" })).toBeVisible();
  await page.goto(player);
  await expect(page.getByTestId("play")).toBeVisible();
  await context.unroute("**/*");
  await context.setOffline(false);

  // Reports may trail the page that caused them by a moment.
  await page.goto("/");
  await expect(page.getByTestId("server-status")).toContainText("Server online");
  expect(seen).toEqual([]);
});
