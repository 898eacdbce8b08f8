// Session lifecycle: created at sign-in (a fresh token every time, so a token planted before
// sign-in is worthless after it), slid forward while in use, revoked at sign-out, password reset
// or from the account page. session.ts reads them.
import type { Db } from "../db/client.ts";
import { clearedSessionCookie, sessionCookie } from "./cookies.ts";
import { isHttps } from "./request-origin.ts";
import type { Session } from "./session.ts";
import { hashToken, newToken } from "./tokens.ts";

/** A session lives this long after its last use… */
export const SESSION_TTL_MS = 30 * 24 * 3600 * 1000;
/** …measured at most once a day, so reading a session is not a write on every request. */
export const SESSION_SLIDE_AFTER_MS = 24 * 3600 * 1000;

export interface ClientInfo {
  ip: string;
  userAgent: string | null;
}

export interface NewSession {
  id: string;
  token: string;
  expiresAt: Date;
}

export async function createSession(
  db: Db,
  userId: string,
  client: ClientInfo,
  now = new Date(),
): Promise<NewSession> {
  const token = newToken();
  const expiresAt = new Date(now.getTime() + SESSION_TTL_MS);
  const row = await db.session.create({
    data: {
      userId,
      tokenHash: hashToken(token),
      ip: client.ip,
      userAgent: client.userAgent?.slice(0, 512) ?? null,
      createdAt: now,
      lastSeenAt: now,
      expiresAt,
    },
    select: { id: true },
  });
  return { id: row.id, token, expiresAt };
}

/** Moves the expiry of a session in use forward; returns the new expiry, or null when not due. */
export async function slideSession(db: Db, session: Session, now = new Date()): Promise<Date | null> {
  if (now.getTime() - session.lastSeenAt.getTime() < SESSION_SLIDE_AFTER_MS) return null;
  const expiresAt = new Date(now.getTime() + SESSION_TTL_MS);
  await db.session.updateMany({ where: { id: session.id }, data: { lastSeenAt: now, expiresAt } });
  return expiresAt;
}

/** Ends one of the user's sessions; false when it is not theirs or already gone. */
export async function revokeSession(db: Db, userId: string, sessionId: string): Promise<boolean> {
  const { count } = await db.session.deleteMany({ where: { id: sessionId, userId } });
  return count === 1;
}

/** Ends all of a user's sessions, except `keepId` when given; returns how many ended. */
export async function revokeUserSessions(db: Db, userId: string, keepId?: string): Promise<number> {
  const { count } = await db.session.deleteMany({
    where: { userId, ...(keepId ? { id: { not: keepId } } : {}) },
  });
  return count;
}

export async function listSessions(db: Db, userId: string, now = new Date()) {
  return db.session.findMany({
    where: { userId, expiresAt: { gt: now } },
    select: { id: true, ip: true, userAgent: true, createdAt: true, lastSeenAt: true, expiresAt: true },
    orderBy: { lastSeenAt: "desc" },
  });
}

/** Sets the session cookie on a response (tRPC's resHeaders). */
export function setSessionCookie(
  resHeaders: Headers,
  reqHeaders: Headers,
  token: string,
  expiresAt: Date,
): void {
  resHeaders.append("set-cookie", sessionCookie(token, expiresAt, isHttps(reqHeaders)));
}

export function clearSessionCookie(resHeaders: Headers, reqHeaders: Headers): void {
  resHeaders.append("set-cookie", clearedSessionCookie(isHttps(reqHeaders)));
}
