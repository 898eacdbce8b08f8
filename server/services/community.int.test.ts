// Karma from votes (with the daily cap), ratings surfacing charts in the queue, comments, and
// hostile chart payloads refused (and audited) before anything reads them.
import { TRPCError } from "@trpc/server";
import { describe, expect, it } from "vitest";
import {
  callerFor,
  createSongWithMap,
  recordPlayedRun,
  testChart,
  withoutNote,
} from "../../test/community.ts";
import { migratedDatabaseForFile } from "../../test/db.ts";
import { createTestUser } from "../../test/users.ts";
import { karmaOf } from "../auth/permissions.ts";
import { HELPFUL_VOTES_PER_DAY, KARMA } from "./karma.ts";
import { PLAY_BEFORE_RATING } from "./ratings.ts";
import { castVote } from "./votes.ts";

const database = migratedDatabaseForFile();

describe("helpful votes", () => {
  it("give the author +1 once per voter and version, at most 10 a day", async () => {
    const db = database().db;
    const author = await createTestUser(db);
    const { mapId, chart } = await createSongWithMap(db, { creatorId: author.id });
    // Twelve more versions by the author, each voted up by a different person.
    const versionIds: string[] = [];
    for (let n = 2; n <= 13; n++) {
      const v = await db.mapVersion.create({
        data: {
          mapId,
          number: n,
          source: "edit",
          authorId: author.id,
          contentHash: "a".repeat(63) + (n % 10),
          content: chart as object,
        },
      });
      versionIds.push(v.id);
    }
    const now = new Date("2026-03-01T12:00:00Z");
    const awarded: boolean[] = [];
    for (const versionId of versionIds) {
      const voter = await createTestUser(db);
      awarded.push((await castVote(db, { userId: voter.id, versionId, value: 1, now })).karmaAwarded);
    }
    expect(awarded.filter(Boolean)).toHaveLength(HELPFUL_VOTES_PER_DAY);
    expect(awarded.slice(HELPFUL_VOTES_PER_DAY)).toEqual([false, false]);
    expect(await karmaOf(db, author.id)).toBe(HELPFUL_VOTES_PER_DAY * KARMA.helpful_vote);

    // The same voter flipping their vote down and up again earns nothing more; one row per person.
    const fan = await createTestUser(db);
    const nextDay = new Date("2026-03-02T09:00:00Z");
    const first = await castVote(db, {
      userId: fan.id,
      versionId: versionIds[0] as string,
      value: 1,
      now: nextDay,
    });
    expect(first.karmaAwarded).toBe(true);
    await castVote(db, { userId: fan.id, versionId: versionIds[0] as string, value: -1, now: nextDay });
    const again = await castVote(db, {
      userId: fan.id,
      versionId: versionIds[0] as string,
      value: 1,
      now: nextDay,
    });
    expect(again).toMatchObject({ karmaAwarded: false, mine: 1 });
    expect(await db.vote.count({ where: { userId: fan.id } })).toBe(1);
    expect(await karmaOf(db, author.id)).toBe(HELPFUL_VOTES_PER_DAY + 1);
  });

  it("refuses a vote on one's own version, through the API", async () => {
    const db = database().db;
    const author = await createTestUser(db);
    const { versionId } = await createSongWithMap(db, { creatorId: author.id });
    const api = await callerFor(db, author);
    await expect(api.votes.cast({ versionId, value: 1 })).rejects.toMatchObject({ code: "BAD_REQUEST" });
  });
});

describe("ratings and comments", () => {
  it("well-rated unverified charts come first in the queue", async () => {
    const db = database().db;
    const older = await createSongWithMap(db);
    const rated = await createSongWithMap(db, { chart: testChart(6) });
    for (let i = 0; i < 3; i++) {
      const user = await createTestUser(db);
      await recordPlayedRun(db, user.id, rated.versionId);
      await (await callerFor(db, user)).ratings.rate({ mapId: rated.mapId, stars: i === 0 ? 4 : 5 });
    }
    const verifier = await callerFor(db, await createTestUser(db, { karma: 500 }));
    const queue = await verifier.verify.queue();
    const ratedIndex = queue.findIndex((i) => i.map.id === rated.mapId);
    const olderIndex = queue.findIndex((i) => i.map.id === older.mapId);
    expect(queue[ratedIndex]).toMatchObject({ surfaced: true, rating: { count: 3, average: 4.7 } });
    expect(ratedIndex).toBeLessThan(olderIndex);
    const detail = await verifier.maps.get({ mapId: rated.mapId });
    expect(detail.rating).toMatchObject({ count: 3 });
  });

  it("takes ratings only from people who played the chart, on any of its versions", async () => {
    const db = database().db;
    const { mapId, versionId } = await createSongWithMap(db);
    const user = await createTestUser(db);
    const api = await callerFor(db, user);
    expect((await api.maps.get({ mapId })).rating).toMatchObject({ played: false, count: 0 });
    await expect(api.ratings.rate({ mapId, stars: 5 })).rejects.toMatchObject({
      code: "BAD_REQUEST",
      message: PLAY_BEFORE_RATING,
    });
    expect(await db.mapRating.count({ where: { mapId } })).toBe(0);
    await recordPlayedRun(db, user.id, versionId);
    expect((await api.maps.get({ mapId })).rating).toMatchObject({ played: true });
    expect(await api.ratings.rate({ mapId, stars: 5 })).toMatchObject({ mine: 5, count: 1, played: true });
  });

  it("keeps comment markers at their time, inside the song", async () => {
    const db = database().db;
    const { versionId } = await createSongWithMap(db);
    const api = await callerFor(db, await createTestUser(db));
    await api.comments.add({ versionId, timeMs: 2500, text: "  flam, not two snares " });
    await api.comments.add({ versionId, timeMs: 1000, text: "late kick" });
    const list = await api.comments.list({ versionId });
    expect(list.map((c) => [c.timeMs, c.text])).toEqual([
      [1000, "late kick"],
      [2500, "flam, not two snares"],
    ]);
    await expect(
      api.comments.add({ versionId, timeMs: 3_600_000, text: "past the end" }),
    ).rejects.toMatchObject({
      code: "BAD_REQUEST",
    });
  });
});

