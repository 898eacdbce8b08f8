// Edit proposals: a fixer's change to a map, stored as a diff against the version they edited.
// If the map moved on meanwhile (another fix was approved), the diff is rebased onto the newest
// version automatically when the two touch different notes; otherwise the caller gets the
// conflicts (note by note) to resolve in the editor. Nothing is published until a verifier
// approves (verification.ts).

import {
  applyDiff,
  type ChartDiff,
  type DiffConflict,
  DiffConflictError,
  diffCharts,
  isEmptyDiff,
  rebaseDiff,
  summarizeDiff,
} from "../../lib/beatmap/diff.ts";
import { type Beatmap, LIMITS, lintBeatmap, MAX_TIME_MS } from "../../lib/beatmap/index.ts";
import type { Db, Prisma } from "../db/client.ts";
import { transaction } from "../db/transaction.ts";
import { guardClientChart } from "./chart-guard.ts";
import { claimMutation, mutationKey, recordedAnswer, recordMutation } from "./client-mutations.ts";
import { badRequest, forbidden, notFound } from "./community-errors.ts";
import { chartOf, latestVersion, type PersonRef } from "./map-versions.ts";

/** A chart may differ from its song's fingerprinted length by decoder padding, not more. */
const DURATION_TOLERANCE_MS = 2_000;
export const MESSAGE_MAX_CHARS = 2_000;

/** Thrown when an automatic rebase is impossible; carries every conflicting change. */
export class ProposalConflictError extends DiffConflictError {
  override name = "ProposalConflictError";
  constructor(
    conflicts: DiffConflict[],
    readonly latestVersionId: string,
  ) {
    super(conflicts);
    this.message = `The map changed since you started editing, and ${conflicts.length === 1 ? "one of your changes touches" : `${conflicts.length} of your changes touch`} the same notes: ${conflicts[0]?.message ?? ""}. Open the newest version, re-apply those changes, and submit again.`;
  }
}

export interface CreateProposalInput {
  authorId: string;
  mapId: string;
  baseVersionId: string;
  chart: unknown;
  message: string;
  /**
   * Client-generated id, scoped to the author (server/services/client-mutations.ts): a resend returns
   * the first answer with `created: false`; the same id with a different edit is a conflict.
   */
  clientMutationId?: string;
  confirmedNoteTimes?: number[];
  ip?: string | null;
}

export interface CreateProposalResult {
  proposalId: string;
  /** The version the stored diff applies to (the newest one, after an automatic rebase). */
  baseVersionId: string;
  rebased: boolean;
  summary: ReturnType<typeof summarizeDiff>;
  /** False when this is a resend of a proposal already made (nothing new was written). */
  created: boolean;
}

/** Times of notes that exist in `chart`, or a BAD_REQUEST naming the first that does not. */
function checkConfirmedTimes(times: number[], chart: Beatmap): number[] {
  if (times.length > Math.min(chart.HitObjects.length, LIMITS.maxHitObjects)) {
    throw badRequest("More notes are marked as confirmed than the chart has.");
  }
  const noteTimes = chart.HitObjects.map((n) => n.Time);
  const unique = [...new Set(times.map((t) => Math.round(t * 1000) / 1000))].sort((a, b) => a - b);
  let i = 0;
  for (const t of unique) {
    if (!Number.isFinite(t) || t < 0 || t > MAX_TIME_MS)
      throw badRequest("A confirmed note time is not a valid time.");
    while (i < noteTimes.length && (noteTimes[i] as number) < t - 0.5) i++;
    if (i >= noteTimes.length || Math.abs((noteTimes[i] as number) - t) > 0.5) {
      throw badRequest(
        `You confirmed a note at ${(t / 1000).toFixed(3)} s, but the chart has no note there.`,
      );
    }
  }
  return unique;
}

