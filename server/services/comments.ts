// Comment markers: a note at a time in a version ("snare flam at 1:23 is a drag"), shown on the
// timeline. Versions are immutable, so a comment stays attached to exactly what it talks about.
import type { Db } from "../db/client.ts";
import { badRequest, notFound } from "./community-errors.ts";
import { chartOf, type PersonRef } from "./map-versions.ts";

export const COMMENT_MAX_CHARS = 2000;

export interface CommentRow {
  id: string;
  versionId: string;
  timeMs: number;
  text: string;
  author: PersonRef;
  createdAt: Date;
}

export async function addComment(
  db: Db,
  { userId, versionId, timeMs, text }: { userId: string; versionId: string; timeMs: number; text: string },
): Promise<CommentRow> {
  const body = text.trim();
  if (body.length === 0) throw badRequest("Write something in the comment first.");
  if (body.length > COMMENT_MAX_CHARS)
    throw badRequest(`Keep comments under ${COMMENT_MAX_CHARS} characters.`);
  const version = await db.mapVersion.findUnique({
    where: { id: versionId },
    select: { id: true, content: true, storageKey: true },
  });
  if (!version) throw notFound("There is no chart version with this id.");
  const chart = chartOf(version);
  const end = chart.Audio?.Duration ?? chart.HitObjects.at(-1)?.Time ?? 0;
  const t = Math.round(timeMs);
  if (t < 0 || t > end + 1000) {
    throw badRequest(`The marker must be within the song (0–${Math.ceil(end / 1000)} s).`);
  }
  const row = await db.mapComment.create({
    data: { mapVersionId: versionId, authorId: userId, timeMs: t, body },
    include: { author: { select: { id: true, displayName: true } } },
  });
  return {
    id: row.id,
    versionId,
    timeMs: row.timeMs,
    text: row.body,
    author: row.author,
    createdAt: row.createdAt,
  };
}

export async function listComments(db: Db, versionId: string): Promise<CommentRow[]> {
  const rows = await db.mapComment.findMany({
    where: { mapVersionId: versionId },
    orderBy: [{ timeMs: "asc" }, { createdAt: "asc" }],
    take: 1000,
    include: { author: { select: { id: true, displayName: true } } },
  });
  return rows.map((r) => ({
    id: r.id,
    versionId,
    timeMs: r.timeMs,
    text: r.body,
    author: r.author,
    createdAt: r.createdAt,
  }));
}
