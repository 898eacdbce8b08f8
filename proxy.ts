// Security headers that depend on the request or on the running configuration, so they cannot live
// in next.config.js (whose headers are fixed at build time): a Content-Security-Policy with a fresh
// nonce for every page, the worker policy for scripts, and HSTS when the app's origin is https.
// Next finds the nonce in the request's Content-Security-Policy header and puts it on the scripts
// it renders; app/layout.tsx renders every page per request so there is a request to take it from.
import { type NextRequest, NextResponse } from "next/server";
import { env } from "./server/env.ts";
import {
  documentPolicy,
  isScriptPath,
  newNonce,
  strictTransportSecurity,
  workerScriptPolicy,
} from "./server/http/csp.ts";

export function proxy(request: NextRequest): NextResponse {
  const { APP_ORIGIN, NODE_ENV } = env();
  const https = APP_ORIGIN?.startsWith("https:") ?? false;
  const hsts = strictTransportSecurity(APP_ORIGIN);

  if (isScriptPath(request.nextUrl.pathname)) {
    const response = NextResponse.next();
    response.headers.set("Content-Security-Policy", workerScriptPolicy({ https }));
    if (hsts) response.headers.set("Strict-Transport-Security", hsts);
    return response;
  }

  const nonce = newNonce();
  const policy = documentPolicy({ nonce, development: NODE_ENV === "development", https });
  const requestHeaders = new Headers(request.headers);
  requestHeaders.set("Content-Security-Policy", policy);
  requestHeaders.set("x-nonce", nonce);
  const response = NextResponse.next({ request: { headers: requestHeaders } });
  response.headers.set("Content-Security-Policy", policy);
  if (hsts) response.headers.set("Strict-Transport-Security", hsts);
  return response;
}

export const config = {
  matcher: [
    {
      // Everything but route handlers (JSON, streams) and public files that are data, not pages or
      // scripts (models, the runtime's .wasm, icons, the web manifest).
      source: "/((?!api/|models/|ort/|wasm/|icons/|manifest\\.webmanifest|favicon\\.ico).*)",
      // next/link prefetches: RSC payloads fetched ahead of a click, never rendered as a document.
      missing: [
        { type: "header", key: "next-router-prefetch" },
        { type: "header", key: "purpose", value: "prefetch" },
      ],
    },
  ],
};
