// Reading maps and their immutable versions: a map with its history (who, when, source, state),
// one version's chart, a song's maps. Writing versions happens only in verification.ts (approval).

import type { DiffSummary } from "../../lib/beatmap/diff.ts";
import { type Beatmap, validateBeatmapObject } from "../../lib/beatmap/index.ts";
import type { Db, Prisma } from "../db/client.ts";
import { notFound } from "./community-errors.ts";
import { emptyRating, type RatingSummary, ratingSummaries } from "./ratings.ts";

type Client = Db | Prisma.TransactionClient;

export type MapStateName = "ai_draft" | "human_fixed" | "verified" | "archived";

export interface PersonRef {
  id: string;
  displayName: string;
}

export interface VersionSummary {
  id: string;
  number: number;
  source: "ai" | "manual" | "edit";
  author: PersonRef | null;
  createdAt: Date;
  parentVersionId: string | null;
  contentHash: string;
  diffSummary: (DiffSummary & { confirmedNotes?: number }) | null;
  /** latest: the map's newest version; verified: a verifier approved this version. */
  isLatest: boolean;
  verified: boolean;
  votes: { up: number; down: number; mine: 1 | -1 | null };
  comments: number;
}

export interface MapDetail {
  id: string;
  name: string;
  difficulty: number | null;
  state: MapStateName;
  isCanonical: boolean;
  createdAt: Date;
  updatedAt: Date;
  creator: PersonRef | null;
  song: { id: string; title: string | null; artist: string | null; durationMs: number; status: string };
  versions: VersionSummary[];
  pendingProposals: {
    id: string;
    baseVersionId: string;
    author: PersonRef;
    createdAt: Date;
    message: string;
  }[];
  rating: RatingSummary;
}

const person = { select: { id: true, displayName: true } } as const;

/** The newest version of a map (highest number). */
export async function latestVersion(db: Client, mapId: string) {
  return db.mapVersion.findFirst({ where: { mapId }, orderBy: { number: "desc" } });
}

/** A stored version's chart. Stored content was validated on the way in; this re-types it. */
export function chartOf(version: { content: unknown; storageKey: string | null; id: string }): Beatmap {
  if (version.content == null) {
    throw new Error(
      `Version ${version.id} is kept in object storage (${version.storageKey}), which this server cannot read.`,
    );
  }
  return validateBeatmapObject(version.content);
}

export async function loadChart(db: Client, versionId: string): Promise<Beatmap> {
  const version = await db.mapVersion.findUnique({
    where: { id: versionId },
    select: { id: true, content: true, storageKey: true },
  });
  if (!version) throw notFound("There is no chart version with this id.");
  return chartOf(version);
}

export async function getMapDetail(db: Db, mapId: string, viewerId: string | null): Promise<MapDetail> {
  const map = await db.map.findUnique({
    where: { id: mapId },
    include: {
      creator: person,
      song: { select: { id: true, title: true, artist: true, durationMs: true, status: true } },
      versions: {
        orderBy: { number: "asc" },
        select: {
          id: true,
          number: true,
          source: true,
          author: person,
          createdAt: true,
          parentVersionId: true,
          contentHash: true,
          diffSummary: true,
          decisions: { where: { decision: "approve" }, select: { id: true }, take: 1 },
          votes: { select: { userId: true, value: true } },
          _count: { select: { comments: true } },
        },
      },
      proposals: {
        where: { status: "pending" },
        orderBy: { createdAt: "asc" },
        select: { id: true, baseVersionId: true, author: person, createdAt: true, message: true },
      },
    },
  });
  if (!map) throw notFound("There is no map with this id.");
  const ratings = await ratingSummaries(db, [map.id], viewerId);
  // A version is verified when a verifier approved it directly, or when it is the result of an
  // approved proposal (approval creates it, so the decision names the proposal, not the version).
  const approvedResults = new Set(
    (
      await db.mapEditProposal.findMany({
        where: { mapId, status: "approved" },
        select: { resultVersionId: true },
      })
    ).map((p) => p.resultVersionId),
  );
  const last = map.versions.at(-1);
  return {
    id: map.id,
    name: map.name,
    difficulty: map.difficulty,
    state: map.state,
    isCanonical: map.isCanonical,
    createdAt: map.createdAt,
    updatedAt: map.updatedAt,
    creator: map.creator,
    song: map.song,
    versions: map.versions.map((v) => ({
      id: v.id,
      number: v.number,
      source: v.source,
      author: v.author,
      createdAt: v.createdAt,
      parentVersionId: v.parentVersionId,
      contentHash: v.contentHash,
      diffSummary: v.diffSummary as VersionSummary["diffSummary"],
      isLatest: v.id === last?.id,
      verified: v.decisions.length > 0 || approvedResults.has(v.id),
      votes: {
        up: v.votes.filter((x) => x.value > 0).length,
        down: v.votes.filter((x) => x.value < 0).length,
        mine: (v.votes.find((x) => x.userId === viewerId)?.value ?? null) as 1 | -1 | null,
      },
      comments: v._count.comments,
    })),
    pendingProposals: map.proposals,
    rating: ratings.get(map.id) ?? emptyRating(),
  };
}

export interface VersionContent {
  id: string;
  mapId: string;
  songId: string;
  number: number;
  source: "ai" | "manual" | "edit";
  author: PersonRef | null;
  createdAt: Date;
  contentHash: string;
  chart: Beatmap;
}

export async function getVersionContent(db: Db, versionId: string): Promise<VersionContent> {
  const v = await db.mapVersion.findUnique({
    where: { id: versionId },
    include: { author: person, map: { select: { songId: true } } },
  });
  if (!v) throw notFound("There is no chart version with this id.");
  return {
    id: v.id,
    mapId: v.mapId,
    songId: v.map.songId,
    number: v.number,
    source: v.source,
    author: v.author,
    createdAt: v.createdAt,
    contentHash: v.contentHash,
    chart: chartOf(v),
  };
}

export interface MapListItem {
  id: string;
  name: string;
  difficulty: number | null;
  state: MapStateName;
  isCanonical: boolean;
  updatedAt: Date;
  latestVersion: { id: string; number: number; source: "ai" | "manual" | "edit"; createdAt: Date } | null;
  versionCount: number;
  pendingProposals: number;
  rating: RatingSummary;
}

/** A song's maps: canonical first, then verified, fixed, drafts; archived last. */
export async function listMaps(db: Db, songId: string, viewerId: string | null): Promise<MapListItem[]> {
  const maps = await db.map.findMany({
    where: { songId },
    include: {
      versions: {
        orderBy: { number: "desc" },
        take: 1,
        select: { id: true, number: true, source: true, createdAt: true },
      },
      _count: { select: { versions: true, proposals: { where: { status: "pending" } } } },
    },
  });
  const ratings = await ratingSummaries(
    db,
    maps.map((m) => m.id),
    viewerId,
  );
  const order: Record<MapStateName, number> = { verified: 0, human_fixed: 1, ai_draft: 2, archived: 3 };
  return maps
    .map((m) => ({
      id: m.id,
      name: m.name,
      difficulty: m.difficulty,
      state: m.state,
      isCanonical: m.isCanonical,
      updatedAt: m.updatedAt,
      latestVersion: m.versions[0] ?? null,
      versionCount: m._count.versions,
      pendingProposals: m._count.proposals,
      rating: ratings.get(m.id) ?? emptyRating(),
    }))
    .sort(
      (a, b) =>
        Number(b.isCanonical) - Number(a.isCanonical) ||
        order[a.state] - order[b.state] ||
        b.updatedAt.getTime() - a.updatedAt.getTime(),
    );
}
