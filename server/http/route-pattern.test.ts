import { readdirSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ROUTE_PATTERNS, routePattern, UNMATCHED_ROUTE } from "./route-pattern.ts";

const appDir = path.resolve(import.meta.dirname, "../../app");

/** Every app/**\/route.ts as the pattern Next serves it under (route groups left out). */
function routeFilePatterns(dir: string, prefix = ""): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (entry.isFile()) return entry.name === "route.ts" ? [prefix || "/"] : [];
    if (!entry.isDirectory()) return [];
    const segment = /^\(.*\)$/.test(entry.name) ? "" : `/${entry.name}`;
    return routeFilePatterns(path.join(dir, entry.name), prefix + segment);
  });
}

describe("routePattern", () => {
  it("lists exactly the route files under app/", () => {
    expect([...ROUTE_PATTERNS].sort()).toEqual(routeFilePatterns(appDir).sort());
  });

  it("names the pattern, never the ids or procedure names in the URL", () => {
    expect(routePattern("/api/trpc/songs.identify,maps.get")).toBe("/api/trpc/[trpc]");
    expect(routePattern("/api/jobs/5b0c6b8e-3c53-4f0e-9d3a-0c6f3c1d2e4f/events")).toBe(
      "/api/jobs/[id]/events",
    );
    expect(routePattern("/api/health")).toBe("/api/health");
    expect(routePattern("/api/health/")).toBe("/api/health");
  });

  it("prefers a static route over a dynamic one that also matches", () => {
    expect(routePattern("/api/jobs/upload")).toBe("/api/jobs/upload");
  });

  it("counts anything else as one unmatched route", () => {
    expect(routePattern("/api/jobs/x/other")).toBe(UNMATCHED_ROUTE);
    expect(routePattern("/api/trpc")).toBe(UNMATCHED_ROUTE);
    expect(routePattern("/api/jobs//events")).toBe(UNMATCHED_ROUTE);
    expect(routePattern(`/${"a/".repeat(50)}`)).toBe(UNMATCHED_ROUTE);
  });
});
