// The Content-Security-Policy of every response the app serves (proxy.ts sets it), and HSTS.
//
// Pages rendered per request get a fresh nonce: Next reads it from the policy in the request
// headers and puts it on its own inline scripts; a script injected into the page, without the
// nonce, runs nowhere. Script files come from this origin ('self': chunks, workers, the
// AudioWorklet) — there are no third-party scripts, so 'strict-dynamic' would add nothing, and
// without it Next's prerendered error pages, which may answer any path, run by their hashes.
// Prerendered pages are the same bytes for everyone and cannot hold a per-request nonce; they get
// the hashes of exactly their own inline scripts and styles (computed at build time,
// scripts/csp-page-hashes.mjs) and so stay static — a per-request render for the sake of a nonce
// cost the home page ~8x its throughput. They hold no content from users to inject into.
//
// Scripts that become a worker's global scope (Web Workers, onnxruntime-web's pthread
// workers, the service worker) are governed by the policy on their own response, not the page's,
// so script responses get a policy of their own: no nonce is needed there, since a worker has no
// markup to inject into. Both allow WebAssembly compilation ('wasm-unsafe-eval', not
// 'unsafe-eval': no eval of strings) for onnxruntime-web and the Chromaprint fingerprinter.
//
// Styles: 'unsafe-inline' for style *attributes* only (style-src-attr). React renders
// `style={…}` props as attributes in the server HTML, which a nonce cannot cover; an attribute
// styles only its own element and can load nothing beyond default-src, whereas a <style> element
// could select and leak the page's content, so those still need the nonce (Next adds it) or a file
// from this origin.

import type { InlineHashes } from "./static-pages.ts";

/** Where browsers send violation reports (app/api/csp-report/route.ts). */
export const CSP_REPORT_PATH = "/api/csp-report";

export interface DocumentPolicyOptions {
  /** This response's nonce (newNonce()). */
  nonce: string;
  /** Inline code of Next's prerendered error pages, which may answer this path (static-pages.ts). */
  shells?: InlineHashes;
  /** `next dev`: React's dev build evaluates strings (error overlays) and HMR injects styles. */
  development: boolean;
  /** The public origin is https: have the browser upgrade any http:// sub-resource. */
  https: boolean;
  /** Origins the page may send requests to besides its own (the upload bucket, when configured). */
  connect?: readonly string[];
}

type Directives = Record<string, readonly string[]>;

/** Shared by pages and worker scripts. */
const BASE: Directives = {
  "default-src": ["'self'"],
  "connect-src": ["'self'"],
  // Web Workers, module workers and onnxruntime-web's threads all load from /_next/static.
  "worker-src": ["'self'"],
  // Audio is decoded from the file the person picked (an object URL) and played from memory.
  "media-src": ["'self'", "blob:"],
  "object-src": ["'none'"],
  "base-uri": ["'none'"],
  "form-action": ["'self'"],
  "frame-ancestors": ["'none'"],
};

/** BASE, with `connect` added to connect-src. */
const withConnect = (connect: readonly string[] = []): Directives => ({
  ...BASE,
  "connect-src": ["'self'", ...connect],
});

function serialize(directives: Directives, https: boolean): string {
  const parts = Object.entries(directives).map(([name, sources]) => [name, ...sources].join(" "));
  if (https) parts.push("upgrade-insecure-requests");
  // report-uri rather than report-to: Chromium prefers report-to when both are present and sends
  // those reports in delayed batches; report-uri reports are sent at once, by every browser.
  parts.push(`report-uri ${CSP_REPORT_PATH}`);
  return parts.join("; ");
}

/** The policy of an HTML page (and the RSC payloads of client-side navigations). */
export function documentPolicy({
  nonce,
  shells,
  development,
  https,
  connect,
}: DocumentPolicyOptions): string {
  if (!/^[A-Za-z0-9+/]{16,}={0,2}$/.test(nonce)) throw new Error("A CSP nonce must be base64 (newNonce()).");
  return serialize(
    {
      ...withConnect(connect),
      "script-src": [
        "'self'",
        `'nonce-${nonce}'`,
        ...(shells?.scripts ?? []),
        "'wasm-unsafe-eval'",
        ...(development ? ["'unsafe-eval'"] : []),
      ],
      "style-src": [
        "'self'",
        ...(development ? ["'unsafe-inline'"] : [`'nonce-${nonce}'`, ...(shells?.styles ?? [])]),
      ],
      "style-src-attr": ["'unsafe-inline'"],
    },
    https,
  );
}

/** The policy of a prerendered page: its own inline code by hash, scripts from this origin. */
export function staticPagePolicy({
  hashes,
  https,
  connect,
}: {
  hashes: InlineHashes;
  https: boolean;
  connect?: readonly string[];
}): string {
  return serialize(
    {
      ...withConnect(connect),
      "script-src": ["'self'", ...hashes.scripts, "'wasm-unsafe-eval'"],
      "style-src": ["'self'", ...hashes.styles],
      "style-src-attr": ["'unsafe-inline'"],
    },
    https,
  );
}

/** The policy of a script that may start a worker or service worker (see the top of this file). */
export function workerScriptPolicy({ https }: { https: boolean }): string {
  return serialize({ ...BASE, "script-src": ["'self'", "'wasm-unsafe-eval'"] }, https);
}

/** 128 random bits, base64: unguessable, and fresh for every response. */
export function newNonce(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return btoa(String.fromCharCode(...bytes));
}

/** Two years, every subdomain: only for an https origin (HSTS over http is ignored and misleading). */
export function strictTransportSecurity(origin: string | undefined): string | null {
  return origin?.startsWith("https:") ? "max-age=63072000; includeSubDomains" : null;
}

/** Whether a path is a script a worker may be started from, as opposed to a page or a file. */
export function isScriptPath(pathname: string): boolean {
  return pathname.startsWith("/_next/static/") || /\.(m?js|ts)$/.test(pathname);
}

export interface SecurityHeaders {
  /** Added to the request as Next sees it: the page's policy, from which Next takes the nonce. */
  request: Record<string, string>;
  response: Record<string, string>;
}

/** The headers proxy.ts adds for one request, given the app's origin (APP_ORIGIN) and mode. */
export function securityHeaders(
  pathname: string,
  config: {
    appOrigin: string | undefined;
    development: boolean;
    staticPage?: InlineHashes | null;
    shells?: InlineHashes;
    /** Origins pages may send requests to besides their own (directUploadOrigin in server/jobs/config.ts). */
    connect?: readonly string[];
  },
): SecurityHeaders {
  const https = config.appOrigin?.startsWith("https:") ?? false;
  const hsts = strictTransportSecurity(config.appOrigin);
  const transport: Record<string, string> = hsts ? { "Strict-Transport-Security": hsts } : {};
  if (isScriptPath(pathname)) {
    return {
      request: {},
      response: { "Content-Security-Policy": workerScriptPolicy({ https }), ...transport },
    };
  }
  if (config.staticPage && !config.development) {
    const policy = staticPagePolicy({ hashes: config.staticPage, https, connect: config.connect });
    return { request: {}, response: { "Content-Security-Policy": policy, ...transport } };
  }
  const nonce = newNonce();
  const policy = documentPolicy({
    nonce,
    shells: config.shells,
    development: config.development,
    https,
    connect: config.connect,
  });
  return {
    request: { "Content-Security-Policy": policy, "x-nonce": nonce },
    response: { "Content-Security-Policy": policy, ...transport },
  };
}
