// Cross-site request forgery guard for everything that changes state. Session cookies are
// SameSite=Lax, which already keeps them off cross-site POSTs in current browsers; this check is
// the second lock and also covers same-site attackers (a sibling subdomain) that Lax lets through.
//
// Browsers label every request with Sec-Fetch-Site, and every POST with Origin; a request with
// neither did not come from a browser page and cannot carry a victim's cookies against their will
// (tests, the CLI, server-side callers), so it passes.
import { env } from "../env.ts";
import { requestHost } from "./request-origin.ts";

/** Why the request must be refused as cross-site, or null when it is same-origin (or not a browser's). */
export function crossSiteReason(headers: Headers): string | null {
  const site = headers.get("sec-fetch-site");
  if (site) {
    // "none": the user typed or bookmarked the address. Browser-set, so it is trusted over Origin,
    // which a proxy rewriting Host would otherwise make look foreign.
    return site === "same-origin" || site === "none" ? null : `Sec-Fetch-Site is ${site}`;
  }
  const origin = headers.get("origin");
  if (origin === null) return null;
  if (origin === "null" || !URL.canParse(origin)) return "Origin is opaque";
  if (origin === env().APP_ORIGIN) return null;
  const host = requestHost(headers);
  return host !== null && new URL(origin).host === host ? null : `Origin ${origin} is not this site`;
}
