// "Download my data" and "delete my account" through the tRPC API on a real PostgreSQL: the export
// holds the person's own things and no secrets or other people's; deletion needs a fresh proof
// (password or passkey), ends every session and every way in, frees the address, and keeps
// canonical maps, votes, karma and the audit trail intact but pointing at an anonymous tombstone.
import { rmSync } from "node:fs";
import { afterAll, describe, expect, it, vi } from "vitest";
import { TestBrowser } from "../../test/browser-caller.ts";
import { callerFor, createSongWithMap, recordPlayedRun, withoutNote } from "../../test/community.ts";
import { migratedDatabaseForFile } from "../../test/db.ts";
import { SoftwareAuthenticator } from "../../test/software-authenticator.ts";
import { createTestUser, type TestUser } from "../../test/users.ts";
import { hashPassword } from "../auth/password.ts";
import { karmaOf } from "../auth/permissions.ts";
import { hashSessionToken } from "../auth/session.ts";
import { ACCOUNT_EXPORT_FORMAT, LAST_ADMIN_MESSAGE, tombstoneEmail } from "./account-data.ts";
import { MESSAGES } from "./accounts.ts";
import { afterAnswerSettled } from "./after-answer.ts";
import { REAUTH_MESSAGES } from "./reauthentication.ts";

await vi.hoisted(async () => {
  // Before any module reads the environment: this file's mail (a sign-up) goes to its own outbox.
  const { mkdtempSync } = await import("node:fs");
  const { tmpdir } = await import("node:os");
  const { join } = await import("node:path");
  process.env.DATA_DIR = mkdtempSync(join(tmpdir(), "beatsight-account-data-"));
});

const database = migratedDatabaseForFile();
const db = () => database().db;
afterAll(() => rmSync(process.env.DATA_DIR!, { recursive: true, force: true }));

const ORIGIN = "http://beatsight.test";
const PASSWORD = "paradiddle flam tap";

/** A confirmed account with a password, signed in through the API like a browser. */
async function personWithPassword(displayName: string) {
  const user = await createTestUser(db(), { displayName });
  await db().user.update({ where: { id: user.id }, data: { passwordHash: await hashPassword(PASSWORD) } });
  const browser = new TestBrowser(db());
  await browser.call((api) => api.auth.signIn({ email: user.email, password: PASSWORD }));
  return { user, browser };
}

function browserFor(user: TestUser): TestBrowser {
  const browser = new TestBrowser(db());
  browser.cookie = user.cookie;
  return browser;
}

/** A song whose map `fixer` fixed and `verifier` approved: canonical, with fixer's version 2. */
async function canonicalMapFixedBy(fixer: TestUser, creator: TestUser) {
  const verifier = await createTestUser(db(), { karma: 500 });
  const song = await createSongWithMap(db(), { creatorId: creator.id });
  const proposal = await (await callerFor(db(), fixer)).proposals.create({
    mapId: song.mapId,
    baseVersionId: song.versionId,
    chart: withoutNote(song.chart, 3),
    message: "ghost kick removed",
  });
  const decided = await (await callerFor(db(), verifier)).verify.decide({
    proposalId: proposal.proposalId,
    decision: "approve",
    reason: "Checked against the audio.",
    expectedCanonicalMapId: null,
  });
  return { ...song, fixedVersionId: decided.versionId as string };
}

