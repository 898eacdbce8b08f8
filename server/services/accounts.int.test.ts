// Accounts end to end through the tRPC API on a real PostgreSQL: sign-up, the emailed link,
// sign-in, sign-out, wrong-password limits and the password step-up, sign-in links, password
// reset, single-use and expiring tokens, enumeration-safe answers (words and time), rate limits
// and the same-origin guard. Mail goes to the test database's dev outbox (dev_mail).

import { rmSync } from "node:fs";
import { afterAll, describe, expect, it, vi } from "vitest";
import { type Caller, TestBrowser } from "../../test/browser-caller.ts";
import { migratedDatabaseForFile } from "../../test/db.ts";
import { createTestUser } from "../../test/users.ts";
import { hashToken } from "../auth/tokens.ts";
import { listOutbox } from "../mail/outbox.ts";
import { MESSAGES } from "./accounts.ts";
import { afterAnswerSettled } from "./after-answer.ts";
import { LIMITS } from "./limit-policies.ts";
import { STEP_UP } from "./sign-in.ts";

await vi.hoisted(async () => {
  // Before any module reads the environment (imports are hoisted above this file's code, so this
  // must be too): this file has its own data directory.
  const { mkdtempSync } = await import("node:fs");
  const { tmpdir } = await import("node:os");
  const { join } = await import("node:path");
  process.env.DATA_DIR = mkdtempSync(join(tmpdir(), "beatsight-accounts-"));
});

const database = migratedDatabaseForFile();
const db = () => database().db;
afterAll(() => rmSync(process.env.DATA_DIR!, { recursive: true, force: true }));

let counter = 0;
function newEmail(): string {
  return `drummer-${process.pid}-${++counter}-${Date.now()}@example.test`;
}

async function mailsTo(to: string) {
  // Mail is sent after the answer.
  await afterAnswerSettled();
  return listOutbox(db(), { to, limit: 1000 });
}

