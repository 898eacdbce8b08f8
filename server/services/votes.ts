// Votes: one per person per version (+1 helpful, −1 not), changeable. An upvote earns the
// version's author +1 karma once per voter and version, within the daily cap (karma.ts).
import type { Db } from "../db/client.ts";
import { transaction } from "../db/transaction.ts";
import { badRequest, notFound } from "./community-errors.ts";
import { awardHelpfulVote } from "./karma.ts";

export interface VoteResult {
  up: number;
  down: number;
  mine: 1 | -1;
  /** True when this vote gave the author karma (false: no author, capped today, or already given). */
  karmaAwarded: boolean;
}

export async function castVote(
  db: Db,
  {
    userId,
    versionId,
    value,
    now = new Date(),
  }: { userId: string; versionId: string; value: 1 | -1; now?: Date },
): Promise<VoteResult> {
  const version = await db.mapVersion.findUnique({ where: { id: versionId }, select: { authorId: true } });
  if (!version) throw notFound("There is no chart version with this id.");
  if (version.authorId === userId) throw badRequest("You cannot vote on your own version.");
  return transaction(db, async (tx) => {
    // One statement, so two votes from the same person at once leave one row.
    const [row] = await tx.$queryRaw<{ id: string }[]>`
      INSERT INTO votes (user_id, map_version_id, value) VALUES (${userId}::uuid, ${versionId}::uuid, ${value})
      ON CONFLICT (user_id, map_version_id) DO UPDATE SET value = EXCLUDED.value
      RETURNING id::text`;
    let karmaAwarded = false;
    if (value === 1 && version.authorId && row) {
      karmaAwarded = await awardHelpfulVote(tx, { recipientId: version.authorId, voteId: row.id, now });
    }
    const counts = await tx.vote.groupBy({
      by: ["value"],
      where: { mapVersionId: versionId },
      _count: { _all: true },
    });
    const count = (v: number) => counts.find((c) => c.value === v)?._count._all ?? 0;
    return { up: count(1), down: count(-1), mine: value, karmaAwarded };
  });
}
