// The shared rate-limit store on a real PostgreSQL. Two Prisma clients on one database stand in for
// two web processes; windows are ended by back-dating rows, never by waiting.
import { createHash, randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migratedDatabaseForFile } from "../../test/db.ts";
import { createDb, type Db } from "../db/client.ts";
import { LIMITS, PEOPLE_PER_ADDRESS } from "./limit-policies.ts";
import {
  clearLimit,
  peekLimit,
  pruneExpiredLimits,
  refundLimit,
  takeLimit,
  takeLimits,
  takeRequestLimit,
} from "./rate-limit.ts";

const database = migratedDatabaseForFile();
/** Two "processes": each its own client and connection pool on the same database. */
let a: Db;
let b: Db;
beforeAll(() => {
  a = createDb(database().url, { maxConnections: 5 });
  b = createDb(database().url, { maxConnections: 5 });
});
afterAll(async () => {
  await a?.$disconnect();
  await b?.$disconnect();
});

const subject = () => `203.0.113.${randomBytes(2).readUInt16BE()}-${randomBytes(4).toString("hex")}`;

/** Moves every counter `ms` into the past, as if that much time had gone by. */
async function timePasses(ms: number): Promise<void> {
  await a.$executeRaw`
    UPDATE rate_limits SET last_at = last_at - ${ms} * interval '1 millisecond',
                           expires_at = expires_at - ${ms} * interval '1 millisecond'`;
}

const SIGN_UPS = LIMITS["auth.signUp"].points;

describe("one limit shared by every process", () => {
  it("a limit used up through one process refuses through the other, with the window's wait", async () => {
    const address = subject();
    for (let i = 0; i < SIGN_UPS; i++) expect(await takeLimit(a, "auth.signUp", address)).toBe(0);
    const wait = await takeLimit(b, "auth.signUp", address);
    expect(wait).toBeGreaterThan(LIMITS["auth.signUp"].windowMs / 1000 - 60);
    expect(wait).toBeLessThanOrEqual(LIMITS["auth.signUp"].windowMs / 1000);
    // Another address is not affected.
    expect(await takeLimit(b, "auth.signUp", subject())).toBe(0);
  });

  it("50 takes at once on a limit of 10, half through each process: exactly 10 allowed", async () => {
    const address = subject();
    const waits = await Promise.all(
      Array.from({ length: 50 }, (_, i) => takeLimit(i % 2 ? a : b, "auth.signUp", address)),
    );
    expect(waits.filter((w) => w === 0)).toHaveLength(SIGN_UPS);
    expect(waits.filter((w) => w > 0)).toHaveLength(50 - SIGN_UPS);
    // Refused takes counted nothing: the row holds exactly the limit.
    const rows = await a.rateLimit.findMany({ where: { count: { gt: SIGN_UPS } } });
    expect(rows).toEqual([]);
  });

  it("starts again when the window ends", async () => {
    const address = subject();
    for (let i = 0; i < SIGN_UPS; i++) await takeLimit(a, "auth.signUp", address);
    expect(await takeLimit(a, "auth.signUp", address)).toBeGreaterThan(0);
    await timePasses(LIMITS["auth.signUp"].windowMs - 60_000);
    expect(await takeLimit(b, "auth.signUp", address)).toBeGreaterThan(0);
    await timePasses(60_000);
    expect(await takeLimit(b, "auth.signUp", address)).toBe(0);
    // A fresh window: one use counted, the rest of the limit left.
    for (let i = 1; i < SIGN_UPS; i++) expect(await takeLimit(a, "auth.signUp", address)).toBe(0);
    expect(await takeLimit(a, "auth.signUp", address)).toBeGreaterThan(0);
  });

  it("a configured number replaces the policy's", async () => {
    const user = subject();
    for (let i = 0; i < 40; i++) {
      expect(await takeLimit(a, "uploads.refused", user, { points: 40 })).toBe(0);
    }
    expect(await peekLimit(b, "uploads.refused", user, { points: 40 })).toBeGreaterThan(0);
    expect(await peekLimit(b, "uploads.refused", user, { points: 41 })).toBe(0);
  });
});