/** The token from the newest email to `to` whose link goes to `page`. */
async function tokenFromMail(
  to: string,
  page: "verify-email" | "reset-password" | "sign-in-link",
): Promise<string> {
  const mail = (await mailsTo(to)).find((m) => m.text.includes(`/${page}#token=`));
  const token = mail?.text.match(/#token=([A-Za-z0-9_-]{43})/)?.[1];
  if (!token) throw new Error(`no ${page} link mailed to ${to}`);
  return token;
}

async function signUpVerified(browser: TestBrowser, password = "correct horse battery") {
  const email = newEmail();
  await browser.call((api) => api.auth.signUp({ email, password, displayName: "Sheila E." }));
  const token = await tokenFromMail(email, "verify-email");
  await browser.call((api) => api.auth.verifyEmail({ token }));
  return { email, password };
}

async function auditActions(userId: string): Promise<string[]> {
  await afterAnswerSettled();
  const rows = await db().auditLogEntry.findMany({ where: { subjectId: userId }, orderBy: { id: "asc" } });
  return rows.map((r) => r.action);
}

describe("sign up, confirm, sign in, sign out", () => {
  it("goes through the whole flow with a session cookie the browser cannot read", async () => {
    const browser = new TestBrowser(db());
    const email = newEmail();
    const signedUp = await browser.call((api) =>
      api.auth.signUp({
        email: `  ${email.toUpperCase()} `,
        password: "correct horse battery",
        displayName: "Sheila E.",
      }),
    );
    expect(signedUp.message).toBe(MESSAGES.signUpSent);
    expect(browser.cookie).toBeNull();
    // The account is written after the answer, so a taken address answers as fast.
    await afterAnswerSettled();

    const user = await db().user.findUniqueOrThrow({ where: { email } });
    expect(user.passwordHash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(user.emailVerifiedAt).toBeNull();

    const mail = (await mailsTo(email))[0];
    expect(mail?.subject).toBe("Confirm your email address for BeatSight");
    expect(mail?.text).toContain("http://beatsight.test/verify-email#token=");
    const token = await tokenFromMail(email, "verify-email");
    // Only the hash is stored.
    const stored = await db().emailToken.findFirstOrThrow({ where: { userId: user.id } });
    expect(stored.tokenHash).toBe(hashToken(token));
    expect(stored.tokenHash).not.toContain(token);

    expect(await browser.call((api) => api.auth.verifyEmail({ token }))).toEqual({ email });
    await browser.call((api) => api.auth.signIn({ email, password: "correct horse battery" }));
    expect(browser.cookie).toMatch(/^bs_session=[A-Za-z0-9_-]{43}$/);
    const setCookie = browser.lastSetCookie[0] ?? "";
    expect(setCookie).toContain("HttpOnly");
    expect(setCookie).toContain("SameSite=Lax");
    expect(setCookie).toContain("Path=/");
    // Thirty days, give or take the second the test takes.
    expect(Number(setCookie.match(/Max-Age=(\d+)/)?.[1])).toBeGreaterThan(30 * 24 * 3600 - 5);
    expect(setCookie).not.toContain("Secure");

    const me = await browser.call((api) => api.auth.me());
    expect(me).toMatchObject({ email, displayName: "Sheila E.", emailVerified: true });
    const account = await browser.call((api) => api.auth.account());
    expect(account).toMatchObject({ karma: 0, roles: ["fixer"], appointed: [] });

    await browser.call((api) => api.auth.signOut());
    expect(browser.cookie).toBeNull();
    expect(await browser.call((api) => api.auth.me())).toBeNull();
    expect(await db().session.count({ where: { userId: user.id } })).toBe(0);
    expect(await auditActions(user.id)).toEqual(["account.sign_up", "account.email_verified"]);
  });

  it("marks the cookie Secure when the site is reached over https", async () => {
    const browser = new TestBrowser(db());
    const { email, password } = await signUpVerified(browser);
    await browser.call((api) => api.auth.signIn({ email, password }), { "x-forwarded-proto": "https" });
    expect(browser.lastSetCookie[0]).toContain("; Secure");
  });

  it("refuses a password sign-in until the address is confirmed, and sends a fresh link", async () => {
    const browser = new TestBrowser(db());
    const email = newEmail();
    await browser.call((api) =>
      api.auth.signUp({ email, password: "correct horse battery", displayName: "Ringo" }),
    );
    const first = await tokenFromMail(email, "verify-email");
    await expect(
      browser.call((api) => api.auth.signIn({ email, password: "correct horse battery" })),
    ).rejects.toMatchObject({
      code: "FORBIDDEN",
      message: expect.stringContaining("confirm your email address"),
    });
    expect(browser.cookie).toBeNull();
    const second = await tokenFromMail(email, "verify-email");
    expect(second).not.toBe(first);
    // The newer link retired the older one.
    await expect(browser.call((api) => api.auth.verifyEmail({ token: first }))).rejects.toMatchObject({
      message: MESSAGES.badLink,
    });
    await browser.call((api) => api.auth.verifyEmail({ token: second }));
    await browser.call((api) => api.auth.signIn({ email, password: "correct horse battery" }));
    expect(browser.cookie).not.toBeNull();
  });

  it("rotates the session at sign-in: the previous token stops working", async () => {
    const browser = new TestBrowser(db());
    const { email, password } = await signUpVerified(browser);
    await browser.call((api) => api.auth.signIn({ email, password }));
    const before = browser.cookie;
    await browser.call((api) => api.auth.signIn({ email, password }));
    expect(browser.cookie).not.toBe(before);
    const user = await db().user.findUniqueOrThrow({ where: { email } });
    expect(await db().session.count({ where: { userId: user.id } })).toBe(1);
  });

  it("rejects weak passwords with a reason and bad input with field messages", async () => {
    const browser = new TestBrowser(db());
    const email = newEmail();
    await expect(
      browser.call((api) => api.auth.signUp({ email, password: "short", displayName: "Ringo" })),
    ).rejects.toMatchObject({
      code: "BAD_REQUEST",
      message: "Use at least 10 characters for your password.",
    });
    await expect(
      browser.call((api) => api.auth.signUp({ email, password: email, displayName: "Ringo" })),
    ).rejects.toMatchObject({ message: "Your password must not be your email address." });
    await expect(
      browser.call((api) =>
        api.auth.signUp({ email: "not-an-email", password: "correct horse battery", displayName: "" }),
      ),
    ).rejects.toMatchObject({ code: "BAD_REQUEST" });
    expect(await db().user.count({ where: { email } })).toBe(0);
  });
});

describe("no user enumeration", () => {
  it("answers sign-up for a taken address the same way, mails the owner, and changes nothing", async () => {
    const owner = new TestBrowser(db());
    const { email, password } = await signUpVerified(owner);
    const before = await db().user.findUniqueOrThrow({ where: { email } });
    const stranger = new TestBrowser(db());
    const answer = await stranger.call((api) =>
      api.auth.signUp({ email, password: "another long password", displayName: "Impostor" }),
    );
    expect(answer.message).toBe(MESSAGES.signUpSent);
    const after = await db().user.findUniqueOrThrow({ where: { email } });
    expect(after.passwordHash).toBe(before.passwordHash);
    expect(after.displayName).toBe("Sheila E.");
    expect((await mailsTo(email)).map((m) => m.subject)).toContain("You already have a BeatSight account");
    await owner.call((api) => api.auth.signIn({ email, password }));
    expect(owner.cookie).not.toBeNull();
  });

  it("says the same for a wrong password and an unknown address", async () => {
    const browser = new TestBrowser(db());
    const { email } = await signUpVerified(browser);
    const wrongPassword = browser.call((api) => api.auth.signIn({ email, password: "not the password" }));
    await expect(wrongPassword).rejects.toMatchObject({
      code: "UNAUTHORIZED",
      message: MESSAGES.wrongCredentials,
    });
    const unknown = browser.call((api) =>
      api.auth.signIn({ email: newEmail(), password: "not the password" }),
    );
    await expect(unknown).rejects.toMatchObject({ code: "UNAUTHORIZED", message: MESSAGES.wrongCredentials });
  });

  it("says the same for password resets whether or not the address has an account", async () => {
    const browser = new TestBrowser(db());
    const { email } = await signUpVerified(browser);
    const nobody = newEmail();
    const known = await browser.call((api) => api.auth.requestPasswordReset({ email }));
    const unknown = await browser.call((api) => api.auth.requestPasswordReset({ email: nobody }));
    expect(known).toEqual(unknown);
    expect(known.message).toBe(MESSAGES.resetSent);
    expect(await mailsTo(nobody)).toEqual([]);
    await tokenFromMail(email, "reset-password");
  });
});

/** The refusal `call` ends in (it must refuse). */
async function refusal(call: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await call;
  } catch (err) {
    return err as { code: string; message: string };
  }
  throw new Error("expected a refusal");
}

describe("wrong passwords: limited where they come from, never a lock on the owner", () => {
  it("limits an address after a few wrong passwords for an account; the owner elsewhere signs in at once", async () => {
    const owner = new TestBrowser(db());
    const { email, password } = await signUpVerified(owner);
    const attacker = new TestBrowser(db());
    const answers: { code: string; message: string }[] = [];
    for (let i = 0; i < 20; i++) {
      answers.push(await refusal(attacker.call((api) => api.auth.signIn({ email, password: `guess ${i}` }))));
    }
    const { free } = LIMITS["auth.wrongPassword.account"].backoff;
    expect(answers.slice(0, free)).toEqual(
      Array(free).fill(expect.objectContaining({ code: "UNAUTHORIZED", message: MESSAGES.wrongCredentials })),
    );
    // Then the address waits (a refused try is not checked, so it does not make the wait longer).
    expect(answers.slice(free)).toEqual(
      Array(20 - free).fill(
        expect.objectContaining({
          code: "TOO_MANY_REQUESTS",
          message: expect.stringMatching(
            /^Too many wrong passwords for this account from your network\. Please wait 1 second and try again, or sign in with an emailed link or a passkey\.$/,
          ),
        }),
      ),
    );
    // Even the right password waits there…
    await expect(attacker.call((api) => api.auth.signIn({ email, password }))).rejects.toMatchObject({
      code: "TOO_MANY_REQUESTS",
    });
    // …while the owner, from another address, gets in at once.
    await owner.call((api) => api.auth.signIn({ email, password }));
    expect(owner.cookie).not.toBeNull();
  });

  it("limits one address guessing many accounts, not other addresses", async () => {
    const guesser = new TestBrowser(db());
    const { free } = LIMITS["auth.wrongPassword.address"].backoff;
    for (let i = 0; i < free; i++) {
      await expect(
        guesser.call((api) => api.auth.signIn({ email: newEmail(), password: "summer2026!" })),
      ).rejects.toMatchObject({ message: MESSAGES.wrongCredentials });
    }
    await expect(
      guesser.call((api) => api.auth.signIn({ email: newEmail(), password: "summer2026!" })),
    ).rejects.toMatchObject({
      code: "TOO_MANY_REQUESTS",
      message: expect.stringMatching(/^Too many wrong passwords from your network\. Please wait 1 second/),
    });
    await expect(
      new TestBrowser(db()).call((api) => api.auth.signIn({ email: newEmail(), password: "summer2026!" })),
    ).rejects.toMatchObject({ message: MESSAGES.wrongCredentials });
  });

  it(`after ${STEP_UP.failures} wrong passwords from many addresses, asks for an emailed link or a passkey; the link signs in`, async () => {
    const owner = new TestBrowser(db());
    const { email, password } = await signUpVerified(owner);
    const fromAfar = (guess: string) =>
      new TestBrowser(db()).call((api) => api.auth.signIn({ email, password: guess }));
    for (let i = 1; i < STEP_UP.failures; i++) {
      await expect(fromAfar(`guess number ${i}`)).rejects.toMatchObject({
        message: MESSAGES.wrongCredentials,
      });
    }
    await expect(fromAfar("the last guess")).rejects.toMatchObject({
      code: "UNAUTHORIZED",
      message: MESSAGES.passwordNotEnough,
    });
    expect(MESSAGES.passwordNotEnough).toMatch(/password alone does not sign in.*link.*passkey/);

    // The right password alone is refused now, with the same words (it is not even checked).
    await expect(owner.call((api) => api.auth.signIn({ email, password }))).rejects.toMatchObject({
      code: "UNAUTHORIZED",
      message: MESSAGES.passwordNotEnough,
    });
    expect(owner.cookie).toBeNull();
    const user = await db().user.findUniqueOrThrow({ where: { email } });
    expect(user.passwordStepUpUntil?.getTime()).toBeGreaterThan(Date.now() + STEP_UP.durationMs - 60_000);
    expect(await auditActions(user.id)).toContain("account.password_step_up");

    // The emailed link gets the owner in, once, and ends the step-up.
    expect(await owner.call((api) => api.auth.requestSignInLink({ email }))).toEqual({
      message: MESSAGES.signInLinkSent,
    });
    const token = await tokenFromMail(email, "sign-in-link");
    await owner.call((api) => api.auth.signInWithLink({ token }));
    expect(owner.cookie).toMatch(/^bs_session=/);
    expect(await owner.call((api) => api.auth.me())).toMatchObject({ email });
    await expect(
      new TestBrowser(db()).call((api) => api.auth.signInWithLink({ token })),
    ).rejects.toMatchObject({ code: "BAD_REQUEST", message: MESSAGES.badLink });
    const phone = new TestBrowser(db());
    await phone.call((api) => api.auth.signIn({ email, password }));
    expect(phone.cookie).not.toBeNull();
  });

  it("lets the password alone work again when the step-up's time has passed", async () => {
    const browser = new TestBrowser(db());
    const { email, password } = await signUpVerified(browser);
    const until = (ms: number) =>
      db().user.update({ where: { email }, data: { passwordStepUpUntil: new Date(Date.now() + ms) } });
    await until(60_000);
    await expect(browser.call((api) => api.auth.signIn({ email, password }))).rejects.toMatchObject({
      message: MESSAGES.passwordNotEnough,
    });
    await until(-1000);
    await browser.call((api) => api.auth.signIn({ email, password }));
    expect(browser.cookie).not.toBeNull();
  });

  it("answers an address without an account the same way at the same point, and mails it nothing", async () => {
    const nobody = newEmail();
    const fromAfar = () =>
      new TestBrowser(db()).call((api) => api.auth.signIn({ email: nobody, password: "guess guess guess" }));
    for (let i = 1; i < STEP_UP.failures; i++) {
      await expect(fromAfar()).rejects.toMatchObject({ message: MESSAGES.wrongCredentials });
    }
    await expect(fromAfar()).rejects.toMatchObject({
      code: "UNAUTHORIZED",
      message: MESSAGES.passwordNotEnough,
    });
    await expect(fromAfar()).rejects.toMatchObject({ message: MESSAGES.passwordNotEnough });
    const link = await new TestBrowser(db()).call((api) => api.auth.requestSignInLink({ email: nobody }));
    expect(link).toEqual({ message: MESSAGES.signInLinkSent });
    expect(await mailsTo(nobody)).toEqual([]);
  });
});

describe("answers take as long whether or not the address has an account", () => {
  type Case = () => Promise<(api: Caller) => Promise<unknown>>;

  /**
   * The median milliseconds of each case's call, from a new address each time (the per-address
   * limits stay out). A case first sets up, untimed, and hands back the call to time.
   */
  async function medianTimes(cases: readonly Case[], rounds: number): Promise<number[]> {
    const times = cases.map(() => [] as number[]);
    for (let round = 0; round < rounds; round++) {
      // Alternate the order so neither case is always the one after the other.
      const order = cases.map((_, i) => (round % 2 === 0 ? i : cases.length - 1 - i));
      for (const i of order) {
        const call = await (cases[i] as Case)();
        // Work left from the previous call (rows, mail) must not land in this one's time.
        await afterAnswerSettled();
        const browser = new TestBrowser(db());
        const started = performance.now();
        await browser.call(call);
        times[i]?.push(performance.now() - started);
      }
    }
    // The first two rounds warm up.
    return times.map((t) => t.slice(2).sort((a, b) => a - b)[Math.floor((t.length - 2) / 2)] ?? Number.NaN);
  }

  it("sign-up: a taken address answers in about the time of a new one", async () => {
    // One taken address asked about again and again, as someone probing it would do (after the
    // first few times its owner is not mailed again, so its old answer was all the quicker).
    const taken = await createTestUser(db());
    const [known = 0, unknown = 0] = await medianTimes(
      [
        async () => (api) =>
          api.auth.signUp({ email: taken.email, password: "another long password", displayName: "Impostor" }),
        async () => {
          const email = newEmail();
          return (api) => api.auth.signUp({ email, password: "another long password", displayName: "New" });
        },
      ],
      32,
    );
    expect(known / unknown).toBeGreaterThan(0.7);
    expect(known / unknown).toBeLessThan(1.4);
  });

  it("password reset: a known address answers in about the time of an unknown one", async () => {
    const [known = 0, unknown = 0] = await medianTimes(
      [
        async () => {
          const { email } = await createTestUser(db());
          return (api) => api.auth.requestPasswordReset({ email });
        },
        async () => {
          const email = newEmail();
          return (api) => api.auth.requestPasswordReset({ email });
        },
      ],
      62,
    );
    expect(known / unknown).toBeGreaterThan(0.7);
    expect(known / unknown).toBeLessThan(1.4);
  });
});

describe("password reset", () => {
  it("sets a new password from the emailed link, once, and signs out every session", async () => {
    const laptop = new TestBrowser(db());
    const { email, password } = await signUpVerified(laptop);
    await laptop.call((api) => api.auth.signIn({ email, password }));
    const user = await db().user.findUniqueOrThrow({ where: { email } });
    await db().user.update({
      where: { id: user.id },
      data: { passwordStepUpUntil: new Date(Date.now() + 600_000) },
    });

    const phone = new TestBrowser(db());
    await phone.call((api) => api.auth.requestPasswordReset({ email }));
    const token = await tokenFromMail(email, "reset-password");
    // A rejected new password does not use up the link.
    await expect(
      phone.call((api) => api.auth.resetPassword({ token, password: "tiny" })),
    ).rejects.toMatchObject({
      code: "BAD_REQUEST",
      message: "Use at least 10 characters for your password.",
    });
    expect(
      await phone.call((api) => api.auth.resetPassword({ token, password: "a brand new passphrase" })),
    ).toEqual({
      email,
    });
    await expect(
      phone.call((api) => api.auth.resetPassword({ token, password: "yet another passphrase" })),
    ).rejects.toMatchObject({ message: MESSAGES.badLink });

    expect(await laptop.call((api) => api.auth.me())).toBeNull();
    await expect(phone.call((api) => api.auth.signIn({ email, password }))).rejects.toMatchObject({
      message: MESSAGES.wrongCredentials,
    });
    await phone.call((api) => api.auth.signIn({ email, password: "a brand new passphrase" }));
    expect(phone.cookie).not.toBeNull();
    expect(await auditActions(user.id)).toContain("account.password_reset");
  });

  it("refuses expired, unknown, malformed and wrong-kind tokens", async () => {
    const browser = new TestBrowser(db());
    const { email } = await signUpVerified(browser);
    await browser.call((api) => api.auth.requestPasswordReset({ email }));
    const token = await tokenFromMail(email, "reset-password");
    await db().emailToken.update({
      where: { tokenHash: hashToken(token) },
      data: { expiresAt: new Date(Date.now() - 1) },
    });
    const attempts = [
      token,
      "A".repeat(43),
      "not a token",
      await tokenFromMail(email, "verify-email"), // used already, and of the other kind
    ];
    for (const t of attempts) {
      await expect(
        browser.call((api) => api.auth.resetPassword({ token: t, password: "a brand new passphrase" })),
      ).rejects.toMatchObject({ code: "BAD_REQUEST", message: MESSAGES.badLink });
    }
  });

  it("expires verification links after their time too", async () => {
    const browser = new TestBrowser(db());
    const email = newEmail();
    await browser.call((api) =>
      api.auth.signUp({ email, password: "correct horse battery", displayName: "Max" }),
    );
    const token = await tokenFromMail(email, "verify-email");
    await db().emailToken.update({
      where: { tokenHash: hashToken(token) },
      data: { expiresAt: new Date(Date.now() - 1) },
    });
    await expect(browser.call((api) => api.auth.verifyEmail({ token }))).rejects.toMatchObject({
      message: MESSAGES.badLink,
    });
    expect((await db().user.findUniqueOrThrow({ where: { email } })).emailVerifiedAt).toBeNull();
  });
});

describe("rate limits", () => {
  it("limits reset emails per address and per recipient", async () => {
    const browser = new TestBrowser(db());
    const { email } = await signUpVerified(browser);
    for (let i = 0; i < 4; i++) {
      expect((await browser.call((api) => api.auth.requestPasswordReset({ email }))).message).toBe(
        MESSAGES.resetSent,
      );
    }
    // Sign-up sent 1 mail to this recipient; the hour allows 3, so 2 reset mails went out.
    expect((await mailsTo(email)).filter((m) => m.text.includes("/reset-password#token=")).length).toBe(2);
    for (let i = 4; i < 10; i++)
      await browser.call((api) => api.auth.requestPasswordReset({ email: newEmail() }));
    await expect(
      browser.call((api) => api.auth.requestPasswordReset({ email: newEmail() })),
    ).rejects.toMatchObject({
      code: "TOO_MANY_REQUESTS",
      message: expect.stringMatching(
        /^Too many password reset requests from your network\. Please wait \d+ minutes?/,
      ),
    });
    // Another network is not affected.
    await new TestBrowser(db()).call((api) => api.auth.requestPasswordReset({ email: newEmail() }));
  });
});

describe("sessions on the account page", () => {
  it("lists sessions, marks this one, ends one or all others", async () => {
    const laptop = new TestBrowser(db());
    const { email, password } = await signUpVerified(laptop);
    await laptop.call((api) => api.auth.signIn({ email, password }));
    const phone = new TestBrowser(db());
    await phone.call((api) => api.auth.signIn({ email, password }));
    const tablet = new TestBrowser(db());
    await tablet.call((api) => api.auth.signIn({ email, password }));

    const sessions = await laptop.call((api) => api.auth.sessions());
    expect(sessions).toHaveLength(3);
    expect(sessions.filter((s) => s.current)).toHaveLength(1);
    expect(sessions.find((s) => s.current)?.ip).toBe(laptop.ip);

    const phoneSession = sessions.find((s) => s.ip === phone.ip);
    await laptop.call((api) => api.auth.revokeSession({ sessionId: phoneSession?.id ?? "" }));
    expect(await phone.call((api) => api.auth.me())).toBeNull();

    expect(await laptop.call((api) => api.auth.revokeOtherSessions())).toEqual({ ended: 1 });
    expect(await tablet.call((api) => api.auth.me())).toBeNull();
    expect(await laptop.call((api) => api.auth.me())).not.toBeNull();
    await expect(phone.call((api) => api.auth.sessions())).rejects.toMatchObject({ code: "UNAUTHORIZED" });
  });
});
