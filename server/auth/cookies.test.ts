import { describe, expect, it } from "vitest";
import { clearedSessionCookie, sessionCookie } from "./cookies.ts";
import { isHttps } from "./request-origin.ts";

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

describe("the session cookie behind an https APP_ORIGIN", () => {
  it("is Secure even when the proxy says http or says nothing", () => {
    const config = { NODE_ENV: "production", PORT: 3000, APP_ORIGIN: "https://beatsight.example" } as const;
    for (const headers of [new Headers(), new Headers({ "x-forwarded-proto": "http" })]) {
      expect(sessionCookie("tok", new Date(Date.now() + 60_000), isHttps(headers, config))).toMatch(
        /; Secure$/,
      );
      expect(clearedSessionCookie(isHttps(headers, config))).toMatch(/; Secure$/);
    }
  });
});
