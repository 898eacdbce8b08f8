// People own their data: everything stored about an account, as one JSON document they can
// download, and deleting the account.
//
// Deleting keeps the users row as a tombstone (deleted_at set, a placeholder name and an address no
// form accepts, no password) rather than removing it, because others rely on what the person made:
// canonical maps and their versions, fixes that were approved, the decisions and votes that got
// them there, and the append-only karma ledger and audit log all point at the row by foreign key.
// What only describes the person goes: sign-in (sessions, passkeys, emailed links, challenges),
// devices (push subscriptions, offline mutation records), notifications, practice results, the
// file names of their uploads, their network addresses in the audit log, appointed roles.
//
// Comments are deleted, not kept under the placeholder: they are free text (people write names and
// more in them), nothing else refers to them, and a chart's history is its versions, proposals and
// decisions, which stay. Fixes still waiting for review are withdrawn, since nobody is left to answer
// a verifier; queued server jobs nobody else waits for are cancelled (the worker skips cancelled
// jobs, and retention then deletes their audio like any finished job's).
//
// The database holds the line too (migration 0010): a tombstone cannot have a password or a real
// address, and no session, passkey or emailed link can be added for it.
import type { Db, Prisma } from "../db/client.ts";
import { transaction } from "../db/transaction.ts";
import { AccountError } from "./accounts.ts";
import { audit } from "./audit.ts";

export const ACCOUNT_EXPORT_FORMAT = "beatsight.account-export";
/** Raised when a field changes meaning or goes away; new fields do not raise it. */
export const ACCOUNT_EXPORT_VERSION = 1;

/** The address a deleted account keeps: unique, and refused by every form (it has no domain). */
export function tombstoneEmail(userId: string): string {
  return `deleted-${userId}@`;
}

export function tombstoneName(userId: string): string {
  return `Deleted user ${userId.slice(0, 8)}`;
}

const iso = (date: Date | null): string | null => date?.toISOString() ?? null;

type Json = Prisma.JsonValue;

/** Everything stored about one account, in plain JSON (dates as ISO 8601 strings). */
export interface AccountExport {
  format: typeof ACCOUNT_EXPORT_FORMAT;
  version: typeof ACCOUNT_EXPORT_VERSION;
  exportedAt: string;
  account: {
    id: string;
    email: string;
    displayName: string;
    emailVerifiedAt: string | null;
    createdAt: string;
    hasPassword: boolean;
    /** Until then a password alone does not sign in (too many wrong ones were tried). */
    passwordStepUpUntil: string | null;
    karma: number;
    appointedRoles: { role: string; grantedAt: string }[];
  };
  sessions: {
    id: string;
    createdAt: string;
    lastSeenAt: string;
    expiresAt: string;
    ip: string | null;
    userAgent: string | null;
  }[];
  passkeys: {
    id: string;
    name: string | null;
    transports: string[];
    createdAt: string;
    lastUsedAt: string | null;
  }[];
  mapsCreated: {
    id: string;
    songId: string;
    song: { title: string | null; artist: string | null };
    name: string;
    difficulty: number | null;
    state: string;
    isCanonical: boolean;
    createdAt: string;
    updatedAt: string;
  }[];
  /** Chart versions you wrote (AI drafts you generated and fixes that were approved), with the chart. */
  versionsAuthored: {
    id: string;
    mapId: string;
    number: number;
    source: string;
    parentVersionId: string | null;
    contentHash: string;
    createdAt: string;
    diffSummary: Json;
    /** The chart (.bsm), or null when it is kept in object storage under `storageKey`. */
    chart: Json;
    storageKey: string | null;
  }[];
  proposals: {
    id: string;
    mapId: string;
    baseVersionId: string;
    resultVersionId: string | null;
    status: string;
    message: string;
    diff: Json;
    confirmedNoteTimes: number[];
    createdAt: string;
    updatedAt: string;
  }[];
  comments: { id: string; mapVersionId: string; timeMs: number; text: string; createdAt: string }[];
  votes: { mapVersionId: string; value: number; createdAt: string }[];
  ratings: { mapId: string; stars: number; createdAt: string }[];
  /** Your decisions as a verifier. */
  decisions: {
    id: string;
    proposalId: string | null;
    mapVersionId: string | null;
    decision: string;
    reason: string;
    createdAt: string;
  }[];
  practiceResults: {
    id: string;
    mapVersionId: string;
    score: number;
    accuracy: number;
    tempo: number;
    level: string;
    stats: Json;
    playedAt: string;
    createdAt: string;
  }[];
  serverJobs: {
    id: string;
    songId: string | null;
    state: string;
    uploadName: string | null;
    audioSeconds: number | null;
    resultMapId: string | null;
    error: string | null;
    createdAt: string;
    finishedAt: string | null;
    uploadDeletedAt: string | null;
  }[];
  jobRequests: { songId: string | null; jobId: string | null; outcome: string; createdAt: string }[];
  karma: {
    delta: number;
    reason: string;
    subjectType: string | null;
    subjectId: string | null;
    createdAt: string;
  }[];
  notifications: { kind: string; payload: Json; readAt: string | null; createdAt: string }[];
  /** Web Push subscriptions: only the push service's origin (the full address is a credential). */
  pushSubscriptions: { pushService: string; createdAt: string }[];
  /**
   * Audit log entries about your account or made by you. `ip` is your network address, shown only
   * for what you did; entries someone else made about you (an appointment) show what, not who.
   */
  auditLog: {
    action: string;
    byYou: boolean;
    subjectType: string;
    subjectId: string;
    details: Json;
    ip: string | null;
    createdAt: string;
  }[];
}

