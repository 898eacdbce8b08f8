// Which paths are prerendered pages, and the hashes of their inline scripts and styles, as the
// build wrote them (scripts/csp-page-hashes.mjs). Read once per process from the build being
// served; a file from another build is ignored, since its hashes would refuse this build's scripts.
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";

export interface InlineHashes {
  /** CSP source expressions: 'sha256-…'. */
  scripts: string[];
  styles: string[];
}

interface BuildHashes {
  /** Next's prerendered error pages, which may answer any path. */
  shells: InlineHashes;
  pages: Map<string, InlineHashes>;
}

const FILE = "csp-static-pages.json";
const NONE: BuildHashes = { shells: { scripts: [], styles: [] }, pages: new Map() };
let loaded: BuildHashes | undefined;

function load(distDir: string): BuildHashes {
  const file = path.join(distDir, FILE);
  const buildIdFile = path.join(distDir, "BUILD_ID");
  // `next dev` has neither: every page renders per request there.
  if (!existsSync(file) || !existsSync(buildIdFile)) return NONE;
  const written = JSON.parse(readFileSync(file, "utf8")) as {
    buildId?: string;
    shells?: InlineHashes;
    pages?: Record<string, InlineHashes>;
  };
  if (written.buildId !== readFileSync(buildIdFile, "utf8").trim()) {
    console.error(`${file} belongs to another build; run \`npm run build\` to make both again.`);
    return NONE;
  }
  return { shells: written.shells ?? NONE.shells, pages: new Map(Object.entries(written.pages ?? {})) };
}

function hashes(): BuildHashes {
  loaded ??= load(
    path.join(/*turbopackIgnore: true*/ process.cwd(), process.env.BEATSIGHT_DIST_DIR || ".next"),
  );
  return loaded;
}

/** The prerendered page at `pathname` (trailing slash ignored), or null for anything rendered per request. */
export function staticPage(pathname: string): InlineHashes | null {
  const key = pathname.length > 1 ? pathname.replace(/\/+$/, "") : pathname;
  return hashes().pages.get(key) ?? null;
}

/** The inline code of Next's prerendered error pages, allowed wherever a page may be missing. */
export function errorShells(): InlineHashes {
  return hashes().shells;
}
