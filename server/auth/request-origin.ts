// Where the app is, as the browser sees it: the one source of absolute links (emails, push
// notifications, the server jobs' mail) and of the passkey relying party. APP_ORIGIN pins it, and
// server/env.ts requires it in production unless the server listens on loopback only. Without it
// the request's Host is used outside production (dev, tests), and in production only when it
// names this machine: a forged Host header must never choose the address in a reset link.
import { type Env, env, isLoopbackHost } from "../env.ts";

/** The host the request was sent to (a proxy's X-Forwarded-Host first). */
export function requestHost(headers: Headers): string | null {
  return headers.get("x-forwarded-host")?.split(",")[0]?.trim() || headers.get("host");
}

type OriginConfig = Pick<Env, "APP_ORIGIN" | "NODE_ENV" | "PORT">;

/**
 * True when the browser reached us over https: APP_ORIGIN's scheme when it is set (whatever a
 * proxy says), else what the proxy or the page's Origin says. Session cookies are Secure then.
 */
export function isHttps(headers: Headers, config: OriginConfig = env()): boolean {
  if (config.APP_ORIGIN) return config.APP_ORIGIN.startsWith("https:");
  const proto = headers.get("x-forwarded-proto")?.split(",")[0]?.trim();
  if (proto) return proto === "https";
  return headers.get("origin")?.startsWith("https:") ?? false;
}

/**
 * "https://beatsight.example": APP_ORIGIN, else (see the top of this file) the request's scheme
 * and host, else http://localhost:PORT — which is also the answer without a request (workers).
 */
export function appOrigin(headers?: Headers, config: OriginConfig = env()): string {
  if (config.APP_ORIGIN) return config.APP_ORIGIN;
  const fallback = `http://localhost:${config.PORT}`;
  const host = headers ? requestHost(headers) : null;
  if (!headers || !host) return fallback;
  if (config.NODE_ENV === "production" && !isLoopbackHost(host)) return fallback;
  const origin = `${isHttps(headers, config) ? "https" : "http"}://${host}`;
  // A Host with a path, credentials or junk in it is not an origin.
  return URL.canParse(origin) && new URL(origin).origin === origin ? origin : fallback;
}
