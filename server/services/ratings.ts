// Players rate charts they played (1–5 stars, one rating per person per map, changeable). "Played"
// means a practice run of any version of the map synced to the rater's account (results.ts), so a
// chart's stars come from people who drummed it, not from drive-by clicks.
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
  /** Whether the viewer has a synced run of this chart, which rating requires. */
  played: boolean;
}

/** A map nobody has rated yet (a fresh object: ratingSummaries fills in the viewer's part). */
export function emptyRating(played = false): RatingSummary {
  return { average: null, count: 0, mine: null, played };
}

export const PLAY_BEFORE_RATING =
  "Play this chart before rating it: ratings come from drummers who played it (a run counts once it is synced to your account).";

/** The maps among `mapIds` that `userId` has a practice run of (any version). */
async function mapsPlayedBy(db: Client, userId: string, mapIds: string[]): Promise<Set<string>> {
  const rows = await db.$queryRaw<{ map_id: string }[]>`
    SELECT DISTINCT v.map_id::text
      FROM practice_results r
      JOIN map_versions v ON v.id = r.map_version_id
     WHERE r.user_id = ${userId}::uuid AND v.map_id = ANY(${mapIds}::uuid[])`;
  return new Set(rows.map((r) => r.map_id));
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
  if (!(await mapsPlayedBy(db, userId, [mapId])).has(mapId)) throw badRequest(PLAY_BEFORE_RATING);
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
  const [groups, mine, played] = await Promise.all([
    db.mapRating.groupBy({
      by: ["mapId"],
      where: { mapId: { in: mapIds } },
      _avg: { stars: true },
      _count: { _all: true },
    }),
    viewerId
      ? db.mapRating.findMany({ where: { userId: viewerId, mapId: { in: mapIds } } })
      : Promise.resolve([]),
    viewerId ? mapsPlayedBy(db, viewerId, mapIds) : Promise.resolve(new Set<string>()),
  ]);
  for (const id of mapIds) out.set(id, emptyRating(played.has(id)));
  for (const g of groups) {
    const avg = g._avg.stars;
    out.set(g.mapId, {
      average: avg === null ? null : Math.round(avg * 10) / 10,
      count: g._count._all,
      mine: null,
      played: played.has(g.mapId),
    });
  }
  for (const r of mine) {
    const s = out.get(r.mapId);
    if (s) s.mine = r.stars;
  }
  return out;
}