export async function createProposal(db: Db, input: CreateProposalInput): Promise<CreateProposalResult> {
  // The edit is the chart against its base with its message; the notes confirmed by ear travel
  // with it but do not make it another edit.
  const key = input.clientMutationId
    ? mutationKey(
        { userId: input.authorId, procedure: "proposals.create", id: input.clientMutationId },
        {
          mapId: input.mapId,
          baseVersionId: input.baseVersionId,
          chart: input.chart,
          message: input.message,
        },
      )
    : null;
  if (key) {
    const replay = await recordedAnswer<CreateProposalResult>(db, key);
    if (replay) return completeReplay(db, replay);
  }
  const message = input.message.trim();
  if (message.length > MESSAGE_MAX_CHARS)
    throw badRequest(`Keep the message under ${MESSAGE_MAX_CHARS} characters.`);

  const { chart } = await guardClientChart(db, input.chart, {
    userId: input.authorId,
    via: "proposals.create",
    ip: input.ip ?? null,
  });
  const map = await db.map.findUnique({
    where: { id: input.mapId },
    select: { id: true, state: true, song: { select: { durationMs: true } } },
  });
  if (!map) throw notFound("There is no map with this id.");
  if (map.state === "archived") throw badRequest("This chart was archived and takes no more fixes.");
  const chartMs = chart.Audio?.Duration;
  if (chartMs !== undefined && Math.abs(chartMs - map.song.durationMs) > DURATION_TOLERANCE_MS) {
    throw badRequest(
      `The chart is for ${(chartMs / 1000).toFixed(1)} s of audio, but this song is ${(map.song.durationMs / 1000).toFixed(1)} s long.`,
    );
  }
  const base = await db.mapVersion.findUnique({ where: { id: input.baseVersionId } });
  if (!base || base.mapId !== map.id) throw notFound("The version you edited is not a version of this map.");
  const baseChart = chartOf(base);

  let diff = diffCharts(baseChart, chart);
  if (isEmptyDiff(diff)) throw badRequest("Nothing changed compared with the version you edited.");
  let result = chart;
  let storedBase = base;
  const latest = await latestVersion(db, map.id);
  if (latest && latest.id !== base.id) {
    const rebase = rebaseDiff(diff, baseChart, chartOf(latest));
    if (!rebase.ok) throw new ProposalConflictError(rebase.conflicts, latest.id);
    if (isEmptyDiff(rebase.diff)) throw badRequest("The newest version already has all of your changes.");
    const lint = lintBeatmap(rebase.chart);
    if (lint.errors.length > 0) {
      throw badRequest(
        `Your changes on top of the newest version make an invalid chart: ${lint.errors[0]?.message ?? ""}`,
      );
    }
    diff = rebase.diff;
    result = rebase.chart;
    storedBase = latest;
  }
  const confirmed = checkConfirmedTimes(input.confirmedNoteTimes ?? [], result);
  const answer = await transaction(db, async (tx): Promise<CreateProposalResult> => {
    // Claimed first: a concurrent resend waits here for this one's commit, then answers the replay.
    if (key) {
      const replay = await claimMutation<CreateProposalResult>(tx, key);
      if (replay) return replay;
    }
    const row = await tx.mapEditProposal.create({
      data: {
        mapId: map.id,
        baseVersionId: storedBase.id,
        authorId: input.authorId,
        diff: diff as unknown as Prisma.InputJsonObject,
        message,
        confirmedNoteTimes: confirmed,
        ...(input.clientMutationId ? { clientMutationId: input.clientMutationId } : {}),
      },
      select: { id: true },
    });
    const result: CreateProposalResult = {
      proposalId: row.id,
      baseVersionId: storedBase.id,
      rebased: storedBase.id !== base.id,
      summary: summarizeDiff(diff, chartOf(storedBase).HitObjects.length),
      created: true,
    };
    if (key) await recordMutation(tx, key, result);
    return result;
  });
  return completeReplay(db, answer);
}

