import { describe, expect, it } from "vitest";
import type { Db } from "./client.ts";
import { DatabaseBusyError, isTransientDbError, RETRY_POLICY, transaction } from "./transaction.ts";

/** A stand-in database whose transactions fail with `errors`, in order, then succeed. */
function flakyDb(errors: unknown[]): { db: Db; calls: () => number } {
  let calls = 0;
  const db = {
    async $transaction(work: (tx: unknown) => Promise<unknown>) {
      const error = errors[calls++];
      if (error !== undefined) throw error;
      return work({});
    },
  } as unknown as Db;
  return { db, calls: () => calls };
}

const prismaError = (code: string, meta?: object) => Object.assign(new Error(code), { code, meta });

describe("transaction", () => {
  it("tries again after P2028, P2034 and serialization failures, then answers", async () => {
    const { db, calls } = flakyDb([prismaError("P2028"), prismaError("P2010", { code: "40001" })]);
    await expect(transaction(db, async () => "done")).resolves.toBe("done");
    expect(calls()).toBe(3);
  });

  it("gives up with DatabaseBusyError (Retry-After) when every attempt fails", async () => {
    const failures = Array.from({ length: RETRY_POLICY.attempts }, (_, i) =>
      prismaError(i % 2 ? "P2034" : "P2028"),
    );
    const { db, calls } = flakyDb(failures);
    const error = await transaction(db, async () => "never").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DatabaseBusyError);
    expect(error).toMatchObject({
      retryAfterSeconds: RETRY_POLICY.retryAfterSeconds,
      attempts: RETRY_POLICY.attempts,
      cause: { code: "P2034" },
    });
    expect(calls()).toBe(RETRY_POLICY.attempts);
  });

  it("does not repeat work that failed for its own reasons", async () => {
    const { db, calls } = flakyDb([prismaError("P2002")]);
    await expect(transaction(db, async () => "never")).rejects.toMatchObject({ code: "P2002" });
    expect(calls()).toBe(1);
  });

  it("tells load from the request's own failures", () => {
    expect(isTransientDbError(prismaError("P2024"))).toBe(true);
    expect(isTransientDbError(prismaError("P2010", { code: "40P01" }))).toBe(true);
    expect(isTransientDbError(new Error("x", { cause: prismaError("P2028") }))).toBe(true);
    expect(isTransientDbError(prismaError("P2025"))).toBe(false);
    expect(isTransientDbError("P2028")).toBe(false);
  });
});
