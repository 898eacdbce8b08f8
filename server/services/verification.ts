// The verification queue and verifiers' decisions.
//
// Queue: pending proposals and unreviewed AI charts, oldest first, each with its lint report;
// unverified charts that players rated highly (ratings.ts SURFACE_RATING) come before the rest.
//
// Decisions (approve / reject / needs_changes, always with a reason) run in one transaction that
// first locks the song row, so decisions on one song happen one at a time. Approving makes the
// map the song's one canonical verified map; the verifier says which map they saw as canonical
// when they decided (`expectedCanonicalMapId`, from the queue), and if another verifier changed
// it meanwhile the decision is refused with CONFLICT instead of silently replacing their choice.
// The partial unique index maps_one_canonical_per_song stays the last line of defence: a
// violation of it is reported the same way.

import {
  applyDiff,
  type ChartDiff,
  DiffConflictError,
  type DiffSummary,
  diffCharts,
  rebaseDiff,
  summarizeDiff,
} from "../../lib/beatmap/diff.ts";
import {
  type Beatmap,
  canonicalJson,
  contentHash,
  type LintIssue,
  lintBeatmap,
} from "../../lib/beatmap/index.ts";
import type { Db, Prisma } from "../db/client.ts";
import { moduleLogger } from "../log.ts";
import { wakeNotificationDelivery } from "../notifications/delivery-loop.ts";
import { notify } from "../notifications/notify.ts";
import { audit } from "./audit.ts";
import { badRequest, CANONICAL_CONFLICT_MESSAGE, conflict, forbidden, notFound } from "./community-errors.ts";
import { award } from "./karma.ts";
import { chartOf, latestVersion, type MapStateName, type PersonRef } from "./map-versions.ts";
import { emptyRating, isSurfaced, type RatingSummary, ratingSummaries } from "./ratings.ts";

const log = moduleLogger("verification");

export const REASON_MIN_CHARS = 3;
export const REASON_MAX_CHARS = 2000;

// ── the queue ──

export interface QueueItem {
  kind: "proposal" | "map";
  /** The proposal id, or the map version id for an AI chart. */
  id: string;
  /** The version a decision is about: the proposal's base, or the AI chart's version. */
  versionId: string;
  map: { id: string; name: string; state: MapStateName; isCanonical: boolean; difficulty: number | null };
  song: { id: string; title: string | null; artist: string | null; durationMs: number };
  /** Send this back with the decision (see the file comment). */
  expectedCanonicalMapId: string | null;
  author: PersonRef | null;
  message: string;
  waitingSince: Date;
  lint: { errors: number; warnings: number; issues: LintIssue[] };
  /** What the proposal changes (null for an AI chart). */
  summary: DiffSummary | null;
  /** False when the proposal no longer applies to the map's newest version. */
  applies: boolean;
  noteCount: number;
  confirmedNotes: number;
  rating: RatingSummary;
  surfaced: boolean;
  /** The viewer made this; someone else must decide. */
  own: boolean;
}

const MAX_SCANNED = 200;

function lintSummary(chart: Beatmap | null): QueueItem["lint"] {
  if (!chart) return { errors: 0, warnings: 0, issues: [] };
  const report = lintBeatmap(chart);
  return {
    errors: report.errors.length,
    warnings: report.warnings.length,
    issues: report.issues.slice(0, 8),
  };
}

async function canonicalBySong(db: Db, songIds: string[]): Promise<Map<string, string>> {
  const rows = await db.map.findMany({
    where: { songId: { in: songIds }, isCanonical: true },
    select: { id: true, songId: true },
  });
  return new Map(rows.map((r) => [r.songId, r.id]));
}

