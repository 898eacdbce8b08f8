// Security-relevant account events in the append-only audit_log, so an operator can answer "who
// changed what about this account, when, from where". Secrets (tokens, passwords) never go in.
import type { Db, Prisma } from "../db/client.ts";

export type SecurityAction =
  | "account.sign_up"
  | "account.email_verified"
  /** Enough wrong passwords that a password alone no longer signs in (services/sign-in.ts). */
  | "account.password_step_up"
  | "account.password_reset"
  | "session.revoke_others"
  | "passkey.add"
  | "passkey.remove";

export async function recordSecurityEvent(
  db: Db | Prisma.TransactionClient,
  event: {
    action: SecurityAction;
    userId: string;
    /** Who did it, when not the account holder themselves (null for the system). */
    actorId?: string | null;
    ip?: string | null;
    details?: Prisma.InputJsonObject;
  },
): Promise<void> {
  await db.auditLogEntry.create({
    data: {
      actorId: event.actorId === undefined ? event.userId : event.actorId,
      action: event.action,
      subjectType: "user",
      subjectId: event.userId,
      details: event.details,
      ip: event.ip ?? null,
    },
  });
}
