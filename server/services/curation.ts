// Curators keep songs tidy: correct a song's title / artist / album, archive a map that should no
// longer be offered (a duplicate, a chart of the wrong song). Both are audited with a reason.
import type { Db } from "../db/client.ts";
import { audit } from "./audit.ts";
import { badRequest, notFound } from "./community-errors.ts";

interface Actor {
  actorId: string;
  ip?: string | null;
}

export async function archiveMap(
  db: Db,
  { actorId, ip, mapId, reason }: Actor & { mapId: string; reason: string },
): Promise<{ mapId: string; state: "archived" }> {
  const why = reason.trim();
  if (why.length < 3) throw badRequest("Say why this chart is archived (a short sentence).");
  await db.$transaction(async (tx) => {
    const map = await tx.map.findUnique({
      where: { id: mapId },
      select: { songId: true, state: true, isCanonical: true },
    });
    if (!map) throw notFound("There is no map with this id.");
    if (map.state === "archived") throw badRequest("This chart is already archived.");
    await tx.$queryRaw`SELECT id FROM songs WHERE id = ${map.songId}::uuid FOR UPDATE`;
    await tx.map.update({ where: { id: mapId }, data: { state: "archived", isCanonical: false } });
    // Closing its proposals: nobody can act on them any more.
    await tx.mapEditProposal.updateMany({
      where: { mapId, status: { in: ["pending", "needs_changes"] } },
      data: { status: "withdrawn" },
    });
    if (map.isCanonical) {
      const live = await tx.map.count({ where: { songId: map.songId, state: { not: "archived" } } });
      await tx.song.update({
        where: { id: map.songId },
        data: { status: live > 0 ? "unverified" : "pending" },
      });
    }
    await audit(tx, {
      actorId,
      action: "map.archive",
      subjectType: "map",
      subjectId: mapId,
      details: { reason: why, wasCanonical: map.isCanonical, previousState: map.state },
      ip: ip ?? null,
    });
  });
  return { mapId, state: "archived" };
}

export interface SongLabels {
  title?: string | null;
  artist?: string | null;
  album?: string | null;
}

export async function curateSong(
  db: Db,
  { actorId, ip, songId, labels }: Actor & { songId: string; labels: SongLabels },
) {
  return db.$transaction(async (tx) => {
    const before = await tx.song.findUnique({
      where: { id: songId },
      select: { title: true, artist: true, album: true },
    });
    if (!before) throw notFound("There is no song with this id.");
    const clean = (v: string | null | undefined) => (v === undefined ? undefined : v?.trim() || null);
    const data = { title: clean(labels.title), artist: clean(labels.artist), album: clean(labels.album) };
    const song = await tx.song.update({
      where: { id: songId },
      data,
      select: { id: true, title: true, artist: true, album: true },
    });
    await audit(tx, {
      actorId,
      action: "song.curate",
      subjectType: "song",
      subjectId: songId,
      details: { before, after: { title: song.title, artist: song.artist, album: song.album } },
      ip: ip ?? null,
    });
    return song;
  });
}
