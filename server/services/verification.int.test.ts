// The review flow end to end through the real tRPC procedures: propose → queue → decide, with the
// new immutable version, the one canonical map per song, karma and notifications; rebasing;
// and two verifiers approving different maps of one song at the same moment.
import { TRPCError } from "@trpc/server";
import { describe, expect, it } from "vitest";
import { type Beatmap, canonicalJson } from "@/lib/beatmap/index.ts";
import { callerFor, createSongWithMap, testChart, withNoteMoved, withoutNote } from "../../test/community.ts";
import { migratedDatabaseForFile } from "../../test/db.ts";
import { createTestUser } from "../../test/users.ts";
import { karmaOf } from "../auth/permissions.ts";
import { createDb } from "../db/client.ts";
import { CANONICAL_CONFLICT_MESSAGE } from "./community-errors.ts";

const database = migratedDatabaseForFile();

async function people() {
  const db = database().db;
  const creator = await createTestUser(db, { displayName: "Creator" });
  const fixer = await createTestUser(db, { displayName: "Fixer" });
  const verifier = await createTestUser(db, { karma: 500, displayName: "Verifier" });
  return { creator, fixer, verifier };
}

async function trpcError(promise: Promise<unknown>): Promise<TRPCError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TRPCError);
  return error as TRPCError;
}

describe("proposal → approval", () => {
  it("publishes a new version, makes the map canonical, awards karma and notifies", async () => {
    const db = database().db;
    const { creator, fixer, verifier } = await people();
    const { songId, mapId, versionId, chart } = await createSongWithMap(db, { creatorId: creator.id });
    const fixed = withoutNote(chart, 5);

    const asFixer = await callerFor(db, fixer);
    const created = await asFixer.proposals.create({
      mapId,
      baseVersionId: versionId,
      chart: fixed,
      message: "extra kick in bar 1",
      clientMutationId: "proposal-test-0001",
      confirmedNoteTimes: [fixed.HitObjects[0]?.Time as number],
    });
    expect(created).toMatchObject({ baseVersionId: versionId, rebased: false });
    expect(created.summary.total.removed).toBe(1);
    // A retried submission (same client id) is the same proposal.
    const retried = await asFixer.proposals.create({
      mapId,
      baseVersionId: versionId,
      chart: fixed,
      message: "extra kick in bar 1",
      clientMutationId: "proposal-test-0001",
    });
    expect(retried.proposalId).toBe(created.proposalId);

    const asVerifier = await callerFor(db, verifier);
    const queue = await asVerifier.verify.queue();
    const item = queue.find((i) => i.id === created.proposalId);
    expect(item).toMatchObject({
      kind: "proposal",
      applies: true,
      confirmedNotes: 1,
      expectedCanonicalMapId: null,
    });
    expect(item?.lint.errors).toBe(0);
    // The AI draft itself waits too; the proposal is newer, so the draft comes first.
    const draftIndex = queue.findIndex((i) => i.kind === "map" && i.map.id === mapId);
    expect(draftIndex).toBeGreaterThanOrEqual(0);
    expect(draftIndex).toBeLessThan(queue.indexOf(item as (typeof queue)[number]));

    const result = await asVerifier.verify.decide({
      proposalId: created.proposalId,
      decision: "approve",
      reason: "Checked against the audio: the kick was a bleed from the bass.",
      expectedCanonicalMapId: null,
    });
    expect(result).toMatchObject({ decision: "approve", mapId, songId, canonical: true });

    const version = await db.mapVersion.findUniqueOrThrow({ where: { id: result.versionId as string } });
    expect(version).toMatchObject({
      number: 2,
      source: "edit",
      authorId: fixer.id,
      parentVersionId: versionId,
    });
    expect(version.content).toEqual(JSON.parse(canonicalJson(fixed)));
    expect(version.diffSummary).toMatchObject({ total: { removed: 1 }, confirmedNotes: 1 });
    const map = await db.map.findUniqueOrThrow({ where: { id: mapId } });
    expect(map).toMatchObject({ state: "verified", isCanonical: true });
    expect((await db.song.findUniqueOrThrow({ where: { id: songId } })).status).toBe("verified");
    const proposal = await db.mapEditProposal.findUniqueOrThrow({ where: { id: created.proposalId } });
    expect(proposal).toMatchObject({ status: "approved", resultVersionId: version.id });

    expect(await karmaOf(db, fixer.id)).toBe(25);
    expect(await karmaOf(db, creator.id)).toBe(50);
    expect(await karmaOf(db, verifier.id)).toBe(500);

    const notes = await db.notification.findMany({ where: { userId: { in: [fixer.id, creator.id] } } });
    expect(notes.map((n) => [n.userId, n.kind]).sort()).toEqual(
      [
        [creator.id, "map_verified"],
        [fixer.id, "proposal_decided"],
      ].sort(),
    );
    const audit = await db.auditLogEntry.findFirstOrThrow({ where: { subjectId: created.proposalId } });
    expect(audit).toMatchObject({ action: "verify.approve", actorId: verifier.id });

    // Versions are immutable: the database refuses to change the published one.
    await expect(db.mapVersion.update({ where: { id: version.id }, data: { number: 9 } })).rejects.toThrow();

    // Deciding again on the same proposal is a conflict, not a second version.
    const again = await trpcError(
      asVerifier.verify.decide({
        proposalId: created.proposalId,
        decision: "approve",
        reason: "again",
        expectedCanonicalMapId: mapId,
      }),
    );
    expect(again.code).toBe("CONFLICT");
    expect(await db.mapVersion.count({ where: { mapId } })).toBe(2);
  });

  it("reject costs the author 5 karma, needs_changes nothing; both need a reason and notify", async () => {
    const db = database().db;
    const { creator, fixer, verifier } = await people();
    const { mapId, versionId, chart } = await createSongWithMap(db, { creatorId: creator.id });
    const asFixer = await callerFor(db, fixer);
    const asVerifier = await callerFor(db, verifier);
    const a = await asFixer.proposals.create({
      mapId,
      baseVersionId: versionId,
      chart: withoutNote(chart, 1),
      message: "",
    });
    const b = await asFixer.proposals.create({
      mapId,
      baseVersionId: versionId,
      chart: withoutNote(chart, 2),
      message: "",
    });

    const noReason = await trpcError(
      asVerifier.verify.decide({
        proposalId: a.proposalId,
        decision: "reject",
        reason: " ",
        expectedCanonicalMapId: null,
      }),
    );
    expect(noReason.code).toBe("BAD_REQUEST");
    expect(noReason.message).toMatch(/reason/);

    await asVerifier.verify.decide({
      proposalId: a.proposalId,
      decision: "reject",
      reason: "That hi-hat is really there.",
      expectedCanonicalMapId: null,
    });
    await asVerifier.verify.decide({
      proposalId: b.proposalId,
      decision: "needs_changes",
      reason: "Also fix the flam in bar 3.",
      expectedCanonicalMapId: null,
    });
    expect(await karmaOf(db, fixer.id)).toBe(-5);
    const statuses = await db.mapEditProposal.findMany({ where: { mapId }, orderBy: { createdAt: "asc" } });
    expect(statuses.map((p) => p.status)).toEqual(["rejected", "needs_changes"]);
    const notes = await db.notification.findMany({ where: { userId: fixer.id } });
    expect(notes.map((n) => (n.payload as { title: string }).title).sort()).toEqual([
      "Your fix was rejected",
      "Your fix was sent back for changes",
    ]);
    // Neither is in the queue any more; the map is still an unverified draft.
    const queue = await asVerifier.verify.queue();
    expect(queue.some((i) => i.id === a.proposalId || i.id === b.proposalId)).toBe(false);
    expect((await db.map.findUniqueOrThrow({ where: { id: mapId } })).state).toBe("ai_draft");
  });

  it("refuses a verifier deciding on their own proposal", async () => {
    const db = database().db;
    const { verifier } = await people();
    const { mapId, versionId, chart } = await createSongWithMap(db);
    const asVerifier = await callerFor(db, verifier);
    const own = await asVerifier.proposals.create({
      mapId,
      baseVersionId: versionId,
      chart: withoutNote(chart, 0),
      message: "",
    });
    const error = await trpcError(
      asVerifier.verify.decide({
        proposalId: own.proposalId,
        decision: "approve",
        reason: "looks good",
        expectedCanonicalMapId: null,
      }),
    );
    expect(error.code).toBe("FORBIDDEN");
    expect((await asVerifier.verify.queue()).find((i) => i.id === own.proposalId)?.own).toBe(true);
  });
});

