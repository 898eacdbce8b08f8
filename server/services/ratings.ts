// Players rate charts they played (1–5 stars, one rating per person per map, changeable).
// Ratings surface good unverified charts in the verification queue (verification.ts).
import type { Db, Prisma } from "../db/client.ts";
import { badRequest, notFound } from "./community-errors.ts";

type Client = Db | Prisma.TransactionClient;

export interface RatingSummary {
  /** Mean stars, one decimal; null with no ratings. */
  average: number | null;
  count: number;
  /** The viewer's own stars, if any. */
  mine: number | null;
}

/** Rated at least this well by at least this many players, an unverified chart jumps the queue. */
export const SURFACE_RATING = { minAverage: 4, minCount: 3 } as const;

export function isSurfaced(rating: RatingSummary): boolean {
  return (
    rating.average !== null &&
    rating.count >= SURFACE_RATING.minCount &&
    rating.average >= SURFACE_RATING.minAverage
  );
}

export async function rateMap(
  db: Db,
  { userId, mapId, stars }: { userId: string; mapId: string; stars: number },
): Promise<RatingSummary> {
  if (!Number.isInteger(stars) || stars < 1 || stars > 5) throw badRequest("Give between 1 and 5 stars.");
  const map = await db.map.findUnique({ where: { id: mapId }, select: { state: true } });
  if (!map) throw notFound("There is no map with this id.");
  if (map.state === "archived")
    throw badRequest("This chart was archived; rate the song's current chart instead.");
  await db.mapRating.upsert({
    where: { userId_mapId: { userId, mapId } },
    create: { userId, mapId, stars },
    update: { stars, createdAt: new Date() },
  });
  return (await ratingSummaries(db, [mapId], userId)).get(mapId) as RatingSummary;
}

export async function ratingSummaries(
  db: Client,
  mapIds: string[],
  viewerId: string | null,
): Promise<Map<string, RatingSummary>> {
  const out = new Map<string, RatingSummary>();
  if (mapIds.length === 0) return out;
  const [groups, mine] = await Promise.all([
    db.mapRating.groupBy({
      by: ["mapId"],
      where: { mapId: { in: mapIds } },
      _avg: { stars: true },
      _count: { _all: true },
    }),
    viewerId
      ? db.mapRating.findMany({ where: { userId: viewerId, mapId: { in: mapIds } } })
      : Promise.resolve([]),
  ]);
  for (const id of mapIds) out.set(id, { average: null, count: 0, mine: null });
  for (const g of groups) {
    const avg = g._avg.stars;
    out.set(g.mapId, {
      average: avg === null ? null : Math.round(avg * 10) / 10,
      count: g._count._all,
      mine: null,
    });
  }
  for (const r of mine) {
    const s = out.get(r.mapId);
    if (s) s.mine = r.stars;
  }
  return out;
}
