// Where the app is, as the browser sees it: for links in emails and as the passkey relying party.
// APP_ORIGIN pins it; without it the request's own host is used, which is right for local use but
// lets a forged Host header choose the address in emails, so production should set APP_ORIGIN.
import { env } from "../env.ts";
import { moduleLogger } from "../log.ts";

let warned = false;

/** The host the request was sent to (a proxy's X-Forwarded-Host first). */
export function requestHost(headers: Headers): string | null {
  return headers.get("x-forwarded-host")?.split(",")[0]?.trim() || headers.get("host");
}

/** True when the browser reached us over https (directly or through a proxy that says so). */
export function isHttps(headers: Headers): boolean {
  const configured = env().APP_ORIGIN;
  if (configured) return configured.startsWith("https:");
  const proto = headers.get("x-forwarded-proto")?.split(",")[0]?.trim();
  if (proto) return proto === "https";
  return headers.get("origin")?.startsWith("https:") ?? false;
}

/** "https://beatsight.example": APP_ORIGIN, else the scheme and host of this request. */
export function appOrigin(headers: Headers): string {
  const configured = env().APP_ORIGIN;
  if (configured) return configured;
  const host = requestHost(headers);
  if (!host) throw new Error("The request has no Host header; set APP_ORIGIN to the app's public address.");
  if (env().NODE_ENV === "production" && !warned) {
    warned = true;
    moduleLogger("auth").warn("APP_ORIGIN is unset: links in emails use the request's Host header");
  }
  return `${isHttps(headers) ? "https" : "http"}://${host}`;
}
