// pg-boss inside a Prisma transaction: `boss.send(name, data, { db: fromPrisma(tx) })` runs pg-boss's
// INSERT on the transaction's connection, so the message commits or rolls back with the rows it
// belongs to (an ai_jobs row and its message, never one without the other).
//
// pg-boss hands node-postgres-style parameters ($1…$n, plain JS values) and reads `{ rows }`.
// Prisma's raw API takes the same numbered placeholders; two values need translating on the way:
// `undefined` (pg sends it as NULL, Prisma refuses it) and plain objects (pg serialises them as
// JSON for the `$3::jsonb` message body; Prisma would not know what type to give them).
//
// Only for statements whose results Prisma can read: send() and insert() return ids, but
// getJobById() selects interval columns, which Prisma's raw queries cannot deserialize.
import type PgBoss from "pg-boss";
import type { Tx } from "../db/transaction.ts";

export function fromPrisma(tx: Tx): PgBoss.Db {
  return {
    async executeSql(text, values = []) {
      const rows = await tx.$queryRawUnsafe<unknown[]>(text, ...values.map(asParameter));
      return { rows };
    },
  };
}

function asParameter(value: unknown): unknown {
  if (value === undefined) return null;
  if (value === null || value instanceof Date || value instanceof Uint8Array) return value;
  if (typeof value === "object") return JSON.stringify(value);
  return value;
}