describe("download my data", () => {
  it("holds the person's maps, charts, proposals, comments, votes, ratings and results, and no secrets", async () => {
    const { user: alice, browser } = await personWithPassword("Alice Drums");
    const bob = await createTestUser(db(), { displayName: "Bob Other" });
    const aliceMap = await createSongWithMap(db(), { creatorId: alice.id });
    const bobMap = await createSongWithMap(db(), { creatorId: bob.id });
    const asAlice = await callerFor(db(), alice);
    const asBob = await callerFor(db(), bob);
    const proposal = await asAlice.proposals.create({
      mapId: bobMap.mapId,
      baseVersionId: bobMap.versionId,
      chart: withoutNote(bobMap.chart, 2),
      message: "Alice's fix: extra snare",
    });
    await asAlice.comments.add({ versionId: bobMap.versionId, timeMs: 1000, text: "Alice says: flam here" });
    await asBob.comments.add({ versionId: bobMap.versionId, timeMs: 2000, text: "Bob's private remark" });
    await asAlice.votes.cast({ versionId: bobMap.versionId, value: 1 });
    await recordPlayedRun(db(), alice.id, bobMap.versionId);
    await recordPlayedRun(db(), bob.id, aliceMap.versionId);
    await asAlice.ratings.rate({ mapId: bobMap.mapId, stars: 4 });

    // Without the right password nothing is handed out, and nothing is recorded as exported.
    await expect(
      browser.call((api) => api.account.exportData({ proof: { password: "not my password" } })),
    ).rejects.toMatchObject({ code: "FORBIDDEN", message: REAUTH_MESSAGES.wrongPassword });
    expect(await db().auditLogEntry.count({ where: { actorId: alice.id, action: "account.export" } })).toBe(
      0,
    );

    const data = await browser.call((api) => api.account.exportData({ proof: { password: PASSWORD } }));
    expect(data).toMatchObject({
      format: ACCOUNT_EXPORT_FORMAT,
      version: 1,
      account: { id: alice.id, email: alice.email, displayName: "Alice Drums", hasPassword: true },
    });
    expect(data.mapsCreated.map((m) => m.id)).toEqual([aliceMap.mapId]);
    expect(data.versionsAuthored).toHaveLength(1);
    expect(data.versionsAuthored[0]).toMatchObject({ id: aliceMap.versionId });
    expect(data.versionsAuthored[0]?.chart).toMatchObject({ HitObjects: aliceMap.chart.HitObjects });
    expect(data.proposals).toEqual([
      expect.objectContaining({
        id: proposal.proposalId,
        message: "Alice's fix: extra snare",
        status: "pending",
      }),
    ]);
    expect(data.comments.map((c) => c.text)).toEqual(["Alice says: flam here"]);
    expect(data.votes).toEqual([expect.objectContaining({ mapVersionId: bobMap.versionId, value: 1 })]);
    expect(data.ratings).toEqual([expect.objectContaining({ mapId: bobMap.mapId, stars: 4 })]);
    expect(data.practiceResults.map((r) => r.mapVersionId)).toEqual([bobMap.versionId]);
    // Two sessions: the test user's own and the browser's sign-in.
    expect(data.sessions).toHaveLength(2);
    expect(data.sessions.every((s) => s.lastSeenAt && s.createdAt)).toBe(true);
    // Plain JSON: what the page writes to the file is exactly what came back.
    expect(JSON.parse(JSON.stringify(data))).toEqual(data);

    const text = JSON.stringify(data);
    const stored = await db().user.findUniqueOrThrow({ where: { id: alice.id } });
    expect(text).not.toContain(stored.passwordHash as string);
    expect(text).not.toContain(hashSessionToken(alice.token));
    expect(text).not.toMatch(/tokenHash|passwordHash|publicKey/);
    // Nothing of Bob's: not his comment, his name, his address or his practice run.
    expect(text).not.toContain("Bob's private remark");
    expect(text).not.toContain(bob.email);
    expect(text).not.toContain("Bob Other");
    expect(
      await db().auditLogEntry.count({
        where: { actorId: alice.id, action: "account.export", ip: browser.ip },
      }),
    ).toBe(1);
  });

  it("needs a session", async () => {
    const visitor = new TestBrowser(db());
    await expect(
      visitor.call((api) => api.account.exportData({ proof: { password: PASSWORD } })),
    ).rejects.toMatchObject({ code: "UNAUTHORIZED" });
  });
});

