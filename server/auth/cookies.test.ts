import { describe, expect, it } from "vitest";
import { clearedSessionCookie, sessionCookie } from "./cookies.ts";

describe("session cookie", () => {
  it("is httpOnly, SameSite=Lax, site-wide, expiring with the session", () => {
    const now = new Date("2026-01-01T00:00:00Z");
    const cookie = sessionCookie("tok", new Date(now.getTime() + 3600_000), false, now);
    expect(cookie).toBe("bs_session=tok; Path=/; HttpOnly; SameSite=Lax; Max-Age=3600");
  });

  it("is Secure over https, and cleared with Max-Age=0", () => {
    expect(sessionCookie("tok", new Date(Date.now() + 60_000), true)).toMatch(/; Secure$/);
    expect(clearedSessionCookie(false)).toBe("bs_session=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0");
  });
});
