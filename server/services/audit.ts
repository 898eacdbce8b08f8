// The audit log: every privileged action (decisions, appointments, archiving, curation) and every
// rejected hostile payload, written in the same transaction as the change it records. The table
// is append-only (trigger in 0001_init).
import type { Db, Prisma } from "../db/client.ts";

type Client = Db | Prisma.TransactionClient;

export interface AuditEntry {
  actorId: string | null;
  /** "verify.approve", "role.grant", "map.archive", "chart.rejected", … */
  action: string;
  subjectType: string;
  subjectId: string;
  details?: Record<string, unknown>;
  ip?: string | null;
}

export async function audit(db: Client, entry: AuditEntry): Promise<void> {
  await db.auditLogEntry.create({
    data: {
      actorId: entry.actorId,
      action: entry.action,
      subjectType: entry.subjectType,
      subjectId: entry.subjectId,
      details: (entry.details ?? {}) as Prisma.InputJsonObject,
      ip: entry.ip ?? null,
    },
  });
}

export interface AuditRow {
  id: string;
  createdAt: Date;
  action: string;
  subjectType: string;
  subjectId: string;
  details: unknown;
  actor: { id: string; displayName: string } | null;
}

/** Newest first; `beforeId` pages back. */
export async function listAudit(
  db: Db,
  options: { limit: number; beforeId?: string; action?: string },
): Promise<AuditRow[]> {
  const rows = await db.auditLogEntry.findMany({
    where: {
      ...(options.beforeId ? { id: { lt: BigInt(options.beforeId) } } : {}),
      ...(options.action ? { action: options.action } : {}),
    },
    orderBy: { id: "desc" },
    take: options.limit,
    include: { actor: { select: { id: true, displayName: true } } },
  });
  return rows.map((r) => ({
    id: r.id.toString(),
    createdAt: r.createdAt,
    action: r.action,
    subjectType: r.subjectType,
    subjectId: r.subjectId,
    details: r.details,
    actor: r.actor,
  }));
}
