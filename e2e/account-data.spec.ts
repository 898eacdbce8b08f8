// People own their data, as a person uses it: on the account page, confirm with the password,
// download everything as a JSON file, then delete the account and end up signed out; the privacy
// page is one click from the footer.
import { readFile } from "node:fs/promises";
import { expect, test } from "@playwright/test";
import { hashPassword } from "../server/auth/password.ts";
import { signedInPerson } from "./support/people.ts";
import { queryServerDb } from "./support/server-db.ts";

const PASSWORD = "rimshot cross-stick ghost";

test("download my data, then delete my account", async ({ page, baseURL }) => {
  const name = "Dana Data";
  const person = await signedInPerson(name);
  await queryServerDb("UPDATE users SET password_hash = $2 WHERE id = $1", [
    person.id,
    await hashPassword(PASSWORD),
  ]);
  await page.context().addCookies([{ name: "bs_session", value: person.token, url: baseURL! }]);
  await page.goto("/me");
  await expect(page.getByTestId("nav-account")).toHaveText(name);

  const data = page.getByRole("region", { name: "Your data" });
  await data.getByLabel("Your current password").fill("not my password at all");
  await data.getByRole("button", { name: "Download my data" }).click();
  await expect(data.getByRole("alert")).toContainText("not your current password");

  await data.getByLabel("Your current password").fill(PASSWORD);
  const downloading = page.waitForEvent("download");
  await data.getByRole("button", { name: "Download my data" }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toMatch(/^beatsight-account-\d{4}-\d{2}-\d{2}\.json$/);
  const file = JSON.parse(await readFile(await download.path(), "utf8")) as {
    format: string;
    account: { id: string; displayName: string; hasPassword: boolean };
    sessions: unknown[];
  };
  expect(file.format).toBe("beatsight.account-export");
  expect(file.account).toMatchObject({ id: person.id, displayName: name, hasPassword: true });
  expect(file.sessions.length).toBeGreaterThan(0);
  await expect(data.getByRole("status")).toContainText("Your data is downloaded");

  const deletion = page.getByRole("region", { name: "Delete your account" });
  await expect(deletion).toContainText("Kept, shown as “Deleted user”");
  const remove = deletion.getByRole("button", { name: "Delete my account" });
  await expect(remove).toBeDisabled();
  await deletion.getByLabel("I understand that my account is deleted for good").check();
  await deletion.getByLabel("Your current password").fill(PASSWORD);
  await remove.click();

  await expect(page.getByTestId("account-deleted")).toContainText("Your account is deleted");
  await expect(page.getByTestId("nav-account")).toHaveText("Sign in");
  const cookies = await page.context().cookies();
  expect(cookies.find((c) => c.name === "bs_session")).toBeUndefined();
  const [row] = await queryServerDb<{ deleted: boolean; display_name: string }>(
    "SELECT deleted_at IS NOT NULL AS deleted, display_name FROM users WHERE id = $1",
    [person.id],
  );
  expect(row).toMatchObject({ deleted: true, display_name: expect.stringMatching(/^Deleted user /) });

  await page.reload();
  await expect(page.getByTestId("signed-out")).toBeVisible();

  await page.getByRole("contentinfo").getByRole("link", { name: "Privacy" }).click();
  await expect(page).toHaveURL(/\/privacy$/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(/Privacy/);
  await expect(page.getByRole("heading", { name: "Uploaded audio (server processing)" })).toBeVisible();
  await expect(page.getByRole("main")).toContainText("bs_session");
});
