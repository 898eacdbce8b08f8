import { describe, expect, it } from "vitest";
import { crossSiteReason } from "./csrf.ts";

const h = (init: Record<string, string>) => new Headers({ host: "beatsight.test", ...init });

describe("crossSiteReason", () => {
  it("lets same-origin and typed-in requests through", () => {
    expect(
      crossSiteReason(h({ "sec-fetch-site": "same-origin", origin: "http://beatsight.test" })),
    ).toBeNull();
    expect(crossSiteReason(h({ "sec-fetch-site": "none" }))).toBeNull();
  });

  it("refuses cross-site and same-site (sibling subdomain) requests", () => {
    expect(crossSiteReason(h({ "sec-fetch-site": "cross-site" }))).toBe("Sec-Fetch-Site is cross-site");
    expect(crossSiteReason(h({ "sec-fetch-site": "same-site" }))).toBe("Sec-Fetch-Site is same-site");
  });

  it("falls back to Origin against the host when the browser sends no Sec-Fetch-Site", () => {
    expect(crossSiteReason(h({ origin: "http://beatsight.test" }))).toBeNull();
    expect(crossSiteReason(h({ origin: "http://beatsight.test:8080" }))).toMatch(/not this site/);
    expect(crossSiteReason(h({ origin: "https://evil.example" }))).toMatch(/not this site/);
    expect(crossSiteReason(h({ origin: "null" }))).toBe("Origin is opaque");
    expect(
      crossSiteReason(
        new Headers({
          host: "internal:3000",
          "x-forwarded-host": "beatsight.test",
          origin: "https://beatsight.test",
        }),
      ),
    ).toBeNull();
  });

  it("lets requests that no browser page made through (no Origin, no Sec-Fetch-Site)", () => {
    expect(crossSiteReason(h({}))).toBeNull();
  });
});
