// The route a request reached, as its pattern (/api/jobs/[id]/events), for metric labels: a URL
// would make one series per job id or tRPC batch, and anyone can send URLs. The list mirrors the
// route files under app/ (route-pattern.test.ts fails when they drift apart).

export const ROUTE_PATTERNS = [
  "/api/csp-report",
  "/api/health",
  "/api/jobs/[id]/events",
  "/api/jobs/upload",
  "/api/jobs/upload-complete",
  "/api/jobs/upload-url",
  "/api/metrics",
  "/api/trpc/[trpc]",
  "/play/soundtouch-processor.js",
] as const;

/** What a path no pattern matches is counted as (a handler called outside its route, in tests). */
export const UNMATCHED_ROUTE = "unmatched";

const compiled = ROUTE_PATTERNS.map((pattern) => ({
  pattern,
  segments: pattern.split("/").slice(1),
  dynamic: pattern.includes("["),
}));

/** The pattern of the route serving `pathname`: a static route before a dynamic one. */
export function routePattern(pathname: string): string {
  const segments = pathname.replace(/\/+$/, "").split("/").slice(1);
  const matches = compiled.filter((route) => matchesSegments(route.segments, segments));
  return (matches.find((route) => !route.dynamic) ?? matches[0])?.pattern ?? UNMATCHED_ROUTE;
}

function matchesSegments(pattern: string[], path: string[]): boolean {
  for (let i = 0; i < pattern.length; i++) {
    const want = pattern[i] as string;
    if (want.startsWith("[...")) return path.length > i;
    const have = path[i];
    if (have === undefined || have === "") return false;
    if (!(want.startsWith("[") && want.endsWith("]")) && want !== have) return false;
  }
  return path.length === pattern.length;
}