export async function verificationQueue(
  db: Db,
  { viewerId, limit = 50 }: { viewerId: string; limit?: number },
): Promise<QueueItem[]> {
  const mapSelect = {
    id: true,
    name: true,
    state: true,
    isCanonical: true,
    difficulty: true,
    song: { select: { id: true, title: true, artist: true, durationMs: true } },
  } as const;
  const [proposals, drafts] = await Promise.all([
    db.mapEditProposal.findMany({
      where: { status: "pending", map: { state: { not: "archived" } } },
      orderBy: { createdAt: "asc" },
      take: MAX_SCANNED,
      include: {
        author: { select: { id: true, displayName: true } },
        baseVersion: true,
        map: { select: mapSelect },
      },
    }),
    db.map.findMany({
      where: { state: { in: ["ai_draft", "human_fixed"] } },
      orderBy: { createdAt: "asc" },
      take: MAX_SCANNED,
      select: {
        ...mapSelect,
        creatorId: true,
        versions: {
          orderBy: { number: "desc" },
          take: 1,
          include: {
            author: { select: { id: true, displayName: true } },
            _count: { select: { decisions: true } },
          },
        },
      },
    }),
  ]);
  const mapIds = [...new Set([...proposals.map((p) => p.mapId), ...drafts.map((m) => m.id)])];
  const songIds = [...new Set([...proposals.map((p) => p.map.song.id), ...drafts.map((m) => m.song.id)])];
  const [ratings, canonical] = await Promise.all([
    ratingSummaries(db, mapIds, viewerId),
    canonicalBySong(db, songIds),
  ]);
  const noRating = emptyRating();

  const items: QueueItem[] = [];
  for (const d of drafts) {
    const version = d.versions[0];
    // Reviewed already (rejected or sent back): it returns when a new version arrives.
    if (!version || version._count.decisions > 0) continue;
    const rating = ratings.get(d.id) ?? noRating;
    items.push({
      kind: "map",
      id: version.id,
      versionId: version.id,
      map: { id: d.id, name: d.name, state: d.state, isCanonical: d.isCanonical, difficulty: d.difficulty },
      song: d.song,
      expectedCanonicalMapId: canonical.get(d.song.id) ?? null,
      author: version.author,
      message: "",
      waitingSince: version.createdAt,
      lint: { errors: 0, warnings: 0, issues: [] },
      summary: null,
      applies: true,
      noteCount: 0,
      confirmedNotes: 0,
      rating,
      surfaced: isSurfaced(rating),
      own: version.authorId === viewerId || d.creatorId === viewerId,
    });
  }
  for (const p of proposals) {
    items.push({
      kind: "proposal",
      id: p.id,
      versionId: p.baseVersionId,
      map: {
        id: p.map.id,
        name: p.map.name,
        state: p.map.state,
        isCanonical: p.map.isCanonical,
        difficulty: p.map.difficulty,
      },
      song: p.map.song,
      expectedCanonicalMapId: canonical.get(p.map.song.id) ?? null,
      author: p.author,
      message: p.message,
      waitingSince: p.createdAt,
      lint: { errors: 0, warnings: 0, issues: [] },
      summary: null,
      applies: true,
      noteCount: 0,
      confirmedNotes: p.confirmedNoteTimes.length,
      rating: ratings.get(p.mapId) ?? noRating,
      surfaced: false,
      own: p.authorId === viewerId,
    });
  }
  items.sort(
    (a, b) => Number(b.surfaced) - Number(a.surfaced) || a.waitingSince.getTime() - b.waitingSince.getTime(),
  );
  const page = items.slice(0, limit);

  // Charts are read and linted only for the page shown.
  const proposalById = new Map(proposals.map((p) => [p.id, p]));
  for (const item of page) {
    try {
      await describeItem(db, item, proposalById);
    } catch (err) {
      // One unreadable item must not hide the whole queue from verifiers.
      log.error({ err, kind: item.kind, id: item.id }, "queue item could not be read");
      item.applies = false;
    }
  }
  return page;
}

