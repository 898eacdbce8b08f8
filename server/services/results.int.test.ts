import { randomUUID } from "node:crypto";
import { TRPCError } from "@trpc/server";
import { describe, expect, it } from "vitest";
import type { Beatmap } from "@/lib/beatmap/index.ts";
import { grooveChart } from "@/lib/beatmap/testing.ts";
import { TestBrowser } from "../../test/browser-caller.ts";
import { migratedDatabaseForFile } from "../../test/db.ts";
import { syntheticFingerprint } from "../../test/fingerprints.ts";
import { createTestUser } from "../../test/users.ts";
import { submitGenerated } from "./maps.ts";

const database = migratedDatabaseForFile();

async function serverVersion(seed: number): Promise<string> {
  const chart: Beatmap = grooveChart({ bars: 4 });
  const submitted = await submitGenerated(database().db, {
    fingerprint: syntheticFingerprint(seed),
    duration: 111,
    chart: {
      ...chart,
      Audio: { ...chart.Audio, Filename: "song.mp3", Duration: 111_000 },
      Editor: { AiGenerationMetadata: { backend: "wasm" } },
    },
  });
  return submitted.versionId;
}

const run = (id: string, mapVersionId: string) => ({
  id,
  mapVersionId,
  score: 12_345,
  accuracy: 0.93,
  tempo: 0.75,
  stats: { maxCombo: 40, counts: { perfect: 30, great: 5, good: 2, miss: 1 } },
  playedAt: new Date().toISOString(),
  clientMutationId: `result-${id}`,
});

describe("results.submit (practice results synced from the device)", () => {
  it("stores a run on the signed-in account once, however often the outbox sends it", async () => {
    const db = database().db;
    const versionId = await serverVersion(401);
    const user = await createTestUser(db);
    const browser = new TestBrowser(db);
    browser.cookie = user.cookie;
    const id = randomUUID();
    expect(await browser.call((api) => api.results.submit(run(id, versionId)))).toEqual({
      id,
      created: true,
    });
    expect(await browser.call((api) => api.results.submit(run(id, versionId)))).toEqual({
      id,
      created: false,
    });
    const rows = await db.practiceResult.findMany({ where: { userId: user.id } });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ score: 12_345, accuracy: 0.93, tempo: 0.75, mapVersionId: versionId });
    const mine = await browser.call((api) => api.results.mine({ mapVersionId: versionId }));
    expect(mine.map((r) => r.id)).toEqual([id]);
  });

  it("refuses signed-out devices (the outbox keeps the run until sign-in), strangers' ids and unknown charts", async () => {
    const db = database().db;
    const versionId = await serverVersion(402);
    const anonymous = new TestBrowser(db);
    await expect(
      anonymous.call((api) => api.results.submit(run(randomUUID(), versionId))),
    ).rejects.toMatchObject({
      code: "UNAUTHORIZED",
    });

    const [a, b] = [await createTestUser(db), await createTestUser(db)];
    const browserA = new TestBrowser(db);
    browserA.cookie = a.cookie;
    const browserB = new TestBrowser(db);
    browserB.cookie = b.cookie;
    const id = randomUUID();
    await browserA.call((api) => api.results.submit(run(id, versionId)));
    const stolen = browserB.call((api) => api.results.submit(run(id, versionId)));
    await expect(stolen).rejects.toBeInstanceOf(TRPCError);
    await expect(stolen).rejects.toThrow("belongs to another account");
    await expect(browserA.call((api) => api.results.submit(run(randomUUID(), randomUUID())))).rejects.toThrow(
      "not on the server",
    );
    await expect(
      browserA.call((api) => api.results.submit({ ...run(randomUUID(), versionId), accuracy: 3 })),
    ).rejects.toMatchObject({ code: "BAD_REQUEST" });
  });
});
