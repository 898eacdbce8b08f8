import { describe, expect, it } from "vitest";
import type { Beatmap } from "@/lib/beatmap/index.ts";
import { grooveChart } from "@/lib/beatmap/testing.ts";
import { compressFingerprint } from "@/lib/fingerprint/index.ts";
import { migratedDatabaseForFile } from "../../test/db.ts";
import { syntheticFingerprint, syntheticItems } from "../../test/fingerprints.ts";
import { createTestUser } from "../../test/users.ts";
import { createCaller } from "../trpc/root.ts";
import { MapInputError, submitGenerated } from "./maps.ts";
import { identifySong } from "./songs.ts";
import { ITEMS_PER_SECOND, SILENCE_ITEM } from "./songs-match.ts";

const database = migratedDatabaseForFile();

const DURATION = 111; // seconds: 900 fingerprint items

function generated(bars = 4, durationMs = DURATION * 1000): Beatmap {
  const chart = grooveChart({ bars });
  return {
    ...chart,
    Audio: { ...chart.Audio, Filename: "song.mp3", Duration: durationMs },
    Editor: {
      ...chart.Editor,
      AiGenerationMetadata: { backend: "wasm", "model.beatsight-transcriber": "1.0.0" },
    },
  };
}

describe("maps.submitGenerated", () => {
  it("stores a generated chart as an AI draft of the song, once per content", async () => {
    const fingerprint = syntheticFingerprint(101);
    const first = await submitGenerated(database().db, {
      fingerprint,
      duration: DURATION,
      chart: generated(),
    });
    expect(first.created).toBe(true);
    const again = await submitGenerated(database().db, {
      fingerprint,
      duration: DURATION,
      chart: generated(),
    });
    expect(again).toMatchObject({ created: false, mapId: first.mapId, versionId: first.versionId });

    const version = await database().db.mapVersion.findUniqueOrThrow({
      where: { id: first.versionId },
      include: { map: true },
    });
    expect(version).toMatchObject({ number: 1, source: "ai", contentHash: first.contentHash });
    expect(version.map.state).toBe("ai_draft");
    expect(version.generation).toMatchObject({ backend: "wasm" });
    const song = await database().db.song.findUniqueOrThrow({ where: { id: first.song.id } });
    expect(song.status).toBe("unverified");

    // The next drummer with this song gets the chart at once: nothing computed twice.
    const identified = await identifySong(database().db, { fingerprint, duration: DURATION });
    expect(identified.match?.song.id).toBe(first.song.id);
    expect(identified.match?.maps.map((m) => m.id)).toEqual([first.mapId]);
  });

  it("keeps a different chart for the same song as another map", async () => {
    const fingerprint = syntheticFingerprint(102);
    const a = await submitGenerated(database().db, { fingerprint, duration: DURATION, chart: generated(4) });
    const b = await submitGenerated(database().db, { fingerprint, duration: DURATION, chart: generated(6) });
    expect(b.song.id).toBe(a.song.id);
    expect(b.mapId).not.toBe(a.mapId);
  });

  it("moves a chart made from a copy with leading silence onto the song's timeline", async () => {
    const items = syntheticItems(113);
    const first = await submitGenerated(database().db, {
      fingerprint: compressFingerprint(items),
      duration: DURATION,
      chart: generated(4),
    });
    // The same recording with 2 s (16 items) of silence first: its chart is 2 s later.
    const padded = new Uint32Array(items.length + 16).fill(SILENCE_ITEM);
    padded.set(items, 16);
    const offset = 16 / ITEMS_PER_SECOND;
    const late = generated(6, (DURATION + offset) * 1000);
    const shifted = {
      ...late,
      HitObjects: late.HitObjects.map((n) => ({ ...n, Time: n.Time + offset * 1000 })),
    };
    const second = await submitGenerated(database().db, {
      fingerprint: compressFingerprint(padded),
      duration: DURATION + offset,
      chart: shifted,
    });
    expect(second.song.id).toBe(first.song.id);
    const stored = await database().db.mapVersion.findUniqueOrThrow({ where: { id: second.versionId } });
    const content = stored.content as unknown as Beatmap;
    expect(content.Audio.Duration).toBe(DURATION * 1000);
    content.HitObjects.forEach((n, i) => {
      expect(Math.abs(n.Time - late.HitObjects[i]!.Time)).toBeLessThan(5);
    });
  });

  it("stores two identical submissions arriving together once", async () => {
    const fingerprint = syntheticFingerprint(103);
    const results = await Promise.all(
      [1, 2, 3].map(() =>
        submitGenerated(database().db, { fingerprint, duration: DURATION, chart: generated() }),
      ),
    );
    expect(new Set(results.map((r) => r.mapId)).size).toBe(1);
    expect(results.filter((r) => r.created)).toHaveLength(1);
  });

  it("answers a resent client mutation with the first answer and created: false", async () => {
    const fingerprint = syntheticFingerprint(104);
    const input = {
      fingerprint,
      duration: DURATION,
      chart: generated(),
      clientMutationId: "retry-test-0001",
    };
    const first = await submitGenerated(database().db, input);
    expect(first.created).toBe(true);
    const retry = await submitGenerated(database().db, input);
    expect(retry).toEqual({ ...first, created: false });
    expect(await database().db.map.count({ where: { songId: first.song.id } })).toBe(1);

    // Signed in, the same.
    const alice = await createTestUser(database().db);
    const signedIn = { ...input, fingerprint: syntheticFingerprint(107), userId: alice.id };
    const own = await submitGenerated(database().db, signedIn);
    expect(own.created).toBe(true);
    expect(await submitGenerated(database().db, signedIn)).toEqual({ ...own, created: false });
  });

  it("scopes a client mutation id to its user: another user's change under the same id is applied", async () => {
    const db = database().db;
    const alice = await createTestUser(db);
    const bob = await createTestUser(db);
    const clientMutationId = "shared-id-0001";
    const alices = await submitGenerated(db, {
      fingerprint: syntheticFingerprint(108),
      duration: DURATION,
      chart: generated(4),
      clientMutationId,
      userId: alice.id,
    });
    // Bob's chart for another song, sent with Alice's id.
    const bobs = await submitGenerated(db, {
      fingerprint: syntheticFingerprint(109),
      duration: DURATION,
      chart: generated(6),
      clientMutationId,
      userId: bob.id,
    });
    expect(bobs.created).toBe(true);
    expect(bobs.song.id).not.toBe(alices.song.id);
    expect(bobs.mapId).not.toBe(alices.mapId);
    const map = await db.map.findUniqueOrThrow({ where: { id: bobs.mapId }, include: { versions: true } });
    expect(map.creatorId).toBe(bob.id);
    expect(map.versions[0]?.contentHash).toBe(bobs.contentHash);
    // Signed out, the id binds nothing either: another chart under it is another change.
    const anonymous = await submitGenerated(db, {
      fingerprint: syntheticFingerprint(110),
      duration: DURATION,
      chart: generated(5),
      clientMutationId,
    });
    expect(anonymous.created).toBe(true);
    expect([alices.mapId, bobs.mapId]).not.toContain(anonymous.mapId);
  });

  it("refuses a user's used client mutation id for a different chart (409), changing nothing", async () => {
    const db = database().db;
    const alice = await createTestUser(db);
    const input = {
      fingerprint: syntheticFingerprint(111),
      duration: DURATION,
      chart: generated(4),
      clientMutationId: "reused-id-0001",
      userId: alice.id,
    };
    const first = await submitGenerated(db, input);
    const maps = await db.map.count();
    await expect(submitGenerated(db, { ...input, chart: generated(6) })).rejects.toMatchObject({
      name: "ClientMutationConflictError",
      message: expect.stringMatching(/already used for a different change/),
    });
    expect(await db.map.count()).toBe(maps);
    expect(await submitGenerated(db, input)).toEqual({ ...first, created: false });
  });

  it("answers 50 identical concurrent submissions with exactly one created: true and no errors", async () => {
    const db = database().db;
    const alice = await createTestUser(db);
    const input = {
      fingerprint: syntheticFingerprint(112),
      duration: DURATION,
      chart: generated(),
      clientMutationId: "burst-test-0001",
      userId: alice.id,
    };
    // Overlapping, not in lockstep: they arrive over one second, as resends from several
    // tabs, Background Sync and a flaky network do, so later ones find earlier ones finished.
    const settled = await Promise.allSettled(
      Array.from({ length: 50 }, async (_, i) => {
        await new Promise((resolve) => setTimeout(resolve, i * 20));
        return submitGenerated(db, input);
      }),
    );
    const errors = settled.flatMap((s) => (s.status === "rejected" ? [String(s.reason)] : []));
    expect(errors).toEqual([]);
    const results = settled.flatMap((s) => (s.status === "fulfilled" ? [s.value] : []));
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(new Set(results.map((r) => r.mapId)).size).toBe(1);
    expect(await db.map.count({ where: { songId: results[0]?.song.id } })).toBe(1);
    expect(await db.clientMutation.count({ where: { id: input.clientMutationId } })).toBe(1);
  });

  it("rejects charts that are malformed, wrong, or not for this audio, saying why", async () => {
    const fingerprint = syntheticFingerprint(105);
    const bad = generated();
    (bad.HitObjects[3] as { Lane: number }).Lane = 9;
    await expect(
      submitGenerated(database().db, { fingerprint, duration: DURATION, chart: bad }),
    ).rejects.toThrow(/HitObjects\[3\]\.Lane/);
    await expect(
      submitGenerated(database().db, { fingerprint, duration: DURATION, chart: generated(4, 30_000) }),
    ).rejects.toThrow(/30\.0 s of audio, but the fingerprinted song is 111\.0 s/);
    const { Editor: _e, ...noMetadata } = generated();
    await expect(
      submitGenerated(database().db, { fingerprint, duration: DURATION, chart: noMetadata }),
    ).rejects.toThrow(MapInputError);
    await expect(
      submitGenerated(database().db, {
        fingerprint,
        duration: DURATION,
        chart: { Version: 1, HitObjects: "lots" },
      }),
    ).rejects.toThrow(/not a valid \.bsm/);
    expect(await database().db.map.count()).toBeGreaterThan(0); // earlier tests' maps only
  });

  it("answers through the API with readable errors and a rate limit", async () => {
    const caller = createCaller({
      db: database().db,
      session: null,
      requestId: "t",
      headers: new Headers({ "x-forwarded-for": "203.0.113.9" }),
    });
    const fingerprint = syntheticFingerprint(106);
    const ok = await caller.maps.submitGenerated({ fingerprint, duration: DURATION, chart: generated() });
    expect(ok.created).toBe(true);
    await expect(
      caller.maps.submitGenerated({
        fingerprint,
        duration: DURATION,
        chart: { ...generated(), HitObjects: [{ Time: -1 }] },
      }),
    ).rejects.toMatchObject({ code: "BAD_REQUEST" });
    let limited: unknown;
    for (let i = 0; i < 40 && !limited; i++) {
      await caller.maps
        .submitGenerated({ fingerprint, duration: DURATION, chart: generated() })
        .catch((e) => {
          limited = e;
        });
    }
    expect(limited).toMatchObject({ code: "TOO_MANY_REQUESTS" });
  });
});
