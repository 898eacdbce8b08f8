// Security headers that depend on the request or on the running configuration, so they cannot live
// in next.config.js (whose headers are fixed at build time): a Content-Security-Policy with a fresh
// nonce for every page rendered per request (Next finds it in the request's Content-Security-Policy
// header and puts it on the scripts it renders), the hashes of a prerendered page's own inline code
// for pages served from the build, the worker policy for scripts, and HSTS when the origin is https.
import { type NextRequest, NextResponse } from "next/server";
import { env } from "./server/env.ts";
import { securityHeaders } from "./server/http/csp.ts";
import { errorShells, staticPage } from "./server/http/static-pages.ts";
import { directUploadOrigin, jobsConfig } from "./server/jobs/config.ts";

export function proxy(request: NextRequest): NextResponse {
  const { APP_ORIGIN, NODE_ENV } = env();
  const headers = securityHeaders(request.nextUrl.pathname, {
    appOrigin: APP_ORIGIN,
    development: NODE_ENV === "development",
    staticPage: staticPage(request.nextUrl.pathname),
    shells: errorShells(),
    connect: uploadOrigins(),
  });
  const requestHeaders = new Headers(request.headers);
  for (const [name, value] of Object.entries(headers.request)) requestHeaders.set(name, value);
  const response = NextResponse.next({ request: { headers: requestHeaders } });
  for (const [name, value] of Object.entries(headers.response)) response.headers.set(name, value);
  return response;
}

/** The bucket the page uploads to, when presigned uploads are on (read once: settings do not change). */
let uploads: string[] | undefined;
function uploadOrigins(): string[] {
  if (!uploads) {
    const origin = directUploadOrigin(jobsConfig());
    uploads = origin ? [origin] : [];
  }
  return uploads;
}

// Every path but route handlers (JSON, streams) and public files that are data, not pages or
// scripts (models, the runtime's .wasm, icons, the web manifest). Prefetches are included: a page
// answered without the proxy would carry no policy at all.
export const config = {
  matcher: ["/((?!api/|models/|ort/|wasm/|icons/|manifest\\.webmanifest|favicon\\.ico).*)"],
};