function pushService(endpoint: string): string {
  return URL.canParse(endpoint) ? new URL(endpoint).origin : "unknown";
}

/** The account's data as one document; never password or token hashes, passkey keys or push secrets. */
export async function exportAccountData(db: Db, userId: string, now = new Date()): Promise<AccountExport> {
  const user = await db.user.findUnique({ where: { id: userId } });
  if (!user || user.deletedAt) throw new AccountError("BAD_REQUEST", "This account was deleted.");
  const byUser = { userId } as const;
  const [
    roles,
    sessions,
    passkeys,
    maps,
    versions,
    proposals,
    comments,
    votes,
    ratings,
    decisions,
    results,
    jobs,
    requests,
    karma,
    notifications,
    pushSubscriptions,
    auditRows,
  ] = await Promise.all([
    db.userRole.findMany({ where: byUser, orderBy: { grantedAt: "asc" } }),
    db.session.findMany({ where: byUser, orderBy: { createdAt: "asc" } }),
    db.passkey.findMany({ where: byUser, orderBy: { createdAt: "asc" } }),
    db.map.findMany({
      where: { creatorId: userId },
      orderBy: { createdAt: "asc" },
      include: { song: { select: { title: true, artist: true } } },
    }),
    db.mapVersion.findMany({ where: { authorId: userId }, orderBy: { createdAt: "asc" } }),
    db.mapEditProposal.findMany({ where: { authorId: userId }, orderBy: { createdAt: "asc" } }),
    db.mapComment.findMany({ where: { authorId: userId }, orderBy: { createdAt: "asc" } }),
    db.vote.findMany({ where: byUser, orderBy: { createdAt: "asc" } }),
    db.mapRating.findMany({ where: byUser, orderBy: { createdAt: "asc" } }),
    db.verificationDecision.findMany({ where: { verifierId: userId }, orderBy: { createdAt: "asc" } }),
    db.practiceResult.findMany({ where: byUser, orderBy: { playedAt: "asc" } }),
    db.aiJob.findMany({ where: { requestedById: userId }, orderBy: { createdAt: "asc" } }),
    db.jobRequest.findMany({ where: byUser, orderBy: { id: "asc" } }),
    db.karmaEntry.findMany({ where: byUser, orderBy: { id: "asc" } }),
    db.notification.findMany({ where: byUser, orderBy: { createdAt: "asc" } }),
    db.pushSubscription.findMany({ where: byUser, orderBy: { createdAt: "asc" } }),
    db.auditLogEntry.findMany({
      where: { OR: [{ actorId: userId }, { subjectType: "user", subjectId: userId }] },
      orderBy: { id: "asc" },
    }),
  ]);
  return {
    format: ACCOUNT_EXPORT_FORMAT,
    version: ACCOUNT_EXPORT_VERSION,
    exportedAt: now.toISOString(),
    account: {
      id: user.id,
      email: user.email,
      displayName: user.displayName,
      emailVerifiedAt: iso(user.emailVerifiedAt),
      createdAt: user.createdAt.toISOString(),
      hasPassword: user.passwordHash !== null,
      passwordStepUpUntil: iso(user.passwordStepUpUntil),
      karma: karma.reduce((sum, k) => sum + k.delta, 0),
      appointedRoles: roles.map((r) => ({ role: r.roleName, grantedAt: r.grantedAt.toISOString() })),
    },
    sessions: sessions.map((s) => ({
      id: s.id,
      createdAt: s.createdAt.toISOString(),
      lastSeenAt: s.lastSeenAt.toISOString(),
      expiresAt: s.expiresAt.toISOString(),
      ip: s.ip,
      userAgent: s.userAgent,
    })),
    passkeys: passkeys.map((p) => ({
      id: p.id,
      name: p.name,
      transports: p.transports,
      createdAt: p.createdAt.toISOString(),
      lastUsedAt: iso(p.lastUsedAt),
    })),
    mapsCreated: maps.map((m) => ({
      id: m.id,
      songId: m.songId,
      song: m.song,
      name: m.name,
      difficulty: m.difficulty,
      state: m.state,
      isCanonical: m.isCanonical,
      createdAt: m.createdAt.toISOString(),
      updatedAt: m.updatedAt.toISOString(),
    })),
    versionsAuthored: versions.map((v) => ({
      id: v.id,
      mapId: v.mapId,
      number: v.number,
      source: v.source,
      parentVersionId: v.parentVersionId,
      contentHash: v.contentHash,
      createdAt: v.createdAt.toISOString(),
      diffSummary: v.diffSummary,
      chart: v.content,
      storageKey: v.storageKey,
    })),
    proposals: proposals.map((p) => ({
      id: p.id,
      mapId: p.mapId,
      baseVersionId: p.baseVersionId,
      resultVersionId: p.resultVersionId,
      status: p.status,
      message: p.message,
      diff: p.diff,
      confirmedNoteTimes: p.confirmedNoteTimes,
      createdAt: p.createdAt.toISOString(),
      updatedAt: p.updatedAt.toISOString(),
    })),
    comments: comments.map((c) => ({
      id: c.id,
      mapVersionId: c.mapVersionId,
      timeMs: c.timeMs,
      text: c.body,
      createdAt: c.createdAt.toISOString(),
    })),
    votes: votes.map((v) => ({
      mapVersionId: v.mapVersionId,
      value: v.value,
      createdAt: v.createdAt.toISOString(),
    })),
    ratings: ratings.map((r) => ({ mapId: r.mapId, stars: r.stars, createdAt: r.createdAt.toISOString() })),
    decisions: decisions.map((d) => ({
      id: d.id,
      proposalId: d.proposalId,
      mapVersionId: d.mapVersionId,
      decision: d.decision,
      reason: d.reason,
      createdAt: d.createdAt.toISOString(),
    })),
    practiceResults: results.map((r) => ({
      id: r.id,
      mapVersionId: r.mapVersionId,
      score: r.score,
      accuracy: r.accuracy,
      tempo: r.tempo,
      level: r.level,
      stats: r.stats,
      playedAt: r.playedAt.toISOString(),
      createdAt: r.createdAt.toISOString(),
    })),
    serverJobs: jobs.map((j) => ({
      id: j.id,
      songId: j.songId,
      state: j.state,
      uploadName: j.uploadName,
      audioSeconds: j.audioSeconds,
      resultMapId: j.resultMapId,
      error: j.error,
      createdAt: j.createdAt.toISOString(),
      finishedAt: iso(j.finishedAt),
      uploadDeletedAt: iso(j.uploadDeletedAt),
    })),
    jobRequests: requests.map((r) => ({
      songId: r.songId,
      jobId: r.jobId,
      outcome: r.outcome,
      createdAt: r.createdAt.toISOString(),
    })),
    karma: karma.map((k) => ({
      delta: k.delta,
      reason: k.reason,
      subjectType: k.subjectType,
      subjectId: k.subjectId,
      createdAt: k.createdAt.toISOString(),
    })),
    notifications: notifications.map((n) => ({
      kind: n.kind,
      payload: n.payload,
      readAt: iso(n.readAt),
      createdAt: n.createdAt.toISOString(),
    })),
    pushSubscriptions: pushSubscriptions.map((p) => ({
      pushService: pushService(p.endpoint),
      createdAt: p.createdAt.toISOString(),
    })),
    auditLog: auditRows.map((a) => {
      const byYou = a.actorId === userId;
      return {
        action: a.action,
        byYou,
        subjectType: a.subjectType,
        subjectId: a.subjectId,
        details: a.details,
        ip: byYou ? a.ip : null,
        createdAt: a.createdAt.toISOString(),
      };
    }),
  };
}

