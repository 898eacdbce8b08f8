// Resolves the signed-in user from the session cookie. The cookie holds a random token; the
// database holds only its sha256, so a leaked database cannot be replayed as cookies.
import { createHash } from "node:crypto";
import type { Db } from "../db/client.ts";

export const SESSION_COOKIE = "bs_session";

export interface SessionUser {
  id: string;
  email: string;
  displayName: string;
  emailVerified: boolean;
}

export interface Session {
  id: string;
  user: SessionUser;
  expiresAt: Date;
  lastSeenAt: Date;
}

export function hashSessionToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

export function readCookie(cookieHeader: string | null, name: string): string | undefined {
  if (!cookieHeader) return undefined;
  for (const part of cookieHeader.split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0 && part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return undefined;
}

export async function sessionFromCookies(
  db: Db,
  cookieHeader: string | null,
  now = new Date(),
): Promise<Session | null> {
  const token = readCookie(cookieHeader, SESSION_COOKIE);
  // Tokens are 32 random bytes in base64url; anything else is not ours and needs no query.
  if (!token || !/^[A-Za-z0-9_-]{43}$/.test(token)) return null;
  const row = await db.session.findUnique({
    where: { tokenHash: hashSessionToken(token) },
    include: { user: true },
  });
  if (!row || row.expiresAt <= now) return null;
  return {
    id: row.id,
    expiresAt: row.expiresAt,
    lastSeenAt: row.lastSeenAt,
    user: {
      id: row.user.id,
      email: row.user.email,
      displayName: row.user.displayName,
      emailVerified: row.user.emailVerifiedAt !== null,
    },
  };
}
