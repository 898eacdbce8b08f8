import { describe, expect, it } from "vitest";
import { appOrigin, isHttps } from "./request-origin.ts";

const production = { NODE_ENV: "production", PORT: 3000 } as const;
const development = { NODE_ENV: "development", PORT: 3000 } as const;
const pinned = { ...production, APP_ORIGIN: "https://beatsight.example" };

describe("appOrigin", () => {
  it("is APP_ORIGIN whatever the request says", () => {
    const forged = new Headers({
      host: "evil.example",
      "x-forwarded-host": "evil.example",
      "x-forwarded-proto": "http",
    });
    expect(appOrigin(forged, pinned)).toBe("https://beatsight.example");
    expect(appOrigin(undefined, pinned)).toBe("https://beatsight.example");
  });

  it("never takes a Host from elsewhere in production: only a loopback name the browser used", () => {
    expect(appOrigin(new Headers({ host: "evil.example" }), production)).toBe("http://localhost:3000");
    expect(
      appOrigin(new Headers({ host: "127.0.0.1", "x-forwarded-host": "evil.example" }), production),
    ).toBe("http://localhost:3000");
    expect(appOrigin(new Headers({ host: "127.0.0.1:3100" }), production)).toBe("http://127.0.0.1:3100");
    expect(appOrigin(new Headers({ host: "localhost:3000" }), production)).toBe("http://localhost:3000");
  });

  it("follows the request's host outside production, and falls back to localhost without one", () => {
    expect(appOrigin(new Headers({ host: "beatsight.test" }), development)).toBe("http://beatsight.test");
    expect(
      appOrigin(new Headers({ host: "beatsight.test", "x-forwarded-proto": "https" }), development),
    ).toBe("https://beatsight.test");
    expect(appOrigin(new Headers(), development)).toBe("http://localhost:3000");
    expect(appOrigin(undefined, development)).toBe("http://localhost:3000");
    expect(appOrigin(new Headers({ host: "a@b/c" }), development)).toBe("http://localhost:3000");
  });
});

describe("isHttps (Secure cookies)", () => {
  it("follows an https APP_ORIGIN even when a proxy says http or says nothing", () => {
    expect(isHttps(new Headers(), pinned)).toBe(true);
    expect(isHttps(new Headers({ "x-forwarded-proto": "http" }), pinned)).toBe(true);
    expect(
      isHttps(new Headers({ "x-forwarded-proto": "https" }), {
        ...production,
        APP_ORIGIN: "http://10.0.0.5:3000",
      }),
    ).toBe(false);
  });

  it("without APP_ORIGIN, believes the proxy or the page's origin", () => {
    expect(isHttps(new Headers({ "x-forwarded-proto": "https" }), development)).toBe(true);
    expect(isHttps(new Headers({ origin: "https://beatsight.test" }), development)).toBe(true);
    expect(isHttps(new Headers(), development)).toBe(false);
  });
});