/** Records that the account's data was downloaded (an operator can then tell a stolen session's doing). */
export async function recordExport(db: Db, userId: string, ip: string | null): Promise<void> {
  await audit(db, { actorId: userId, action: "account.export", subjectType: "user", subjectId: userId, ip });
}

export const LAST_ADMIN_MESSAGE =
  "You are the only admin. Appoint another admin on the Roles page before deleting your account, so someone can still run the site.";

/** What deleting an account removed or changed, counted (for the log and the audit entry). */
export interface DeletionSummary {
  sessions: number;
  passkeys: number;
  comments: number;
  notifications: number;
  practiceResults: number;
  withdrawnProposals: number;
  cancelledJobs: number;
}

/**
 * Deletes the account in one transaction (see the top of this file for what goes and what stays).
 * The caller must have confirmed it is the account holder (./reauthentication.ts).
 */
export async function deleteAccount(db: Db, userId: string, now = new Date()): Promise<DeletionSummary> {
  return transaction(
    db,
    async (tx) => {
      // The row lock orders this against a sign-in of the same account (the triggers of migration
      // 0010 wait for it), so no session can be added behind the deletion.
      const [user] = await tx.$queryRaw<{ deleted_at: Date | null }[]>`
        SELECT deleted_at FROM users WHERE id = ${userId}::uuid FOR UPDATE`;
      if (!user || user.deleted_at)
        throw new AccountError("BAD_REQUEST", "This account was already deleted.");

      // The same lock as revoking a role (./roles.ts), so two admins cannot both leave at once.
      await tx.$queryRaw`SELECT 1 AS locked FROM (SELECT pg_advisory_xact_lock(hashtext('roles:revoke'))) l`;
      const isAdmin = await tx.userRole.count({ where: { userId, roleName: "admin" } });
      if (isAdmin > 0 && (await tx.userRole.count({ where: { roleName: "admin" } })) <= 1) {
        throw new AccountError("FORBIDDEN", LAST_ADMIN_MESSAGE);
      }

      const byUser = { where: { userId } };
      const sessions = (await tx.session.deleteMany(byUser)).count;
      const passkeys = (await tx.passkey.deleteMany(byUser)).count;
      await tx.emailToken.deleteMany(byUser);
      await tx.webauthnChallenge.deleteMany(byUser);
      await tx.pushSubscription.deleteMany(byUser);
      await tx.clientMutation.deleteMany(byUser);
      await tx.userRole.deleteMany(byUser);
      const notifications = (await tx.notification.deleteMany(byUser)).count;
      const practiceResults = (await tx.practiceResult.deleteMany(byUser)).count;
      const comments = (await tx.mapComment.deleteMany({ where: { authorId: userId } })).count;

      const withdrawnProposals = (
        await tx.mapEditProposal.updateMany({
          where: { authorId: userId, status: { in: ["pending", "needs_changes"] } },
          data: { status: "withdrawn" },
        })
      ).count;

      const waiting = await tx.aiJobSubscriber.findMany({ where: { userId }, select: { jobId: true } });
      await tx.aiJobSubscriber.deleteMany(byUser);
      const cancelledJobs = (
        await tx.aiJob.updateMany({
          where: {
            state: "queued",
            subscribers: { none: {} },
            OR: [{ id: { in: waiting.map((w) => w.jobId) } }, { requestedById: userId }],
          },
          data: {
            state: "cancelled",
            finishedAt: now,
            error: "Cancelled: the account that asked for it was deleted.",
          },
        })
      ).count;
      // A file name can say whose recording it was ("our band, take 3.wav").
      await tx.aiJob.updateMany({
        where: { requestedById: userId, uploadName: { not: null } },
        data: { uploadName: null },
      });

      // The audit log keeps its entries but forgets the person's addresses and passkey names (the
      // only change its trigger allows, migration 0010). Entries by others keep theirs.
      await tx.$executeRaw`
        UPDATE audit_log
           SET ip = NULL,
               details = CASE WHEN action = 'passkey.add' THEN details - 'name' ELSE details END
         WHERE (actor_id = ${userId}::uuid
                OR (actor_id IS NULL AND subject_type = 'user' AND subject_id = ${userId}))
           AND (ip IS NOT NULL OR (action = 'passkey.add' AND details->>'name' IS NOT NULL))`;

      await tx.user.update({
        where: { id: userId },
        data: {
          email: tombstoneEmail(userId),
          displayName: tombstoneName(userId),
          passwordHash: null,
          emailVerifiedAt: null,
          failedLoginCount: 0,
          passwordStepUpUntil: null,
          deletedAt: now,
        },
      });
      const summary = {
        sessions,
        passkeys,
        comments,
        notifications,
        practiceResults,
        withdrawnProposals,
        cancelledJobs,
      };
      await audit(tx, {
        actorId: userId,
        action: "account.delete",
        subjectType: "user",
        subjectId: userId,
        details: { ...summary },
      });
      return summary;
    },
    // Many rows for a long-standing account, and the lock may wait on a sign-in in progress.
    { timeout: 30_000 },
  );
}