/**
 * Proposals recorded before answers were kept (migration 0007) have only their id: their answer
 * is rebuilt from the proposal.
 */
async function completeReplay(db: Db, answer: CreateProposalResult): Promise<CreateProposalResult> {
  if (answer.summary) return answer;
  const done = await db.mapEditProposal.findUniqueOrThrow({ where: { id: answer.proposalId } });
  return {
    proposalId: done.id,
    baseVersionId: done.baseVersionId,
    rebased: false,
    summary: summarizeDiff(done.diff as unknown as ChartDiff),
    created: false,
  };
}

export async function withdrawProposal(
  db: Db,
  { userId, proposalId }: { userId: string; proposalId: string },
) {
  const proposal = await db.mapEditProposal.findUnique({ where: { id: proposalId } });
  if (!proposal) throw notFound("There is no proposal with this id.");
  if (proposal.authorId !== userId) throw forbidden("Only the author can withdraw a proposal.");
  const changed = await db.mapEditProposal.updateMany({
    where: { id: proposalId, status: { in: ["pending", "needs_changes"] } },
    data: { status: "withdrawn" },
  });
  if (changed.count === 0)
    throw badRequest(`This proposal was already ${proposal.status.replace("_", " ")}.`);
  return { proposalId, status: "withdrawn" as const };
}

export interface ProposalDetail {
  id: string;
  mapId: string;
  songId: string;
  status: string;
  message: string;
  author: PersonRef;
  createdAt: Date;
  baseVersion: { id: string; number: number };
  diff: ChartDiff;
  summary: ReturnType<typeof summarizeDiff>;
  confirmedNoteTimes: number[];
  baseChart: Beatmap;
  /** The chart the proposal makes (base + diff), or null when it no longer applies to its base. */
  proposedChart: Beatmap | null;
  decisions: { decision: string; reason: string; verifier: PersonRef; createdAt: Date }[];
}

export async function getProposal(db: Db, proposalId: string): Promise<ProposalDetail> {
  const p = await db.mapEditProposal.findUnique({
    where: { id: proposalId },
    include: {
      author: { select: { id: true, displayName: true } },
      baseVersion: true,
      map: { select: { songId: true } },
      decisions: {
        orderBy: { createdAt: "asc" },
        include: { verifier: { select: { id: true, displayName: true } } },
      },
    },
  });
  if (!p) throw notFound("There is no proposal with this id.");
  const diff = p.diff as unknown as ChartDiff;
  const baseChart = chartOf(p.baseVersion);
  let proposedChart: Beatmap | null = null;
  try {
    proposedChart = applyDiff(baseChart, diff);
  } catch (error) {
    if (!(error instanceof DiffConflictError)) throw error;
  }
  return {
    id: p.id,
    mapId: p.mapId,
    songId: p.map.songId,
    status: p.status,
    message: p.message,
    author: p.author,
    createdAt: p.createdAt,
    baseVersion: { id: p.baseVersion.id, number: p.baseVersion.number },
    diff,
    summary: summarizeDiff(diff, baseChart.HitObjects.length),
    confirmedNoteTimes: p.confirmedNoteTimes,
    baseChart,
    proposedChart,
    decisions: p.decisions.map((d) => ({
      decision: d.decision,
      reason: d.reason,
      verifier: d.verifier,
      createdAt: d.createdAt,
    })),
  };
}

/** A person's own proposals, newest first, with where each stands. */
export async function listMyProposals(db: Db, userId: string) {
  return db.mapEditProposal.findMany({
    where: { authorId: userId },
    orderBy: { createdAt: "desc" },
    take: 100,
    select: {
      id: true,
      mapId: true,
      status: true,
      message: true,
      createdAt: true,
      updatedAt: true,
      resultVersionId: true,
      decisions: { orderBy: { createdAt: "desc" }, take: 1, select: { decision: true, reason: true } },
    },
  });
}