async function describeItem(
  db: Db,
  item: QueueItem,
  proposalById: Map<
    string,
    {
      mapId: string;
      baseVersionId: string;
      diff: unknown;
      baseVersion: { id: string; content: unknown; storageKey: string | null };
    }
  >,
): Promise<void> {
  if (item.kind === "map") {
    const chart = chartOf(await db.mapVersion.findUniqueOrThrow({ where: { id: item.versionId } }));
    item.lint = lintSummary(chart);
    item.noteCount = chart.HitObjects.length;
    return;
  }
  const p = proposalById.get(item.id);
  if (!p) return;
  const base = chartOf(p.baseVersion);
  const diff = p.diff as unknown as ChartDiff;
  item.summary = summarizeDiff(diff, base.HitObjects.length);
  const proposed = await proposedOnLatest(db, p.mapId, p.baseVersionId, base, diff);
  item.applies = proposed !== null;
  item.lint = lintSummary(proposed);
  item.noteCount = proposed?.HitObjects.length ?? base.HitObjects.length;
}

/** The proposal applied to the map's newest version (rebased if needed), or null if it conflicts. */
async function proposedOnLatest(
  db: Db | Prisma.TransactionClient,
  mapId: string,
  baseVersionId: string,
  base: Beatmap,
  diff: ChartDiff,
): Promise<Beatmap | null> {
  const latest = await latestVersion(db, mapId);
  if (!latest || latest.id === baseVersionId) {
    try {
      return applyDiff(base, diff);
    } catch (error) {
      if (error instanceof DiffConflictError) return null;
      throw error;
    }
  }
  const rebased = rebaseDiff(diff, base, chartOf(latest));
  return rebased.ok ? rebased.chart : null;
}

// ── decisions ──

export type DecisionKind = "approve" | "reject" | "needs_changes";

export interface DecideInput {
  verifierId: string;
  subject: { proposalId: string } | { mapVersionId: string };
  decision: DecisionKind;
  reason: string;
  /** The song's canonical map as the verifier saw it (QueueItem.expectedCanonicalMapId). */
  expectedCanonicalMapId: string | null;
  ip?: string | null;
}

export interface DecideResult {
  decisionId: string;
  decision: DecisionKind;
  mapId: string;
  songId: string;
  /** The version approval published (or verified); null for reject / needs_changes. */
  versionId: string | null;
  canonical: boolean;
}

interface Notice {
  userId: string;
  kind: string;
  title: string;
  body: string;
  url: string;
}

function isCanonicalIndexViolation(error: unknown): boolean {
  const text =
    error instanceof Error
      ? `${error.message} ${JSON.stringify((error as { meta?: unknown }).meta ?? {})}`
      : "";
  return text.includes("maps_one_canonical_per_song");
}

const VERB: Record<DecisionKind, string> = {
  approve: "approved",
  reject: "rejected",
  needs_changes: "sent back for changes",
};