describe("waits that double (wrong passwords)", () => {
  const policy = LIMITS["auth.wrongPassword.account"];

  it("a few at once, then 1 s, then 2 s after the previous, then the rest of the window", async () => {
    const pair = subject();
    for (let i = 0; i < policy.backoff.free; i++)
      expect(await takeLimit(a, "auth.wrongPassword.account", pair)).toBe(0);
    expect(await takeLimit(b, "auth.wrongPassword.account", pair)).toBe(1);
    expect(await peekLimit(b, "auth.wrongPassword.account", pair)).toBe(1);
    await timePasses(1000);
    expect(await takeLimit(b, "auth.wrongPassword.account", pair)).toBe(0);
    expect(await takeLimit(a, "auth.wrongPassword.account", pair)).toBe(2);
    await timePasses(2000);
    expect(await takeLimit(a, "auth.wrongPassword.account", pair)).toBe(0);
    // Five: the rest of the 15 minutes (3 s of them have passed).
    const rest = policy.windowMs / 1000 - 3;
    expect(await takeLimit(a, "auth.wrongPassword.account", pair)).toBe(rest);
    await timePasses(policy.windowMs - 3000);
    expect(await takeLimit(a, "auth.wrongPassword.account", pair)).toBe(0);
  });

  it("parallel guesses cannot all slip past the wait: only the free ones count", async () => {
    const pair = subject();
    const waits = await Promise.all(
      Array.from({ length: 20 }, (_, i) => takeLimit(i % 2 ? a : b, "auth.wrongPassword.account", pair)),
    );
    expect(waits.filter((w) => w === 0)).toHaveLength(policy.backoff.free);
  });

  it("a refund gives one use back; clearing forgets them all", async () => {
    const pair = subject();
    for (let i = 0; i < policy.backoff.free; i++) await takeLimit(a, "auth.wrongPassword.account", pair);
    await refundLimit(b, "auth.wrongPassword.account", pair);
    expect(await takeLimit(a, "auth.wrongPassword.account", pair)).toBe(0);
    expect(await peekLimit(a, "auth.wrongPassword.account", pair)).toBe(1);
    await clearLimit(b, "auth.wrongPassword.account", pair);
    expect(await peekLimit(a, "auth.wrongPassword.account", pair)).toBe(0);
  });
});

describe("several limits at once", () => {
  it("all or none: a refusal by the second gives back the first", async () => {
    const address = subject();
    const pair = `someone@example.test ${address}`;
    const { free } = LIMITS["auth.wrongPassword.account"].backoff;
    for (let i = 0; i < free; i++) {
      expect(
        await takeLimits(a, [
          ["auth.wrongPassword.address", address],
          ["auth.wrongPassword.account", pair],
        ]),
      ).toBeNull();
    }
    const refusal = await takeLimits(b, [
      ["auth.wrongPassword.address", address],
      ["auth.wrongPassword.account", pair],
    ]);
    expect(refusal).toEqual({ name: "auth.wrongPassword.account", wait: 1, from: "account" });
    // The address's counter kept only the uses that went through: all its free ones are left.
    const addressFree = LIMITS["auth.wrongPassword.address"].backoff.free;
    for (let i = free; i < addressFree; i++) {
      expect(await takeLimit(a, "auth.wrongPassword.address", address)).toBe(0);
    }
    expect(await takeLimit(a, "auth.wrongPassword.address", address)).toBe(1);
  });

  it("a person is counted per account, and everyone behind one address together", async () => {
    const address = subject();
    const { points } = LIMITS["proposals.create"];
    const someone = { userId: crypto.randomUUID(), address };
    for (let i = 0; i < points; i++)
      expect(await takeRequestLimit(a, "proposals.create", someone)).toBeNull();
    expect(await takeRequestLimit(b, "proposals.create", someone)).toMatchObject({ from: "account" });
    // A signed-out caller at the same address has an allowance of its own…
    expect(await takeRequestLimit(b, "proposals.create", { userId: null, address })).toBeNull();
    // …and everyone there together has PEOPLE_PER_ADDRESS times one person's.
    let refusal = null;
    let allowed = points + 1;
    while (!refusal) {
      refusal = await takeRequestLimit(a, "proposals.create", { userId: crypto.randomUUID(), address });
      if (!refusal) allowed++;
    }
    expect(allowed).toBe(points * PEOPLE_PER_ADDRESS);
    expect(refusal.from).toBe("network");
  });
});

