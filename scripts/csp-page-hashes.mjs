// Build step: the SHA-256 of every inline <script> and <style> of every page Next prerendered, by
// path, in <distDir>/csp-static-pages.json. A prerendered page is the same bytes for everyone, so
// it cannot carry a per-request nonce; proxy.ts gives it a policy that allows exactly its own
// inline code by hash instead (server/http/static-pages.ts), and the page stays static — served
// from the build, not rendered per request (measured: ~8× the throughput of a per-request render).
import { createHash } from "node:crypto";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

export const STATIC_PAGES_FILE = "csp-static-pages.json";

const sha256 = (text) => `'sha256-${createHash("sha256").update(text, "utf8").digest("base64")}'`;

/** Hashes of the inline scripts and styles of one HTML document, as CSP source expressions. */
export function inlineHashes(html) {
  const scripts = [...html.matchAll(/<script\b(?![^>]*\ssrc=)[^>]*>([\s\S]*?)<\/script>/gi)]
    .map((m) => m[1] ?? "")
    .filter((body) => body.length > 0);
  const styles = [...html.matchAll(/<style\b[^>]*>([\s\S]*?)<\/style>/gi)].map((m) => m[1] ?? "");
  return { scripts: [...new Set(scripts.map(sha256))], styles: [...new Set(styles.map(sha256))] };
}

function htmlFiles(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return htmlFiles(full);
    return entry.name.endsWith(".html") ? [full] : [];
  });
}

/** The URL path Next serves a prerendered file at: index.html → /, a/b.html → /a/b. */
export function pagePath(appDir, file) {
  const route = path
    .relative(appDir, file)
    .replace(/\\/g, "/")
    .replace(/\.html$/, "");
  return route === "index" ? "/" : `/${route}`;
}

/** Writes the hashes of every prerendered page and error shell, tagged with the build's id; returns how many pages. */
export function writeStaticPageHashes(distDir) {
  const appDir = path.join(distDir, "server", "app");
  const pages = {};
  // Next's error pages (/_not-found, /_global-error) are served at any path that has no page, so
  // their hashes join every policy rather than one path's.
  const shells = { scripts: [], styles: [] };
  for (const file of htmlFiles(appDir)) {
    const route = pagePath(appDir, file);
    const hashes = inlineHashes(readFileSync(file, "utf8"));
    if (route.startsWith("/_")) {
      shells.scripts.push(...hashes.scripts);
      shells.styles.push(...hashes.styles);
    } else {
      pages[route] = hashes;
    }
  }
  const buildId = readFileSync(path.join(distDir, "BUILD_ID"), "utf8").trim();
  writeFileSync(
    path.join(distDir, STATIC_PAGES_FILE),
    `${JSON.stringify({ buildId, shells, pages }, null, 1)}\n`,
  );
  return Object.keys(pages).length;
}
