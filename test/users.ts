// People for integration tests: users with a chosen email state, karma and appointed roles, and a
// session cookie to act as them through tRPC (createCaller with a `cookie` header) or a browser.
import { randomBytes } from "node:crypto";
import { hashSessionToken, SESSION_COOKIE } from "../server/auth/session.ts";
import type { Db } from "../server/db/client.ts";

export interface TestUserOptions {
  email?: string;
  displayName?: string;
  verified?: boolean;
  karma?: number;
  appointed?: ("curator" | "admin")[];
}

export interface TestUser {
  id: string;
  email: string;
  /** A Cookie header value that signs in as this user. */
  cookie: string;
  token: string;
}

export async function createTestUser(db: Db, options: TestUserOptions = {}): Promise<TestUser> {
  const email = (options.email ?? `user-${randomBytes(5).toString("hex")}@example.test`).toLowerCase();
  const user = await db.user.create({
    data: {
      email,
      displayName: options.displayName ?? email.split("@")[0] ?? email,
      emailVerifiedAt: options.verified === false ? null : new Date(),
    },
  });
  if (options.karma) {
    await db.karmaEntry.create({ data: { userId: user.id, delta: options.karma, reason: "adjustment" } });
  }
  for (const roleName of options.appointed ?? []) {
    await db.userRole.create({ data: { userId: user.id, roleName } });
  }
  const token = randomBytes(32).toString("base64url");
  await db.session.create({
    data: {
      userId: user.id,
      tokenHash: hashSessionToken(token),
      expiresAt: new Date(Date.now() + 24 * 3600 * 1000),
    },
  });
  return { id: user.id, email, token, cookie: `${SESSION_COOKIE}=${token}` };
}