describe("one statement for several counters", () => {
  /** The row key of a counter (rate-limit.ts hashes subjects), to read its count. */
  const rowKey = (bucket: string, kind: string, subject: string) =>
    `${bucket}:${kind}:${createHash("sha256").update(subject).digest("base64url")}`;
  const counts = async (keys: string[]) =>
    Number(
      (
        await a.$queryRaw<
          { n: number | null }[]
        >`SELECT sum(count)::int AS n FROM rate_limits WHERE key = ANY(${keys})`
      )[0]?.n ?? 0,
    );

  it("people racing for an address's last uses: exactly those go through, each counted once on both counters", async () => {
    const address = subject();
    const name = "proposals.create";
    const allowance = LIMITS[name].points * PEOPLE_PER_ADDRESS;
    const left = 7;
    for (let i = 0; i < allowance - left; i++) {
      expect(await takeRequestLimit(a, name, { userId: crypto.randomUUID(), address })).toBeNull();
    }
    const people = Array.from({ length: 40 }, () => crypto.randomUUID());
    const refusals = await Promise.all(
      people.map((userId, i) => takeRequestLimit(i % 2 ? a : b, name, { userId, address })),
    );
    expect(refusals.filter((r) => r === null)).toHaveLength(left);
    expect(refusals.filter((r) => r?.from === "network")).toHaveLength(people.length - left);
    // Refused people hold no use on their own counters; the address holds exactly its allowance.
    expect(await counts(people.map((id) => rowKey(name, "account", id)))).toBe(left);
    expect(await counts([rowKey(name, "address", address)])).toBe(allowance);
  });

  it("the same two counters named in either order by racing calls: both counts stay exact", async () => {
    const address = subject();
    const pair = `someone@example.test ${address}`;
    const forward = [
      ["auth.wrongPassword.address", address],
      ["auth.wrongPassword.account", pair],
    ] as const;
    const backward = [forward[1], forward[0]] as const;
    const refusals = await Promise.all(
      Array.from({ length: 40 }, (_, i) => takeLimits(i % 2 ? a : b, i % 4 < 2 ? forward : backward)),
    );
    const allowed = refusals.filter((r) => r === null).length;
    // The account's free tries at most; a take given back after a lost race may refuse one more.
    expect(allowed).toBeGreaterThanOrEqual(1);
    expect(allowed).toBeLessThanOrEqual(LIMITS["auth.wrongPassword.account"].backoff.free);
    expect(await counts([rowKey("auth.wrongPassword.address", "address", address)])).toBe(allowed);
    expect(await counts([rowKey("auth.wrongPassword.account", "account-address", pair)])).toBe(allowed);
  });

  it("is prepared once per connection, not parsed and planned again on every call", async () => {
    const single = createDb(database().url, { maxConnections: 1 });
    try {
      for (let i = 0; i < 3; i++) {
        expect(
          await takeRequestLimit(single, "songs.identify", { userId: null, address: subject() }),
        ).toBeNull();
      }
      const prepared = await single.$queryRaw<{ statement: string }[]>`
        SELECT statement FROM pg_prepared_statements`;
      expect(prepared.filter((p) => p.statement.includes("full_counters"))).toHaveLength(1);
    } finally {
      await single.$disconnect();
    }
  });
});

describe("pruning", () => {
  it("deletes the rows of ended windows and only those", async () => {
    const live = subject();
    const ended = subject();
    await takeLimit(a, "auth.signUp", ended);
    await timePasses(LIMITS["auth.signUp"].windowMs);
    await takeLimit(a, "auth.signUp", live);
    const before = await a.rateLimit.count();
    const deleted = await pruneExpiredLimits(b);
    expect(deleted).toBeGreaterThan(0);
    expect(await a.rateLimit.count()).toBe(before - deleted);
    expect(await a.rateLimit.count({ where: { expiresAt: { lte: new Date() } } })).toBe(0);
    // The live window still counts.
    expect(await peekLimit(a, "auth.signUp", live)).toBe(0);
    for (let i = 1; i < SIGN_UPS; i++) await takeLimit(a, "auth.signUp", live);
    expect(await takeLimit(a, "auth.signUp", live)).toBeGreaterThan(0);
  });
});
