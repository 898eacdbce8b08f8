// The session cookie: httpOnly (scripts cannot read it), SameSite=Lax (not sent on cross-site
// POSTs), Secure whenever the site is served over https, scoped to the whole site.
import { SESSION_COOKIE } from "./session.ts";

function serialize(value: string, maxAgeSeconds: number, secure: boolean): string {
  const parts = [
    `${SESSION_COOKIE}=${value}`,
    "Path=/",
    "HttpOnly",
    "SameSite=Lax",
    `Max-Age=${Math.max(0, Math.round(maxAgeSeconds))}`,
  ];
  if (secure) parts.push("Secure");
  return parts.join("; ");
}

export function sessionCookie(token: string, expiresAt: Date, secure: boolean, now = new Date()): string {
  return serialize(token, (expiresAt.getTime() - now.getTime()) / 1000, secure);
}

export function clearedSessionCookie(secure: boolean): string {
  return serialize("", 0, secure);
}