export async function decide(db: Db, input: DecideInput): Promise<DecideResult> {
  const reason = input.reason.trim();
  if (reason.length < REASON_MIN_CHARS)
    throw badRequest("Give a reason for your decision (a short sentence).");
  if (reason.length > REASON_MAX_CHARS)
    throw badRequest(`Keep the reason under ${REASON_MAX_CHARS} characters.`);

  // Which song the decision is about, to lock it before reading anything that may change.
  const target =
    "proposalId" in input.subject
      ? await db.mapEditProposal.findUnique({
          where: { id: input.subject.proposalId },
          select: { mapId: true, map: { select: { songId: true } } },
        })
      : await db.mapVersion.findUnique({
          where: { id: input.subject.mapVersionId },
          select: { mapId: true, map: { select: { songId: true } } },
        });
  if (!target) {
    throw notFound(
      "proposalId" in input.subject
        ? "There is no proposal with this id."
        : "There is no chart version with this id.",
    );
  }
  const songId = target.map.songId;
  const mapId = target.mapId;
  const notices: Notice[] = [];

  let result: DecideResult;
  try {
    result = await db.$transaction(
      async (tx) => {
        await tx.$queryRaw`SELECT id FROM songs WHERE id = ${songId}::uuid FOR UPDATE`;
        const map = await tx.map.findUniqueOrThrow({
          where: { id: mapId },
          select: { state: true, isCanonical: true, creatorId: true, name: true },
        });
        if (map.state === "archived") throw conflict("This chart was archived meanwhile; reload the queue.");
        const wasVerified = map.state === "verified";

        let versionId: string | null = null;
        let decisionSubject: { proposalId?: string; mapVersionId?: string };
        let proposalAuthorId: string | null = null;

        if ("proposalId" in input.subject) {
          const proposal = await tx.mapEditProposal.findUniqueOrThrow({
            where: { id: input.subject.proposalId },
            include: { baseVersion: true },
          });
          if (proposal.status !== "pending") {
            throw conflict(
              `This proposal was already ${proposal.status.replace("_", " ")} by another verifier; reload the queue.`,
            );
          }
          if (proposal.authorId === input.verifierId) {
            throw forbidden("You cannot decide on your own proposal; another verifier will.");
          }
          proposalAuthorId = proposal.authorId;
          decisionSubject = { proposalId: proposal.id };
          if (input.decision === "approve") {
            versionId = await publishProposal(tx, proposal, mapId);
            decisionSubject.mapVersionId = versionId;
          } else {
            await tx.mapEditProposal.update({
              where: { id: proposal.id },
              data: { status: input.decision === "reject" ? "rejected" : "needs_changes" },
            });
          }
        } else {
          const version = await tx.mapVersion.findUniqueOrThrow({
            where: { id: input.subject.mapVersionId },
          });
          const latest = await latestVersion(tx, mapId);
          if (latest?.id !== version.id)
            throw conflict("A newer version of this chart exists; reload the queue.");
          if (version.authorId === input.verifierId || map.creatorId === input.verifierId) {
            throw forbidden("You cannot verify a chart you made; another verifier will.");
          }
          if (input.decision === "approve" && map.isCanonical) {
            throw conflict("This chart is already the song's verified chart; reload the queue.");
          }
          decisionSubject = { mapVersionId: version.id };
          if (input.decision === "approve") versionId = version.id;
        }

        let previousCanonical: string | null = null;
        if (input.decision === "approve") {
          previousCanonical =
            (await tx.map.findFirst({ where: { songId, isCanonical: true }, select: { id: true } }))?.id ??
            null;
          if (previousCanonical !== input.expectedCanonicalMapId) throw conflict(CANONICAL_CONFLICT_MESSAGE);
          await tx.map.updateMany({
            where: { songId, isCanonical: true, NOT: { id: mapId } },
            data: { isCanonical: false },
          });
          await tx.map.update({ where: { id: mapId }, data: { state: "verified", isCanonical: true } });
          await tx.song.update({ where: { id: songId }, data: { status: "verified" } });
        }

        const decision = await tx.verificationDecision.create({
          data: { verifierId: input.verifierId, ...decisionSubject, decision: input.decision, reason },
          select: { id: true },
        });

        // Karma, per PRODUCT.md: the fixer for the fix, the chart's creator when their map is first verified.
        if (proposalAuthorId && decisionSubject.proposalId && input.decision !== "needs_changes") {
          await award(tx, {
            userId: proposalAuthorId,
            reason: input.decision === "approve" ? "fix_accepted" : "fix_rejected",
            subjectType: "proposal",
            subjectId: decisionSubject.proposalId,
          });
        }
        if (
          input.decision === "approve" &&
          !wasVerified &&
          map.creatorId &&
          map.creatorId !== input.verifierId
        ) {
          await award(tx, {
            userId: map.creatorId,
            reason: "map_verified",
            subjectType: "map",
            subjectId: mapId,
          });
          if (map.creatorId !== proposalAuthorId) {
            notices.push({
              userId: map.creatorId,
              kind: "map_verified",
              title: "Your chart was verified",
              body: `“${map.name}” is now the song's verified chart. +50 karma.`,
              url: `/maps/${mapId}`,
            });
          }
        }
        if (proposalAuthorId) {
          const karmaNote =
            input.decision === "approve" ? " +25 karma." : input.decision === "reject" ? " −5 karma." : "";
          notices.push({
            userId: proposalAuthorId,
            kind: "proposal_decided",
            title: `Your fix was ${VERB[input.decision]}`,
            body: `“${map.name}”: ${reason}${karmaNote}`,
            url: `/maps/${mapId}`,
          });
        }

        await audit(tx, {
          actorId: input.verifierId,
          action: `verify.${input.decision}`,
          subjectType: "proposalId" in input.subject ? "proposal" : "map_version",
          subjectId: "proposalId" in input.subject ? input.subject.proposalId : input.subject.mapVersionId,
          details: { reason, mapId, songId, versionId, previousCanonicalMapId: previousCanonical },
          ip: input.ip ?? null,
        });
        // In the decision's transaction: nobody is told of a decision that rolled back, and the
        // emails and pushes they cause wait in the outbox until sent.
        for (const n of notices) {
          await notify(tx, n.userId, n.kind, {
            title: n.title,
            body: n.body,
            url: n.url,
            decision: input.decision,
            mapId,
          });
        }
        return {
          decisionId: decision.id,
          decision: input.decision,
          mapId,
          songId,
          versionId,
          canonical: input.decision === "approve",
        };
      },
      // Waiting for another verifier's lock on the same song counts against `timeout`.
      { maxWait: 10_000, timeout: 30_000 },
    );
  } catch (error) {
    if (isCanonicalIndexViolation(error)) throw conflict(CANONICAL_CONFLICT_MESSAGE);
    throw error;
  }

  if (notices.length > 0) wakeNotificationDelivery();
  return result;
}

