// The session cookie (the only cookie the app sets): httpOnly (scripts cannot read it),
// SameSite=Lax (not sent on cross-site POSTs), scoped to the whole site, and Secure whenever the
// app is served over https — decided by request-origin.ts isHttps: APP_ORIGIN's scheme, which
// production requires, so an https deployment never depends on a proxy's X-Forwarded-Proto.
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
