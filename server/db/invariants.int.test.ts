// The data model's invariants hold in PostgreSQL itself, whatever code (or person with psql) writes.
import { describe, expect, it } from "vitest";
import { migratedDatabaseForFile } from "../../test/db.ts";

const database = migratedDatabaseForFile();
const db = () => database().db;

const hash = (c: string) => c.repeat(64);
const bsm = { Version: 1, HitObjects: [] };

async function newSong() {
  return db().song.create({ data: { durationMs: 180_000, title: "Test" } });
}

async function newUser(email = `u${Math.random().toString(36).slice(2)}@example.com`) {
  return db().user.create({ data: { email, displayName: "Drummer" } });
}

/** The PostgreSQL error code (SQLSTATE) a failed Prisma call carries, wherever the adapter put it. */
async function sqlState(action: Promise<unknown>): Promise<string> {
  try {
    await action;
  } catch (error) {
    const text = JSON.stringify(error, Object.getOwnPropertyNames(error)) + String(error);
    const code = /\b(23505|23514|23000|23503|P2002|P2004)\b/.exec(text)?.[1];
    return code ?? `unrecognised: ${String(error).slice(0, 300)}`;
  }
  return "no error";
}

describe("database invariants", () => {
  it("allows at most one canonical verified map per song", async () => {
    const song = await newSong();
    await db().map.create({ data: { songId: song.id, state: "verified", isCanonical: true } });
    // A second verified map is fine; a second canonical one is not.
    await db().map.create({ data: { songId: song.id, state: "verified" } });
    const error = await sqlState(
      db().map.create({ data: { songId: song.id, state: "verified", isCanonical: true } }),
    );
    expect(["23505", "P2002"]).toContain(error);
    // Another song may have its own canonical map.
    const other = await newSong();
    await expect(
      db().map.create({ data: { songId: other.id, state: "verified", isCanonical: true } }),
    ).resolves.toBeTruthy();
  });

  it("allows only verified maps to be canonical", async () => {
    const song = await newSong();
    const error = await sqlState(
      db().map.create({ data: { songId: song.id, state: "ai_draft", isCanonical: true } }),
    );
    expect(["23514", "P2004"]).toContain(error);
  });

  it("keeps map versions immutable", async () => {
    const song = await newSong();
    const map = await db().map.create({ data: { songId: song.id } });
    const version = await db().mapVersion.create({
      data: { mapId: map.id, number: 1, source: "ai", contentHash: hash("a"), content: bsm },
    });
    await expect(
      db().mapVersion.update({ where: { id: version.id }, data: { contentHash: hash("b") } }),
    ).rejects.toThrow(/immutable/);
    await expect(db().mapVersion.delete({ where: { id: version.id } })).rejects.toThrow(/immutable/);
    await expect(db().$executeRawUnsafe("TRUNCATE map_versions CASCADE")).rejects.toThrow(/immutable/);
    const duplicateNumber = await sqlState(
      db().mapVersion.create({
        data: { mapId: map.id, number: 1, source: "edit", contentHash: hash("c"), content: bsm },
      }),
    );
    expect(["23505", "P2002"]).toContain(duplicateNumber);
    const stored = await db().mapVersion.findUniqueOrThrow({ where: { id: version.id } });
    expect(stored.contentHash).toBe(hash("a"));
  });

  it("keeps the karma ledger and audit log append-only", async () => {
    const user = await newUser();
    const entry = await db().karmaEntry.create({
      data: { userId: user.id, delta: 25, reason: "fix_accepted" },
    });
    await expect(db().karmaEntry.update({ where: { id: entry.id }, data: { delta: 2500 } })).rejects.toThrow(
      /append-only/,
    );
    await expect(db().karmaEntry.delete({ where: { id: entry.id } })).rejects.toThrow(/append-only/);

    const audit = await db().auditLogEntry.create({
      data: { actorId: user.id, action: "role.grant", subjectType: "user", subjectId: user.id },
    });
    await expect(
      db().auditLogEntry.update({ where: { id: audit.id }, data: { action: "nothing" } }),
    ).rejects.toThrow(/append-only/);
    await expect(db().auditLogEntry.deleteMany({})).rejects.toThrow(/append-only/);
    const karma = await db().karmaEntry.aggregate({ where: { userId: user.id }, _sum: { delta: true } });
    expect(karma._sum.delta).toBe(25);
  });

  it("gives one fingerprint identity exactly one song", async () => {
    const a = await newSong();
    const b = await newSong();
    const fp = {
      sha256: hash("d"),
      compressed: "AQAA",
      rawItems: [1, 2, 3],
      lookupHashes: [1],
      durationMs: 180_000,
    };
    await db().fingerprint.create({ data: { ...fp, songId: a.id } });
    expect(["23505", "P2002"]).toContain(
      await sqlState(db().fingerprint.create({ data: { ...fp, songId: b.id } })),
    );
  });

  it("keeps one live server job per fingerprint, but allows a new one after the last finished", async () => {
    await db().aiJob.create({ data: { dedupKey: hash("e") } });
    expect(["23505", "P2002"]).toContain(
      await sqlState(db().aiJob.create({ data: { dedupKey: hash("e") } })),
    );
    await db().aiJob.updateMany({ where: { dedupKey: hash("e") }, data: { state: "failed" } });
    await expect(db().aiJob.create({ data: { dedupKey: hash("e") } })).resolves.toBeTruthy();
  });

  it("records one vote per user per version, and only +1 or -1", async () => {
    const user = await newUser();
    const song = await newSong();
    const map = await db().map.create({ data: { songId: song.id } });
    const version = await db().mapVersion.create({
      data: { mapId: map.id, number: 1, source: "ai", contentHash: hash("f"), content: bsm },
    });
    await db().vote.create({ data: { userId: user.id, mapVersionId: version.id, value: 1 } });
    expect(["23505", "P2002"]).toContain(
      await sqlState(db().vote.create({ data: { userId: user.id, mapVersionId: version.id, value: -1 } })),
    );
    const other = await newUser();
    expect(["23514", "P2004"]).toContain(
      await sqlState(db().vote.create({ data: { userId: other.id, mapVersionId: version.id, value: 5 } })),
    );
  });

  it("stores e-mail addresses in one case only", async () => {
    expect(["23514", "P2004"]).toContain(
      await sqlState(db().user.create({ data: { email: "Drummer@Example.com", displayName: "X" } })),
    );
  });
});
