import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { migratedDatabaseForFile } from "../../test/db.ts";
import { createCaller } from "../trpc/root.ts";
import { hashSessionToken, SESSION_COOKIE, sessionFromCookies } from "./session.ts";
import { SESSION_TTL_MS, slideSession } from "./sessions.ts";

const database = migratedDatabaseForFile();

async function signIn(expiresInMs: number) {
  const user = await database().db.user.create({
    data: {
      email: `${randomBytes(4).toString("hex")}@example.com`,
      displayName: "Ringo",
      emailVerifiedAt: new Date(),
    },
  });
  const token = randomBytes(32).toString("base64url");
  await database().db.session.create({
    data: {
      userId: user.id,
      tokenHash: hashSessionToken(token),
      expiresAt: new Date(Date.now() + expiresInMs),
    },
  });
  return { user, cookie: `theme=dark; ${SESSION_COOKIE}=${token}` };
}

describe("sessions", () => {
  it("resolves the signed-in user from the session cookie", async () => {
    const { user, cookie } = await signIn(60_000);
    const session = await sessionFromCookies(database().db, cookie);
    expect(session?.user).toEqual({
      id: user.id,
      email: user.email,
      displayName: "Ringo",
      emailVerified: true,
    });
  });

  it("ignores expired sessions, unknown tokens and malformed cookies", async () => {
    const { cookie } = await signIn(-1);
    expect(await sessionFromCookies(database().db, cookie)).toBeNull();
    expect(
      await sessionFromCookies(database().db, `${SESSION_COOKIE}=${randomBytes(32).toString("base64url")}`),
    ).toBeNull();
    expect(await sessionFromCookies(database().db, `${SESSION_COOKIE}='; DROP TABLE users; --`)).toBeNull();
    expect(await sessionFromCookies(database().db, null)).toBeNull();
  });

  it("reaches procedures through the tRPC context", async () => {
    const { user, cookie } = await signIn(60_000);
    const session = await sessionFromCookies(database().db, cookie);
    const caller = createCaller({ db: database().db, session, requestId: "test", headers: new Headers() });
    expect((await caller.auth.me())?.id).toBe(user.id);
    const anonymous = createCaller({
      db: database().db,
      session: null,
      requestId: "test",
      headers: new Headers(),
    });
    expect(await anonymous.auth.me()).toBeNull();
  });
});

describe("sliding expiry", () => {
  it("moves a session's expiry forward at most once a day while it is used", async () => {
    const { cookie } = await signIn(3600_000);
    const fresh = await sessionFromCookies(database().db, cookie);
    if (!fresh) throw new Error("no session");
    expect(await slideSession(database().db, fresh)).toBeNull();
    await database().db.session.update({
      where: { id: fresh.id },
      data: { lastSeenAt: new Date(Date.now() - 2 * 24 * 3600_000) },
    });
    const stale = await sessionFromCookies(database().db, cookie);
    if (!stale) throw new Error("no session");
    const slid = await slideSession(database().db, stale);
    expect(slid?.getTime()).toBeGreaterThan(Date.now() + SESSION_TTL_MS - 60_000);
    const row = await database().db.session.findUniqueOrThrow({ where: { id: fresh.id } });
    expect(row.expiresAt).toEqual(slid);
    expect(Date.now() - row.lastSeenAt.getTime()).toBeLessThan(60_000);
  });
});
