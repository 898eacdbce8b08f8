// The scraper's credential for metrics (METRICS_TOKEN), compared in constant time.
import { timingSafeEqual } from "node:crypto";

export function bearerTokenMatches(header: string | null | undefined, token: string): boolean {
  if (!header?.startsWith("Bearer ")) return false;
  const given = Buffer.from(header.slice(7));
  const wanted = Buffer.from(token);
  return given.length === wanted.length && timingSafeEqual(given, wanted);
}
