// POST /api/trpc/maps.submitGenerated through the route handler: what a client (the offline outbox)
// sees for a client mutation id reused with other input (409), for a resend (200, created: false),
// and while every transaction fails with Prisma P2028 (each gets a 1 ms timeout: what a database
// too busy to start or finish transactions in time answers): retried with backoff, then 503 with
// Retry-After — never 500 — and nothing stored.
import { describe, expect, it, vi } from "vitest";
import { grooveChart } from "@/lib/beatmap/testing.ts";
import { RETRY_POLICY } from "@/server/db/transaction.ts";
import { migratedDatabaseForFile } from "@/test/db.ts";
import { syntheticFingerprint } from "@/test/fingerprints.ts";
import { runtimeOnTestDatabase } from "@/test/runtime.ts";
import { createTestUser } from "@/test/users.ts";
import { POST } from "./route.ts";

const database = migratedDatabaseForFile();
runtimeOnTestDatabase(database);

function generated(bars: number) {
  const chart = grooveChart({ bars });
  return {
    ...chart,
    Audio: { ...chart.Audio, Filename: "song.mp3", Duration: 111_000 },
    Editor: { ...chart.Editor, AiGenerationMetadata: { backend: "wasm" } },
  };
}

function submit(input: object, headers: Record<string, string>) {
  return POST(
    new Request("http://test/api/trpc/maps.submitGenerated", {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body: JSON.stringify({ json: input }),
    }),
  );
}

describe("client mutation ids through the API", () => {
  it("answers a used id with a different chart 409, and a resend 200 with created: false", async () => {
    const alice = await createTestUser(database().db);
    const input = {
      fingerprint: syntheticFingerprint(302),
      duration: 111,
      chart: generated(4),
      clientMutationId: "api-reuse-0001",
    };
    const first = await submit(input, { cookie: alice.cookie });
    expect(first.status).toBe(200);
    const reused = await submit({ ...input, chart: generated(6) }, { cookie: alice.cookie });
    expect(reused.status).toBe(409);
    const body = (await reused.json()) as { error?: { json?: { message?: string } } };
    expect(body.error?.json?.message).toMatch(/already used for a different change/);
    const resent = await submit(input, { cookie: alice.cookie });
    expect(resent.status).toBe(200);
    expect(await resent.json()).toMatchObject({ result: { data: { json: { created: false } } } });
  });
});

describe("a database too busy for transactions", () => {
  it("answers a submission 503 with Retry-After after retrying, not 500, and stores nothing", async () => {
    const db = database().db;
    const [songs, mutations] = [await db.song.count(), await db.clientMutation.count()];
    const start = db.$transaction.bind(db) as (work: unknown, options?: object) => Promise<unknown>;
    const transactions = vi
      .spyOn(db, "$transaction")
      .mockImplementation(((work: unknown, options?: object) =>
        start(work, { ...options, timeout: 1 })) as unknown as typeof db.$transaction);
    const response = await submit(
      {
        fingerprint: syntheticFingerprint(301),
        duration: 111,
        chart: generated(4),
        clientMutationId: "busy-test-0001",
      },
      { "x-forwarded-for": "198.51.100.31" },
    );
    const attempts = transactions.mock.settledResults;
    transactions.mockRestore();
    const body = (await response.json()) as {
      error?: { json?: { message?: string; data?: { code?: string; httpStatus?: number } } };
    };
    expect(response.status).toBe(503);
    expect(response.headers.get("retry-after")).toBe(String(RETRY_POLICY.retryAfterSeconds));
    expect(body.error?.json?.data).toMatchObject({ code: "SERVICE_UNAVAILABLE", httpStatus: 503 });
    expect(body.error?.json?.message).toMatch(/busy.*nothing was changed.*try again in \d+ seconds/i);
    // Every attempt the policy allows, each one a P2028.
    expect(attempts).toHaveLength(RETRY_POLICY.attempts);
    for (const result of attempts) {
      expect(result).toMatchObject({ type: "rejected", value: { code: "P2028" } });
    }
    expect(await db.song.count()).toBe(songs);
    expect(await db.clientMutation.count()).toBe(mutations);
  });
});
