// Accounts as a person uses them: sign up, follow the emailed link (from the dev outbox), sign in
// with the keyboard, add a passkey with Chromium's virtual authenticator (DevTools protocol), sign
// out, sign back in with the passkey.
import { type CDPSession, expect, type Page, test } from "@playwright/test";

// WebAuthn needs a domain as relying party ID (an IP address is refused), so these tests use
// localhost, which reaches the same server as 127.0.0.1.
const port = Number(process.env.E2E_PORT ?? 3100);
test.use({ baseURL: `http://localhost:${port}` });

const PASSWORD = "paradiddle flam drag ruff";

async function virtualAuthenticator(page: Page): Promise<{ cdp: CDPSession; authenticatorId: string }> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("WebAuthn.enable");
  const { authenticatorId } = await cdp.send("WebAuthn.addVirtualAuthenticator", {
    options: {
      protocol: "ctap2",
      transport: "internal",
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  });
  return { cdp, authenticatorId };
}

test("sign up, confirm by email, sign in, add a passkey, sign out, sign in with the passkey", async ({
  page,
}) => {
  const email = `drummer-${Date.now()}@example.test`;
  const name = "Sheila Escovedo";

  await page.goto("/sign-up");
  await page.getByLabel("Name").fill(name);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByRole("main").getByRole("status")).toContainText("Check your inbox");

  // The confirmation email, as the dev outbox (dev_mail) keeps it. It is sent after the answer (so the
  // answer takes as long for a known address as for a new one): reload until it is there.
  const mail = page
    .getByRole("article")
    .filter({ hasText: email })
    .filter({ hasText: "Confirm your email address" });
  await expect(async () => {
    await page.goto("/dev/outbox");
    await expect(mail).toHaveCount(1, { timeout: 500 });
  }).toPass({ timeout: 15_000 });
  await mail.getByRole("link", { name: /\/verify-email#token=/ }).click();
  await page.getByRole("button", { name: "Confirm my email address" }).click();
  await expect(page.getByTestId("email-verified")).toContainText(`${email} is confirmed`);

  // Signing in with the keyboard only.
  await page.getByRole("link", { name: "Sign in", exact: true }).first().click();
  await expect(page.getByRole("heading", { level: 1, name: "Sign in" })).toBeVisible();
  await page.getByLabel("Email").focus();
  await page.keyboard.type(email);
  await page.keyboard.press("Tab");
  await expect(page.getByLabel("Password")).toBeFocused();
  await page.keyboard.type(PASSWORD);
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/\/me$/);
  await expect(page.getByTestId("nav-account")).toHaveText(name);
  await expect(page.getByTestId("account-name")).toHaveText(name);
  await expect(page.getByRole("list", { name: "Your roles" })).toHaveText("Fixer");
  await expect(page.getByRole("list", { name: "Your sessions" })).toContainText("(this device)");

  const { cdp, authenticatorId } = await virtualAuthenticator(page);
  await page.getByLabel("Passkey name").fill("Test laptop");
  await page.getByRole("button", { name: "Add a passkey" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Passkey “Test laptop” added" })).toBeVisible();
  await expect(page.getByRole("list", { name: "Your passkeys" })).toContainText("Test laptop");
  const { credentials } = await cdp.send("WebAuthn.getCredentials", { authenticatorId });
  expect(credentials).toHaveLength(1);
  expect(credentials[0]?.isResidentCredential).toBe(true);

  await page.getByRole("button", { name: "Sign out", exact: true }).click();
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByTestId("nav-account")).toHaveText("Sign in");
  const cookies = await page.context().cookies();
  expect(cookies.find((c) => c.name === "bs_session")).toBeUndefined();

  await page.getByTestId("nav-account").click();
  await page.getByRole("button", { name: "Sign in with a passkey" }).click();
  await expect(page).toHaveURL(/\/me$/);
  await expect(page.getByTestId("nav-account")).toHaveText(name);
  const session = (await page.context().cookies()).find((c) => c.name === "bs_session");
  expect(session).toMatchObject({ httpOnly: true, sameSite: "Lax" });
  await expect(page.getByRole("list", { name: "Your passkeys" })).toContainText(/last used (?!never)/);
});

test("sign-in errors are announced, and the account pages fit a 320 px screen", async ({ page }) => {
  await page.setViewportSize({ width: 320, height: 640 });
  for (const path of ["/sign-in", "/sign-up", "/reset-password"]) {
    await page.goto(path);
    await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow, `${path} scrolls sideways`).toBeLessThanOrEqual(0);
  }
  await page.goto("/sign-in");
  await page.getByLabel("Email").fill("nobody@example.test");
  await page.getByLabel("Password").fill("not the password");
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  // In main: Next.js keeps its own (empty) route announcer with role=alert outside it.
  await expect(page.getByRole("main").getByRole("alert")).toHaveText(/Wrong email or password/);

  await page.goto("/reset-password");
  await page.getByLabel("Email").fill("nobody@example.test");
  await page.getByRole("button", { name: "Email me a link" }).click();
  await expect(page.getByRole("main").getByRole("status")).toContainText("If an account uses this address");
});
