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

describe("results per difficulty level", () => {
  const signedIn = async (db: ReturnType<typeof database>["db"], name?: string) => {
    const user = await createTestUser(db);
    if (name) await db.user.update({ where: { id: user.id }, data: { displayName: name } });
    const browser = new TestBrowser(db);
    browser.cookie = user.cookie;
    return { user, browser };
  };

  it("records the level a run was played at; a run from an old client (no level) is Expert", async () => {
    const db = database().db;
    const versionId = await serverVersion(403);
    const { user, browser } = await signedIn(db);
    const [easy, old] = [randomUUID(), randomUUID()];
    await browser.call((api) => api.results.submit({ ...run(easy, versionId), level: "easy" }));
    await browser.call((api) => api.results.submit(run(old, versionId)));
    const rows = await db.practiceResult.findMany({ where: { userId: user.id }, orderBy: { id: "asc" } });
    expect(Object.fromEntries(rows.map((r) => [r.id, r.level]))).toEqual({ [easy]: "easy", [old]: "expert" });
    const mine = await browser.call((api) => api.results.mine({ mapVersionId: versionId, level: "easy" }));
    expect(mine.map((r) => [r.id, r.level])).toEqual([[easy, "easy"]]);
    await expect(
      browser.call((api) =>
        api.results.submit({ ...run(randomUUID(), versionId), level: "insane" as "easy" }),
      ),
    ).rejects.toMatchObject({ code: "BAD_REQUEST" });
  });

  it("ranks each person's best run per (map, level) over the map's versions, at full tempo or faster", async () => {
    const db = database().db;
    const v1 = await serverVersion(404);
    const { mapId } = await db.mapVersion.findUniqueOrThrow({ where: { id: v1 }, select: { mapId: true } });
    const other = await serverVersion(405); // another map: never on this board
    const [ana, ben, cy] = [await signedIn(db, "Ana"), await signedIn(db, "Ben"), await signedIn(db, "Cy")];
    const submit = (
      who: typeof ana,
      versionId: string,
      level: "easy" | "hard" | undefined,
      score: number,
      tempo = 1,
    ) =>
      who.browser.call((api) =>
        api.results.submit({ ...run(randomUUID(), versionId), ...(level ? { level } : {}), score, tempo }),
      );
    await submit(ana, v1, "easy", 5_000);
    await submit(ana, v1, "easy", 7_000); // Ana's best at Easy
    await submit(ben, v1, "easy", 6_000);
    await submit(ben, v1, "easy", 9_000, 0.75); // slowed down: not on the board
    await submit(cy, v1, "hard", 8_000);
    await submit(cy, v1, undefined, 10_000); // old client: Expert
    await submit(cy, other, "easy", 20_000);

    const board = (level: "easy" | "hard" | "expert" | "medium") =>
      new TestBrowser(db).call((api) => api.results.leaderboard({ mapId, level }));
    const easy = await board("easy");
    expect(easy.map((e) => [e.rank, e.displayName, e.score])).toEqual([
      [1, "Ana", 7_000],
      [2, "Ben", 6_000],
    ]);
    expect(easy[0]).toMatchObject({ tempo: 1, version: 1, accuracy: 0.93 });
    expect((await board("hard")).map((e) => e.displayName)).toEqual(["Cy"]);
    expect((await board("expert")).map((e) => [e.displayName, e.score])).toEqual([["Cy", 10_000]]);
    expect(await board("medium")).toEqual([]);
  });
});
