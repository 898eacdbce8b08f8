// Client mutation ids: the id a device gives a change (the offline outbox's entry id) so that
// sending it again — a lost answer, two tabs, Background Sync after the page already sent it —
// applies it once. An id is the client's choice, not a secret and not unique across clients, so
// it means something only within its scope: the signed-in user and the procedure. The same id
// from another user, or for another procedure, is another mutation. A signed-out caller has no
// identity to scope by, so its scope is the request itself (a hash of the input): only an
// identical request is recognised as a resend, and a stranger's id changes nothing.
//
// Within a scope:
// - the same input again is a replay: the first answer, with `created: false`;
// - different input under a used id is refused with CONFLICT (409), since applying it would
//   silently drop one of the two changes and answering the old result would be a lie.
//
// The key is claimed inside the transaction that applies the change (claimMutation, then
// recordMutation with the answer), so a crash or rollback leaves no claim behind, and
// concurrent identical requests queue on the key's unique index: the first applies the change,
// the others wait for its commit and answer the replay.
import { createHash } from "node:crypto";
import type { Db, Prisma } from "../db/client.ts";
import type { Tx } from "../db/transaction.ts";

export interface MutationScope {
  /** The signed-in user, or null for a signed-out caller (then the request hash is the scope). */
  userId: string | null;
  /** The tRPC procedure, e.g. "maps.submitGenerated". */
  procedure: string;
  /** The client's id for the change. */
  id: string;
}

export interface MutationKey {
  scope: string;
  userId: string | null;
  kind: string;
  id: string;
  requestHash: string;
}

export class ClientMutationConflictError extends Error {
  override name = "ClientMutationConflictError";
  constructor() {
    super(
      "This change's id was already used for a different change, which was applied. Send the new change with a new id.",
    );
  }
}

/** JSON with object keys sorted, so the same input hashes the same whatever order it was built in. */
function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((v) => stableJson(v ?? null)).join(",")}]`;
  if (value !== null && typeof value === "object" && !(value instanceof Date)) {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

/** The key a change is recorded under; `input` is what the change does (without its id or caller). */
export function mutationKey(scope: MutationScope, input: unknown): MutationKey {
  const requestHash = createHash("sha256").update(stableJson(input)).digest("hex");
  return {
    scope: scope.userId ?? `anonymous:${requestHash}`,
    userId: scope.userId,
    kind: scope.procedure,
    id: scope.id,
    requestHash,
  };
}

type Client = Db | Tx;

/** The first answer to this change with `created: false`, or null when it was not applied yet. */
export async function recordedAnswer<T extends { created: boolean }>(
  db: Client,
  key: MutationKey,
): Promise<T | null> {
  const row = await db.clientMutation.findUnique({
    where: { scope_kind_id: { scope: key.scope, kind: key.kind, id: key.id } },
    select: { requestHash: true, result: true },
  });
  if (!row) return null;
  // A null hash: recorded before hashes were kept (migration 0007); taken as the same request.
  if (row.requestHash !== null && row.requestHash !== key.requestHash)
    throw new ClientMutationConflictError();
  if (row.result === null || typeof row.result !== "object") return null;
  return { ...(row.result as unknown as T), created: false };
}

/**
 * Inside the change's transaction: claims the key. Returns null when this call holds it (apply the
 * change, then recordMutation), or the first answer when another request applied it — after
 * waiting for that request's transaction if it is still running.
 */
export async function claimMutation<T extends { created: boolean }>(
  tx: Tx,
  key: MutationKey,
): Promise<T | null> {
  const inserted = await tx.$executeRaw`
    INSERT INTO client_mutations (scope, user_id, kind, id, request_hash)
    VALUES (${key.scope}, ${key.userId}::uuid, ${key.kind}, ${key.id}, ${key.requestHash})
    ON CONFLICT DO NOTHING`;
  if (inserted === 1) return null;
  const answer = await recordedAnswer<T>(tx, key);
  if (!answer) throw new Error(`client mutation ${key.kind}/${key.id} is recorded without its answer`);
  return answer;
}

/** Stores the answer to the claimed change, in the same transaction as the change. */
export async function recordMutation(tx: Tx, key: MutationKey, result: object): Promise<void> {
  await tx.clientMutation.update({
    where: { scope_kind_id: { scope: key.scope, kind: key.kind, id: key.id } },
    data: { result: result as Prisma.InputJsonValue },
  });
}
