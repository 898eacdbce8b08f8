import { expect, test } from "@playwright/test";

test("home page shows the navigation and the server status from a tRPC call", async ({ page }) => {
  // Batched with the nav's auth.me: /api/trpc/auth.me,system.health?batch=1.
  const trpcCall = page.waitForResponse((r) => /\/api\/trpc\/[^?]*system\.health/.test(r.url()) && r.ok());
  await page.goto("/");
  const nav = page.getByRole("navigation", { name: "Main" });
  for (const name of ["Home", "Library", "Verify", "Sign in"]) {
    await expect(nav.getByRole("link", { name, exact: true })).toBeVisible();
  }
  await expect(nav.getByRole("link", { name: "Home", exact: true })).toHaveAttribute("aria-current", "page");
  await trpcCall;
  await expect(page.getByTestId("server-status")).toContainText(
    /Server online · database (embedded|external)/,
  );
});

test("navigation reaches every section, and Me asks the API who is signed in", async ({ page }) => {
  await page.goto("/");
  await page.getByRole("link", { name: "Library", exact: true }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Library" })).toBeVisible();
  await page.getByRole("link", { name: "Verify", exact: true }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Verify" })).toBeVisible();
  await page.getByRole("link", { name: "Sign in", exact: true }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Sign in" })).toBeVisible();
  const me = page.waitForResponse((r) => r.url().includes("/api/trpc/auth.me"));
  await page.goto("/me");
  expect((await me).status()).toBe(200);
  await expect(page.getByTestId("signed-out")).toBeVisible();
});

test("a skip link leads keyboard users straight to the content", async ({ page }) => {
  await page.goto("/");
  await page.keyboard.press("Tab");
  const skip = page.getByRole("link", { name: "Skip to content" });
  await expect(skip).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(page.locator("main")).toBeFocused();
});

test("is usable at 320 px wide without sideways scrolling", async ({ page }) => {
  await page.setViewportSize({ width: 320, height: 640 });
  await page.goto("/");
  await expect(
    page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Sign in", exact: true }),
  ).toBeVisible();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
});

test("health endpoint and page report the database mode and migration", async ({ page, request }) => {
  const response = await request.get("/api/health");
  expect(response.status()).toBe(200);
  const body = await response.json();
  expect(body.status).toBe("ok");
  expect(["embedded", "external"]).toContain(body.db.mode);
  expect(body.db.migrationVersion).toMatch(/^\d{4}_/);
  await page.goto("/health");
  await expect(page.getByTestId("health")).toContainText(body.db.migrationVersion);
});

test("a malformed API request gets a readable error, not a crash", async ({ request }) => {
  const response = await request.get("/api/trpc/system.nope");
  expect(response.status()).toBe(404);
  const body = await response.json();
  expect(body.error.json.message).toMatch(/No procedure found/i);
});