describe("rebasing", () => {
  it("moves a proposal onto the newest version when the edits do not overlap, and reports conflicts when they do", async () => {
    const db = database().db;
    const { fixer, verifier } = await people();
    const other = await createTestUser(db);
    const { mapId, versionId, chart } = await createSongWithMap(db);
    const asFixer = await callerFor(db, fixer);
    const asOther = await callerFor(db, other);
    const asVerifier = await callerFor(db, verifier);

    // Someone else's fix to note 3 is approved first: version 2.
    const first = await asOther.proposals.create({
      mapId,
      baseVersionId: versionId,
      chart: withNoteMoved(chart, 3, 20),
      message: "",
    });
    const approved = await asVerifier.verify.decide({
      proposalId: first.proposalId,
      decision: "approve",
      reason: "late snare fixed",
      expectedCanonicalMapId: null,
    });

    // The fixer still edits version 1: a different note applies cleanly on top of version 2.
    const clean = await asFixer.proposals.create({
      mapId,
      baseVersionId: versionId,
      chart: withoutNote(chart, 10),
      message: "",
    });
    expect(clean).toMatchObject({ rebased: true, baseVersionId: approved.versionId });

    // The same note changed differently: CONFLICT, with the conflicting note in error.data.
    const error = await trpcError(
      asFixer.proposals.create({
        mapId,
        baseVersionId: versionId,
        chart: withNoteMoved(chart, 3, -30),
        message: "",
      }),
    );
    expect(error.code).toBe("CONFLICT");
    expect(error.message).toMatch(/changed since you started editing/);
    const shaped = await asFixer.proposals
      .create({ mapId, baseVersionId: versionId, chart: withNoteMoved(chart, 3, -30), message: "" })
      .catch((e: TRPCError) => e.cause as { conflicts?: unknown[] });
    expect((shaped as { conflicts: unknown[] }).conflicts.length).toBeGreaterThan(0);

    // Approving the rebased proposal builds on version 2.
    const second = await asVerifier.verify.decide({
      proposalId: clean.proposalId,
      decision: "approve",
      reason: "ghost note was noise",
      expectedCanonicalMapId: mapId,
    });
    const v3 = await db.mapVersion.findUniqueOrThrow({ where: { id: second.versionId as string } });
    expect(v3).toMatchObject({ number: 3, parentVersionId: approved.versionId });
    const content = v3.content as unknown as Beatmap;
    expect(content.HitObjects.length).toBe(chart.HitObjects.length - 1);
    expect(await karmaOf(db, fixer.id)).toBe(25);
  });

  it("rejects an edit that changes nothing, or that belongs to another map", async () => {
    const db = database().db;
    const { fixer } = await people();
    const a = await createSongWithMap(db);
    const b = await createSongWithMap(db);
    const asFixer = await callerFor(db, fixer);
    const same = await trpcError(
      asFixer.proposals.create({ mapId: a.mapId, baseVersionId: a.versionId, chart: a.chart, message: "" }),
    );
    expect(same.code).toBe("BAD_REQUEST");
    expect(same.message).toMatch(/Nothing changed/);
    const crossed = await trpcError(
      asFixer.proposals.create({
        mapId: a.mapId,
        baseVersionId: b.versionId,
        chart: withoutNote(a.chart, 1),
        message: "",
      }),
    );
    expect(crossed.code).toBe("NOT_FOUND");
  });
});

