import { describe, expect, it } from "vitest";
import type { Db } from "./client.ts";
import {
  classifyDbError,
  DatabaseBusyError,
  isTransientDbError,
  RETRY_POLICY,
  transaction,
} from "./transaction.ts";

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

  it("tries again when the database could not be reached, never when a connection broke mid-way", async () => {
    const unreachable = prismaError("P1001");
    const { db, calls } = flakyDb([unreachable]);
    await expect(transaction(db, async () => "done")).resolves.toBe("done");
    expect(calls()).toBe(2);
    // The commit may have happened: the error goes up (503), the client's resend decides.
    const lost = flakyDb([new Error("Connection terminated unexpectedly")]);
    await expect(transaction(lost.db, async () => "never")).rejects.toThrow(/Connection terminated/);
    expect(lost.calls()).toBe(1);
  });
});

// The shapes below are what Prisma 7 with @prisma/adapter-pg and node-postgres were seen to throw
// while a server was killed, restarting or shut down (server/db/recovery.int.test.ts).
describe("classifyDbError", () => {
  const adapterError = (cause: object) => ({ name: "DriverAdapterError", message: "", cause });
  const raw = (cause: object) => prismaError("P2010", { driverAdapterError: adapterError(cause) });

  it.each([
    ["P1001 from a model query", prismaError("P1001"), "unreachable"],
    [
      "a raw query's DatabaseNotReachable",
      raw({ kind: "DatabaseNotReachable", host: "h", port: 1 }),
      "unreachable",
    ],
    ["57P03 while the server starts", raw({ kind: "postgres", code: "57P03" }), "unreachable"],
    [
      "ECONNREFUSED on both loopback addresses",
      new AggregateError([Object.assign(new Error("x"), { code: "ECONNREFUSED" })]),
      "unreachable",
    ],
    ["the pool's connect timeout", new Error("timeout exceeded when trying to connect"), "unreachable"],
    ["57P01 on a killed or shut down server", raw({ kind: "postgres", code: "57P01" }), "lost"],
    ["P1017 server closed the connection", prismaError("P1017"), "lost"],
    ["ConnectionClosed (ECONNRESET)", raw({ kind: "ConnectionClosed" }), "lost"],
    ["node-postgres's Connection terminated", new Error("Connection terminated unexpectedly"), "lost"],
    [
      "a client that already failed",
      new Error("Client has encountered a connection error and is not queryable"),
      "lost",
    ],
    ["wrapped in a cause", new Error("outer", { cause: prismaError("P1001") }), "unreachable"],
    ["too many connections", raw({ kind: "TooManyConnections", originalCode: "53300" }), "busy"],
    ["DatabaseBusyError", new DatabaseBusyError(5, 4), "busy"],
  ])("%s is %s", (_name, error, failure) => {
    expect(classifyDbError(error)).toBe(failure);
    expect(isTransientDbError(error)).toBe(true);
  });

  it.each([
    ["a unique violation", prismaError("P2002")],
    ["a syntax error", raw({ kind: "postgres", code: "42601", message: "syntax error" })],
    [
      "an error whose text mentions a connection but has a code",
      Object.assign(new Error("Connection terminated"), { code: "XX000" }),
    ],
    ["a plain error", new Error("no such map")],
  ])("%s is the request's own failure", (_name, error) => {
    expect(classifyDbError(error)).toBeNull();
  });
});