describe("delete my account", () => {
  it("ends every way in, frees the address, and keeps maps, votes, karma and history intact", async () => {
    const { user: alice, browser } = await personWithPassword("Alice Deleted");
    const elsewhere = browserFor(alice); // a second signed-in device
    const creator = await createTestUser(db());
    const carol = await createTestUser(db());
    const bob = await createTestUser(db());
    const canonical = await canonicalMapFixedBy(alice, creator);
    const carolMap = await createSongWithMap(db(), { creatorId: carol.id });
    const otherMap = await createSongWithMap(db(), { creatorId: creator.id });
    const asAlice = await callerFor(db(), alice);
    await asAlice.votes.cast({ versionId: carolMap.versionId, value: 1 });
    await asAlice.comments.add({
      versionId: carolMap.versionId,
      timeMs: 500,
      text: "Alice: my name is Alice",
    });
    await (await callerFor(db(), bob)).comments.add({
      versionId: carolMap.versionId,
      timeMs: 600,
      text: "Bob stays",
    });
    const pending = await asAlice.proposals.create({
      mapId: otherMap.mapId,
      baseVersionId: otherMap.versionId,
      chart: withoutNote(otherMap.chart, 1),
      message: "waiting for review",
    });
    await recordPlayedRun(db(), alice.id, carolMap.versionId);
    // A queued server job only Alice waits for, and one Bob waits for too.
    const job = (uploadName: string, subscribers: string[]) =>
      db().aiJob.create({
        data: {
          dedupKey: `song:${uploadName}`,
          requestedById: alice.id,
          uploadName,
          subscribers: { create: subscribers.map((userId) => ({ userId })) },
        },
      });
    const aloneJob = await job("alice band take 3.wav", [alice.id]);
    const sharedJob = await job("shared song.mp3", [alice.id, bob.id]);

    const before = {
      map: await db().map.findUniqueOrThrow({ where: { id: canonical.mapId } }),
      versions: await db().mapVersion.findMany({
        where: { mapId: canonical.mapId },
        orderBy: { number: "asc" },
      }),
      karmaRows: await db().karmaEntry.count(),
      aliceKarma: await karmaOf(db(), alice.id),
      carolKarma: await karmaOf(db(), carol.id),
    };
    expect(before.map).toMatchObject({ state: "verified", isCanonical: true });
    expect(before.aliceKarma).toBeGreaterThan(0);
    expect(before.carolKarma).toBe(1);
    // A download first, so the audit log holds an entry with Alice's address.
    await browser.call((api) => api.account.exportData({ proof: { password: PASSWORD } }));
    expect(
      await db().auditLogEntry.count({ where: { actorId: alice.id, ip: { not: null } } }),
    ).toBeGreaterThan(0);

    // A wrong password, or no tick in the box, changes nothing.
    await expect(
      browser.call((api) =>
        api.account.deleteAccount({ proof: { password: "wrong password!" }, confirm: true }),
      ),
    ).rejects.toMatchObject({ code: "FORBIDDEN", message: REAUTH_MESSAGES.wrongPassword });
    await expect(
      browser.call((api) =>
        api.account.deleteAccount({ proof: { password: PASSWORD }, confirm: false as unknown as true }),
      ),
    ).rejects.toMatchObject({ code: "BAD_REQUEST" });
    expect((await db().user.findUniqueOrThrow({ where: { id: alice.id } })).deletedAt).toBeNull();
    expect(await db().session.count({ where: { userId: alice.id } })).toBe(2);

    await browser.call((api) => api.account.deleteAccount({ proof: { password: PASSWORD }, confirm: true }));
    // This browser is signed out; the other device is too.
    expect(browser.cookie).toBeNull();
    expect(await elsewhere.call((api) => api.auth.me())).toBeNull();
    expect(await db().session.count({ where: { userId: alice.id } })).toBe(0);

    // The tombstone: nothing personal, no password, no way in.
    const tomb = await db().user.findUniqueOrThrow({ where: { id: alice.id } });
    expect(tomb).toMatchObject({
      email: tombstoneEmail(alice.id),
      passwordHash: null,
      emailVerifiedAt: null,
    });
    expect(tomb.displayName).toMatch(/^Deleted user /);
    expect(tomb.deletedAt).not.toBeNull();
    const visitor = new TestBrowser(db());
    await expect(
      visitor.call((api) => api.auth.signIn({ email: alice.email, password: PASSWORD })),
    ).rejects.toMatchObject({ code: "UNAUTHORIZED", message: MESSAGES.wrongCredentials });
    // Not even code that forgets to check can give the tombstone a session (migration 0010).
    await expect(
      db().session.create({
        data: { userId: alice.id, tokenHash: "x".repeat(64), expiresAt: new Date(Date.now() + 60_000) },
      }),
    ).rejects.toThrow(/was deleted/);

    // The address is free: signing up with it makes a new, different account.
    await visitor.call((api) =>
      api.auth.signUp({ email: alice.email, password: "a brand new password", displayName: "Alice Again" }),
    );
    await afterAnswerSettled();
    const again = await db().user.findUniqueOrThrow({ where: { email: alice.email } });
    expect(again.id).not.toBe(alice.id);
    expect(again.deletedAt).toBeNull();

    // The canonical map and its history are untouched; Alice's version now shows the placeholder.
    expect(await db().map.findUniqueOrThrow({ where: { id: canonical.mapId } })).toEqual(before.map);
    expect(
      await db().mapVersion.findMany({ where: { mapId: canonical.mapId }, orderBy: { number: "asc" } }),
    ).toEqual(before.versions);
    const detail = await (await callerFor(db(), null)).maps.get({ mapId: canonical.mapId });
    expect(detail.versions.find((v) => v.id === canonical.fixedVersionId)?.author).toEqual({
      id: alice.id,
      displayName: tomb.displayName,
    });
    // Votes and karma stay: Carol keeps the karma Alice's vote gave her.
    expect(await db().vote.count({ where: { userId: alice.id, mapVersionId: carolMap.versionId } })).toBe(1);
    expect(await db().karmaEntry.count()).toBe(before.karmaRows);
    expect(await karmaOf(db(), alice.id)).toBe(before.aliceKarma);
    expect(await karmaOf(db(), carol.id)).toBe(before.carolKarma);

    // Comments and practice results go; others' comments stay; the waiting fix is withdrawn.
    const comments = await db().mapComment.findMany({ where: { mapVersionId: carolMap.versionId } });
    expect(comments.map((c) => c.body)).toEqual(["Bob stays"]);
    expect(await db().practiceResult.count({ where: { userId: alice.id } })).toBe(0);
    expect((await db().mapEditProposal.findUniqueOrThrow({ where: { id: pending.proposalId } })).status).toBe(
      "withdrawn",
    );

    // The job nobody else waits for is cancelled; the shared one carries on for Bob. No file names.
    expect(await db().aiJob.findUniqueOrThrow({ where: { id: aloneJob.id } })).toMatchObject({
      state: "cancelled",
      uploadName: null,
    });
    expect(await db().aiJob.findUniqueOrThrow({ where: { id: sharedJob.id } })).toMatchObject({
      state: "queued",
      uploadName: null,
    });
    expect(await db().aiJobSubscriber.findMany({ where: { jobId: sharedJob.id } })).toEqual([
      expect.objectContaining({ userId: bob.id }),
    ]);

    // The audit trail keeps Alice's entries (and records the deletion) but none of her addresses.
    const aliceEntries = await db().auditLogEntry.findMany({ where: { actorId: alice.id } });
    expect(aliceEntries.map((e) => e.action).sort()).toEqual(["account.delete", "account.export"]);
    expect(aliceEntries.every((e) => e.ip === null)).toBe(true);

    // Others are unaffected.
    expect(await (await callerFor(db(), bob)).auth.me()).toMatchObject({ id: bob.id });
  });

  it("takes a passkey as the proof for an account without a password, and only its own passkey", async () => {
    const owner = await createTestUser(db(), { displayName: "Passkey Only" });
    const stranger = await createTestUser(db());
    const browser = browserFor(owner);
    const authenticator = new SoftwareAuthenticator();
    const strangerKeys = new SoftwareAuthenticator();
    for (const [b, a] of [
      [browser, authenticator],
      [browserFor(stranger), strangerKeys],
    ] as const) {
      const options = await b.call((api) => api.auth.passkeyRegistrationOptions());
      await b.call((api) =>
        api.auth.registerPasskey({ response: a.register(options, ORIGIN), name: "Phone" }),
      );
    }
    expect(await browser.call((api) => api.account.proofMethods())).toEqual({
      password: false,
      passkey: true,
    });

    await expect(
      browser.call((api) => api.account.exportData({ proof: { password: "anything at all" } })),
    ).rejects.toMatchObject({ code: "BAD_REQUEST", message: REAUTH_MESSAGES.noPassword });
    const signedByStranger = strangerKeys.authenticate(
      await browser.call((api) => api.auth.passkeyAuthenticationOptions()),
      ORIGIN,
    );
    await expect(
      browser.call((api) =>
        api.account.deleteAccount({ proof: { passkey: signedByStranger }, confirm: true }),
      ),
    ).rejects.toMatchObject({ code: "FORBIDDEN", message: REAUTH_MESSAGES.otherAccountsPasskey });

    const signed = authenticator.authenticate(
      await browser.call((api) => api.auth.passkeyAuthenticationOptions()),
      ORIGIN,
    );
    await browser.call((api) => api.account.deleteAccount({ proof: { passkey: signed }, confirm: true }));
    expect(await db().passkey.count({ where: { userId: owner.id } })).toBe(0);
    // The passkey's name left the audit log with the account; the stranger's stayed.
    const added = await db().auditLogEntry.findMany({ where: { action: "passkey.add" } });
    expect(added.find((e) => e.subjectId === owner.id)?.details).not.toHaveProperty("name");
    expect(added.find((e) => e.subjectId === stranger.id)?.details).toHaveProperty("name", "Phone");
    // A signature is spent once used, even where it was refused: its owner cannot replay it.
    await expect(
      browserFor(stranger).call((api) => api.account.exportData({ proof: { passkey: signedByStranger } })),
    ).rejects.toMatchObject({ code: "BAD_REQUEST" });
  });

  it("refuses to delete the only admin", async () => {
    const admin = await createTestUser(db(), { appointed: ["admin"] });
    await db().user.update({ where: { id: admin.id }, data: { passwordHash: await hashPassword(PASSWORD) } });
    expect(await db().userRole.count({ where: { roleName: "admin" } })).toBe(1);
    const browser = browserFor(admin);
    await expect(
      browser.call((api) => api.account.deleteAccount({ proof: { password: PASSWORD }, confirm: true })),
    ).rejects.toMatchObject({ code: "FORBIDDEN", message: LAST_ADMIN_MESSAGE });
    expect((await db().user.findUniqueOrThrow({ where: { id: admin.id } })).deletedAt).toBeNull();
    await createTestUser(db(), { appointed: ["admin"] });
    await browser.call((api) => api.account.deleteAccount({ proof: { password: PASSWORD }, confirm: true }));
    expect(await db().userRole.count({ where: { userId: admin.id } })).toBe(0);
  });
});

describe("the audit log after migration 0010", () => {
  it("lets an entry forget its address and details, and nothing else", async () => {
    const user = await createTestUser(db());
    const entry = await db().auditLogEntry.create({
      data: {
        actorId: user.id,
        action: "test.forget",
        subjectType: "user",
        subjectId: user.id,
        details: { name: "My phone", kept: 1 },
        ip: "10.0.0.1",
      },
    });
    await db().auditLogEntry.update({ where: { id: entry.id }, data: { ip: null, details: { kept: 1 } } });
    for (const data of [
      { action: "test.rewritten" },
      { ip: "10.9.9.9" },
      { details: { kept: 1, added: true } },
      { details: { kept: 2 } },
      { actorId: null },
    ]) {
      await expect(db().auditLogEntry.update({ where: { id: entry.id }, data })).rejects.toThrow(
        /append-only/,
      );
    }
    await expect(db().auditLogEntry.delete({ where: { id: entry.id } })).rejects.toThrow(/append-only/);
    expect(await db().auditLogEntry.findUniqueOrThrow({ where: { id: entry.id } })).toMatchObject({
      action: "test.forget",
      ip: null,
      details: { kept: 1 },
    });
  });
});