describe("one canonical map per song", () => {
  it("two verifiers approving different maps at the same moment: one wins, the other gets CONFLICT", async () => {
    const { db, url } = database();
    const creator = await createTestUser(db);
    const verifierA = await createTestUser(db, { karma: 500 });
    const verifierB = await createTestUser(db, { karma: 600 });
    const one = await createSongWithMap(db, { creatorId: creator.id });
    const two = await createSongWithMap(db, { songId: one.songId, chart: testChart(5) });

    // Separate connection pools: two server processes, as far as the database can tell.
    const dbA = createDb(url, { maxConnections: 2 });
    const dbB = createDb(url, { maxConnections: 2 });
    try {
      const [asA, asB] = await Promise.all([callerFor(dbA, verifierA), callerFor(dbB, verifierB)]);
      const outcomes = await Promise.allSettled([
        asA.verify.decide({
          mapVersionId: one.versionId,
          decision: "approve",
          reason: "matches the audio",
          expectedCanonicalMapId: null,
        }),
        asB.verify.decide({
          mapVersionId: two.versionId,
          decision: "approve",
          reason: "matches the audio",
          expectedCanonicalMapId: null,
        }),
      ]);
      const won = outcomes.filter((o) => o.status === "fulfilled");
      const lost = outcomes.filter((o): o is PromiseRejectedResult => o.status === "rejected");
      expect(won).toHaveLength(1);
      expect(lost).toHaveLength(1);
      const refusal = lost[0]?.reason as TRPCError;
      expect(refusal).toBeInstanceOf(TRPCError);
      expect(refusal.code).toBe("CONFLICT");
      expect(refusal.message).toBe(CANONICAL_CONFLICT_MESSAGE);

      const canonical = await db.map.findMany({ where: { songId: one.songId, isCanonical: true } });
      expect(canonical).toHaveLength(1);
      const winner = (won[0] as PromiseFulfilledResult<{ mapId: string }>).value.mapId;
      expect(canonical[0]?.id).toBe(winner);
      // Only the winning decision was recorded.
      expect(
        await db.verificationDecision.count({
          where: { mapVersionId: { in: [one.versionId, two.versionId] } },
        }),
      ).toBe(1);

      // After reloading (now knowing the canonical map), a verifier may still replace it deliberately.
      const loserVersion = winner === one.mapId ? two.versionId : one.versionId;
      const loserCaller = winner === one.mapId ? asB : asA;
      await loserCaller.verify.decide({
        mapVersionId: loserVersion,
        decision: "approve",
        reason: "this one is tighter",
        expectedCanonicalMapId: winner,
      });
      const after = await db.map.findMany({ where: { songId: one.songId, isCanonical: true } });
      expect(after).toHaveLength(1);
      expect(after[0]?.id).not.toBe(winner);
    } finally {
      await Promise.all([dbA.$disconnect(), dbB.$disconnect()]);
    }
  });

  it("the database itself refuses a second canonical map", async () => {
    const db = database().db;
    const one = await createSongWithMap(db);
    const two = await createSongWithMap(db, { songId: one.songId, chart: testChart(3) });
    await db.map.update({ where: { id: one.mapId }, data: { state: "verified", isCanonical: true } });
    await expect(
      db.map.update({ where: { id: two.mapId }, data: { state: "verified", isCanonical: true } }),
    ).rejects.toThrow();
  });
});
