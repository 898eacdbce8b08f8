// Practice results synced from devices to the signed-in user's account. A result's id is made on the
// device when the run ends; it is the row's primary key here, so the outbox sending it twice (a lost
// answer, two tabs) stores it once. Each run records its difficulty level; a map's leaderboard is
// one level's.
import { DEFAULT_LEVEL, type Level, parseLevel } from "@/lib/practice/levels.ts";
import type { Db } from "../db/client.ts";

export class ResultInputError extends Error {
  override name = "ResultInputError";
}

export interface SubmitResultInput {
  id: string;
  mapVersionId: string;
  score: number;
  accuracy: number;
  tempo: number;
  /** Absent (an old client): Expert, the chart as charted. */
  level?: Level;
  stats: Record<string, unknown>;
  playedAt: Date;
}

/** Stores a run for `userId`; returns whether it was new. The same id from another user is refused. */
export async function submitResult(
  db: Db,
  userId: string,
  input: SubmitResultInput,
): Promise<{ id: string; created: boolean }> {
  const version = await db.mapVersion.findUnique({ where: { id: input.mapVersionId }, select: { id: true } });
  if (!version) throw new ResultInputError("This chart is not on the server (no such map version).");
  const inserted = await db.$executeRaw`
    INSERT INTO practice_results (id, user_id, map_version_id, score, accuracy, tempo, level, stats, played_at)
    VALUES (${input.id}::uuid, ${userId}::uuid, ${input.mapVersionId}::uuid, ${input.score}, ${input.accuracy},
            ${input.tempo}, ${input.level ?? DEFAULT_LEVEL}, ${JSON.stringify(input.stats)}::jsonb, ${input.playedAt})
    ON CONFLICT (id) DO NOTHING`;
  if (inserted === 1) return { id: input.id, created: true };
  const existing = await db.practiceResult.findUnique({ where: { id: input.id }, select: { userId: true } });
  if (existing?.userId !== userId) throw new ResultInputError("This result id belongs to another account.");
  return { id: input.id, created: false };
}

export async function listResultsFor(
  db: Db,
  userId: string,
  filter: { mapVersionId?: string; level?: Level } = {},
  take = 50,
) {
  const rows = await db.practiceResult.findMany({
    where: {
      userId,
      ...(filter.mapVersionId ? { mapVersionId: filter.mapVersionId } : {}),
      ...(filter.level ? { level: filter.level } : {}),
    },
    orderBy: { playedAt: "desc" },
    take,
    select: {
      id: true,
      mapVersionId: true,
      score: true,
      accuracy: true,
      tempo: true,
      level: true,
      playedAt: true,
    },
  });
  return rows.map((r) => ({ ...r, level: parseLevel(r.level) }));
}

export interface LeaderboardEntry {
  rank: number;
  displayName: string;
  score: number;
  accuracy: number;
  tempo: number;
  /** The map version the run was played on. */
  version: number;
  playedAt: Date;
}

/** Runs slower than the song do not compete: a leaderboard compares runs at full tempo or faster. */
export const LEADERBOARD_MIN_TEMPO = 1;

/**
 * A map's leaderboard at one level: each person's best score over the map's versions (the earlier
 * run wins a tie), best first. (Deleting an account deletes its runs: services/account-data.ts.)
 */
export async function leaderboard(
  db: Db,
  mapId: string,
  level: Level,
  take = 20,
): Promise<LeaderboardEntry[]> {
  const rows = await db.$queryRaw<
    {
      display_name: string;
      score: number;
      accuracy: number;
      tempo: number;
      number: number;
      played_at: Date;
    }[]
  >`
    SELECT display_name, score, accuracy, tempo, number, played_at FROM (
      SELECT DISTINCT ON (r.user_id) u.display_name, r.score, r.accuracy, r.tempo, v.number, r.played_at
        FROM practice_results r
        JOIN map_versions v ON v.id = r.map_version_id
        JOIN users u ON u.id = r.user_id
       WHERE v.map_id = ${mapId}::uuid AND r.level = ${level} AND r.tempo >= ${LEADERBOARD_MIN_TEMPO}
       ORDER BY r.user_id, r.score DESC, r.played_at ASC
    ) best
    ORDER BY score DESC, played_at ASC
    LIMIT ${take}`;
  return rows.map((r, i) => ({
    rank: i + 1,
    displayName: r.display_name,
    score: r.score,
    accuracy: r.accuracy,
    tempo: r.tempo,
    version: r.number,
    playedAt: r.played_at,
  }));
}
