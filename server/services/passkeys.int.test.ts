// Passkeys through the tRPC API with a software authenticator (real keys, CBOR and signatures):
// add, sign in without typing an email, list, remove; challenges are single-use, expire and belong
// to their purpose and user; a signature from another origin is refused.
import { describe, expect, it } from "vitest";
import { TestBrowser } from "../../test/browser-caller.ts";
import { migratedDatabaseForFile } from "../../test/db.ts";
import { SoftwareAuthenticator } from "../../test/software-authenticator.ts";
import { createTestUser } from "../../test/users.ts";

const database = migratedDatabaseForFile();
const db = () => database().db;
const ORIGIN = "http://beatsight.test";

async function signedInBrowser() {
  const user = await createTestUser(db(), { displayName: "Questlove" });
  const browser = new TestBrowser(db());
  browser.cookie = user.cookie;
  return { user, browser };
}

async function addPasskey(browser: TestBrowser, authenticator: SoftwareAuthenticator, name = "Laptop") {
  const options = await browser.call((api) => api.auth.passkeyRegistrationOptions());
  const response = authenticator.register(options, ORIGIN);
  return browser.call((api) => api.auth.registerPasskey({ response, name }));
}

describe("passkeys", () => {
  it("signs in while a password alone is not enough, and makes the password enough again", async () => {
    const { user, browser } = await signedInBrowser();
    const authenticator = new SoftwareAuthenticator();
    await addPasskey(browser, authenticator);
    await db().user.update({
      where: { id: user.id },
      data: { passwordStepUpUntil: new Date(Date.now() + 3600_000), failedLoginCount: 3 },
    });
    const visitor = new TestBrowser(db());
    const request = await visitor.call((api) => api.auth.passkeyAuthenticationOptions());
    await visitor.call((api) =>
      api.auth.signInWithPasskey({ response: authenticator.authenticate(request, ORIGIN) }),
    );
    expect(visitor.cookie).toMatch(/^bs_session=/);
    expect(await db().user.findUniqueOrThrow({ where: { id: user.id } })).toMatchObject({
      passwordStepUpUntil: null,
      failedLoginCount: 0,
    });
  });

  it("adds a passkey, signs in with it without an email, lists and removes it", async () => {
    const { user, browser } = await signedInBrowser();
    const authenticator = new SoftwareAuthenticator();
    const options = await browser.call((api) => api.auth.passkeyRegistrationOptions());
    expect(options.rp).toEqual({ name: "BeatSight", id: "beatsight.test" });
    expect(options.authenticatorSelection?.residentKey).toBe("required");
    const added = await browser.call((api) =>
      api.auth.registerPasskey({ response: authenticator.register(options, ORIGIN), name: "Laptop" }),
    );
    expect(added.name).toBe("Laptop");
    const stored = await db().passkey.findFirstOrThrow({ where: { userId: user.id } });
    expect(stored.transports).toEqual(["internal"]);

    const visitor = new TestBrowser(db());
    const request = await visitor.call((api) => api.auth.passkeyAuthenticationOptions());
    expect(request.allowCredentials).toEqual([]);
    await visitor.call((api) =>
      api.auth.signInWithPasskey({ response: authenticator.authenticate(request, ORIGIN) }),
    );
    expect(visitor.cookie).toMatch(/^bs_session=/);
    expect((await visitor.call((api) => api.auth.me()))?.id).toBe(user.id);
    const used = await db().passkey.findUniqueOrThrow({ where: { id: added.id } });
    expect(used.counter).toBe(1n);
    expect(used.lastUsedAt).not.toBeNull();

    const listed = await browser.call((api) => api.auth.passkeys());
    expect(listed.map((p) => p.name)).toEqual(["Laptop"]);
    await browser.call((api) => api.auth.removePasskey({ passkeyId: added.id }));
    expect(await browser.call((api) => api.auth.passkeys())).toEqual([]);
    const again = await visitor.call((api) => api.auth.passkeyAuthenticationOptions());
    await expect(
      visitor.call((api) =>
        api.auth.signInWithPasskey({ response: authenticator.authenticate(again, ORIGIN) }),
      ),
    ).rejects.toMatchObject({
      code: "UNAUTHORIZED",
      message: expect.stringContaining("not registered here"),
    });

    const audit = await db().auditLogEntry.findMany({
      where: { subjectId: user.id },
      orderBy: { id: "asc" },
    });
    expect(audit.map((a) => a.action)).toEqual(["passkey.add", "passkey.remove"]);
  });

  it("uses each challenge once, and refuses an expired one", async () => {
    const { browser } = await signedInBrowser();
    const authenticator = new SoftwareAuthenticator();
    await addPasskey(browser, authenticator);
    const visitor = new TestBrowser(db());
    const request = await visitor.call((api) => api.auth.passkeyAuthenticationOptions());
    const response = authenticator.authenticate(request, ORIGIN);
    await visitor.call((api) => api.auth.signInWithPasskey({ response }));
    const replayer = new TestBrowser(db());
    await expect(replayer.call((api) => api.auth.signInWithPasskey({ response }))).rejects.toMatchObject({
      code: "BAD_REQUEST",
      message: expect.stringContaining("Signing in with the passkey did not work"),
    });
    expect(replayer.cookie).toBeNull();

    const late = await visitor.call((api) => api.auth.passkeyAuthenticationOptions());
    await db().webauthnChallenge.update({
      where: { challenge: late.challenge },
      data: { expiresAt: new Date(Date.now() - 1) },
    });
    await expect(
      visitor.call((api) =>
        api.auth.signInWithPasskey({ response: authenticator.authenticate(late, ORIGIN) }),
      ),
    ).rejects.toMatchObject({ code: "BAD_REQUEST" });
  });

  it("does not accept a registration challenge issued to someone else, or a sign-in challenge", async () => {
    const alice = await signedInBrowser();
    const bob = await signedInBrowser();
    const authenticator = new SoftwareAuthenticator();
    const forAlice = await alice.browser.call((api) => api.auth.passkeyRegistrationOptions());
    await expect(
      bob.browser.call((api) =>
        api.auth.registerPasskey({ response: authenticator.register(forAlice, ORIGIN) }),
      ),
    ).rejects.toMatchObject({ code: "BAD_REQUEST" });
    const signInChallenge = await bob.browser.call((api) => api.auth.passkeyAuthenticationOptions());
    const forged = authenticator.register({ ...forAlice, challenge: signInChallenge.challenge }, ORIGIN);
    await expect(
      bob.browser.call((api) => api.auth.registerPasskey({ response: forged })),
    ).rejects.toMatchObject({
      code: "BAD_REQUEST",
    });
    expect(await db().passkey.count({ where: { userId: { in: [alice.user.id, bob.user.id] } } })).toBe(0);
  });

  it("refuses a signature made for another origin (a phishing page)", async () => {
    const { browser } = await signedInBrowser();
    const authenticator = new SoftwareAuthenticator();
    await addPasskey(browser, authenticator);
    const visitor = new TestBrowser(db());
    const request = await visitor.call((api) => api.auth.passkeyAuthenticationOptions());
    const phished = authenticator.authenticate(
      request,
      "https://beatsight-login.example",
      (c) => c.rpId === "beatsight.test",
    );
    await expect(
      visitor.call((api) => api.auth.signInWithPasskey({ response: phished })),
    ).rejects.toMatchObject({
      code: "BAD_REQUEST",
      message: expect.stringContaining("origin"),
    });
  });

  it("lets only the owner remove a passkey, and needs a session to add one", async () => {
    const owner = await signedInBrowser();
    const other = await signedInBrowser();
    const added = await addPasskey(owner.browser, new SoftwareAuthenticator());
    await expect(
      other.browser.call((api) => api.auth.removePasskey({ passkeyId: added.id })),
    ).rejects.toMatchObject({
      code: "BAD_REQUEST",
    });
    expect(await db().passkey.count({ where: { id: added.id } })).toBe(1);
    await expect(
      new TestBrowser(db()).call((api) => api.auth.passkeyRegistrationOptions()),
    ).rejects.toMatchObject({
      code: "UNAUTHORIZED",
    });
  });
});
