// Practice results synced from devices to the signed-in user's account. A result's id is made on the
// device when the run ends; it is the row's primary key here, so the outbox sending it twice (a lost
// answer, two tabs) stores it once.
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
    INSERT INTO practice_results (id, user_id, map_version_id, score, accuracy, tempo, stats, played_at)
    VALUES (${input.id}::uuid, ${userId}::uuid, ${input.mapVersionId}::uuid, ${input.score}, ${input.accuracy},
            ${input.tempo}, ${JSON.stringify(input.stats)}::jsonb, ${input.playedAt})
    ON CONFLICT (id) DO NOTHING`;
  if (inserted === 1) return { id: input.id, created: true };
  const existing = await db.practiceResult.findUnique({ where: { id: input.id }, select: { userId: true } });
  if (existing?.userId !== userId) throw new ResultInputError("This result id belongs to another account.");
  return { id: input.id, created: false };
}

export async function listResultsFor(db: Db, userId: string, mapVersionId?: string, take = 50) {
  return db.practiceResult.findMany({
    where: { userId, ...(mapVersionId ? { mapVersionId } : {}) },
    orderBy: { playedAt: "desc" },
    take,
    select: { id: true, mapVersionId: true, score: true, accuracy: true, tempo: true, playedAt: true },
  });
}