/** Applies an approved proposal to the map's newest version and stores it as a new immutable version. */
async function publishProposal(
  tx: Prisma.TransactionClient,
  proposal: {
    id: string;
    authorId: string;
    diff: unknown;
    confirmedNoteTimes: number[];
    baseVersion: { id: string; content: unknown; storageKey: string | null };
  },
  mapId: string,
): Promise<string> {
  const latest = await latestVersion(tx, mapId);
  if (!latest) throw notFound("This map has no versions.");
  const base = chartOf(proposal.baseVersion);
  const diff = proposal.diff as ChartDiff;
  let chart: Beatmap;
  if (latest.id === proposal.baseVersion.id) {
    try {
      chart = applyDiff(base, diff);
    } catch (error) {
      if (error instanceof DiffConflictError) {
        throw conflict(
          `This proposal does not apply to the version it was made on: ${error.message} Ask the author for changes.`,
        );
      }
      throw error;
    }
  } else {
    const rebased = rebaseDiff(diff, base, chartOf(latest));
    if (!rebased.ok) {
      throw conflict(
        `The chart changed since this proposal was made and ${rebased.conflicts.length} of its changes collide: ${rebased.conflicts[0]?.message ?? ""}. Ask the author for changes.`,
      );
    }
    chart = rebased.chart;
  }
  const lint = lintBeatmap(chart);
  if (lint.errors.length > 0) {
    throw conflict(
      `Applied to the newest version, this proposal makes an invalid chart (${lint.errors[0]?.message ?? ""}). Ask the author for changes.`,
    );
  }
  const latestChart = chartOf(latest);
  const summary = summarizeDiff(diffCharts(latestChart, chart), latestChart.HitObjects.length);
  const version = await tx.mapVersion.create({
    data: {
      mapId,
      number: latest.number + 1,
      source: "edit",
      authorId: proposal.authorId,
      parentVersionId: latest.id,
      contentHash: await contentHash(chart),
      content: JSON.parse(canonicalJson(chart)) as Prisma.InputJsonValue,
      diffSummary: {
        ...summary,
        confirmedNotes: proposal.confirmedNoteTimes.length,
      } as unknown as Prisma.InputJsonObject,
    },
    select: { id: true },
  });
  await tx.mapEditProposal.update({
    where: { id: proposal.id },
    data: { status: "approved", resultVersionId: version.id },
  });
  return version.id;
}