describe("hostile chart payloads", () => {
  const deep = (() => {
    let v: unknown = 1;
    for (let i = 0; i < 5000; i++) v = { a: v };
    return v;
  })();
  const payloads: [string, (chart: ReturnType<typeof testChart>) => unknown, RegExp][] = [
    ["not an object", () => "DROP TABLE maps", /not a valid \.bsm/],
    ["deep nesting", () => deep, /nests deeper/],
    [
      "an enormous string",
      (c) => ({ ...c, Metadata: { ...c.Metadata, Title: "x".repeat(200_000) } }),
      /enormous string/,
    ],
    [
      "too many notes",
      (c) => ({ ...c, HitObjects: Array.from({ length: 100_001 }, () => c.HitObjects[0]) }),
      /more than|larger than|holds more/,
    ],
    [
      "a prototype key",
      (c) =>
        JSON.parse(`{"__proto__":{"admin":true},"Version":1,"HitObjects":${JSON.stringify(c.HitObjects)}}`),
      /not a valid \.bsm|errors/,
    ],
    [
      "an impossible lane",
      (c) => ({ ...c, HitObjects: c.HitObjects.map((n, i) => (i === 0 ? { ...n, Lane: 99 } : n)) }),
      /not a valid \.bsm/,
    ],
    [
      "a negative time",
      (c) => ({ ...c, HitObjects: [{ ...c.HitObjects[0], Time: -50 }, ...c.HitObjects.slice(1)] }),
      /not a valid \.bsm|errors/,
    ],
    ["notes out of order", (c) => ({ ...c, HitObjects: [...c.HitObjects].reverse() }), /errors to fix/],
    ["a future format version", (c) => ({ ...c, Version: 7 }), /format version 7/],
  ];

  it.each(payloads)("refuses %s with a reason, and audits it", async (_name, make, message) => {
    const db = database().db;
    const fixer = await createTestUser(db);
    const { mapId, versionId, chart } = await createSongWithMap(db);
    const api = await callerFor(db, fixer);
    const error = await api.proposals
      .create({ mapId, baseVersionId: versionId, chart: make(withoutNote(chart, 1)), message: "" })
      .then(
        () => null,
        (e: unknown) => e,
      );
    expect(error).toBeInstanceOf(TRPCError);
    expect((error as TRPCError).code).toBe("BAD_REQUEST");
    expect((error as TRPCError).message).toMatch(message);
    expect(await db.mapEditProposal.count({ where: { mapId } })).toBe(0);
    const logged = await db.auditLogEntry.findFirst({
      where: { actorId: fixer.id, action: "chart.rejected" },
    });
    expect(logged?.subjectId).toBe("proposals.create");
  });
});

describe("reading maps", () => {
  it("maps.get lists versions with who, when, source and state; maps.version returns the chart", async () => {
    const db = database().db;
    const creator = await createTestUser(db, { displayName: "Cora" });
    const fixer = await createTestUser(db, { displayName: "Finn" });
    const verifier = await createTestUser(db, { karma: 500 });
    const { songId, mapId, versionId, chart } = await createSongWithMap(db, { creatorId: creator.id });
    const created = await (await callerFor(db, fixer)).proposals.create({
      mapId,
      baseVersionId: versionId,
      chart: withoutNote(chart, 3),
      message: "",
    });
    await (await callerFor(db, verifier)).verify.decide({
      proposalId: created.proposalId,
      decision: "approve",
      reason: "good fix",
      expectedCanonicalMapId: null,
    });
    const anonymous = await callerFor(db, null);
    const detail = await anonymous.maps.get({ mapId });
    expect(detail).toMatchObject({ state: "verified", isCanonical: true, song: { id: songId } });
    expect(
      detail.versions.map((v) => [v.number, v.source, v.author?.displayName, v.isLatest, v.verified]),
    ).toEqual([
      [1, "ai", "Cora", false, false],
      [2, "edit", "Finn", true, true],
    ]);
    expect(detail.versions[1]?.diffSummary?.total.removed).toBe(1);
    const v2 = await anonymous.maps.version({ versionId: detail.versions[1]?.id as string });
    expect(v2.chart.HitObjects).toHaveLength(chart.HitObjects.length - 1);
    const list = await anonymous.maps.list({ songId });
    expect(list[0]).toMatchObject({
      id: mapId,
      isCanonical: true,
      versionCount: 2,
      latestVersion: { number: 2 },
    });
  });
});
