// Every guarded procedure × every kind of person, through the real router. Procedures declare
// their action (permittedProcedure sets `meta.action`), so this test finds them itself: a new
// guarded procedure is covered without editing this file. Procedures named in PROBES are called
// with real input and must succeed when allowed; others are called with no input and must fail
// for some reason other than permission when allowed.
import { TRPCError } from "@trpc/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { diffCharts } from "@/lib/beatmap/diff.ts";
import { callerFor, createSongWithMap, recordPlayedRun, withoutNote } from "../../test/community.ts";
import { migratedDatabaseForFile } from "../../test/db.ts";
import { createTestUser, type TestUser } from "../../test/users.ts";
import { ACTION_ROLE, type Action, type Role } from "../auth/permissions.ts";
import type { Db, Prisma } from "../db/client.ts";
import { stopJobSystem } from "../jobs/runtime.ts";
import type { ProcedureMeta } from "./init.ts";
import { appRouter } from "./root.ts";

const database = migratedDatabaseForFile();

type Persona =
  | "signed out"
  | "unverified email"
  | "fixer"
  | "verifier (karma 500)"
  | "curator (appointed)"
  | "curator (karma 2000)"
  | "admin";

/** The highest role each persona holds, as PRODUCT.md defines them (null: none). */
const HOLDS: Record<Persona, Role | null> = {
  "signed out": null,
  "unverified email": null,
  fixer: "fixer",
  "verifier (karma 500)": "verifier",
  "curator (appointed)": "curator",
  "curator (karma 2000)": "curator",
  admin: "admin",
};
const RANK: Record<Role, number> = { fixer: 1, verifier: 2, curator: 3, admin: 4 };
const PERSONAS = Object.keys(HOLDS) as Persona[];

function allowed(persona: Persona, action: Action): boolean {
  const held = HOLDS[persona];
  return held !== null && RANK[held] >= RANK[ACTION_ROLE[action]];
}

/** Actions whose procedures live in work not merged here yet; remove an entry once its procedure lands. */
const NOT_YET_IMPLEMENTED: Action[] = [];

type Probe = (db: Db, me: TestUser | null) => Promise<unknown>;

/** Realistic input per procedure path, made fresh for every call. */
const PROBES: Record<string, Probe> = {
  "proposals.create": async (db) => {
    const { mapId, versionId, chart } = await createSongWithMap(db);
    return { mapId, baseVersionId: versionId, chart: withoutNote(chart, 2), message: "matrix" };
  },
  "proposals.withdraw": async (db, me) => {
    const { mapId, versionId, chart } = await createSongWithMap(db);
    const author = me ?? (await createTestUser(db));
    const diff = diffCharts(chart, withoutNote(chart, 1)) as unknown as Prisma.InputJsonObject;
    const p = await db.mapEditProposal.create({
      data: { mapId, baseVersionId: versionId, authorId: author.id, diff, message: "" },
    });
    return { proposalId: p.id };
  },
  "verify.queue": async () => undefined,
  "verify.decide": async (db) => {
    const { versionId } = await createSongWithMap(db);
    return {
      mapVersionId: versionId,
      decision: "approve",
      reason: "matrix check",
      expectedCanonicalMapId: null,
    };
  },
  "votes.cast": async (db) => ({ versionId: (await createSongWithMap(db)).versionId, value: 1 }),
  "comments.add": async (db) => ({
    versionId: (await createSongWithMap(db)).versionId,
    timeMs: 1000,
    text: "late snare",
  }),
  "ratings.rate": async (db, me) => {
    const { mapId, versionId } = await createSongWithMap(db);
    if (me) await recordPlayedRun(db, me.id, versionId); // only players may rate
    return { mapId, stars: 4 };
  },
  "roles.list": async () => undefined,
  "roles.appoint": async (db) => ({ userId: (await createTestUser(db)).id, role: "curator" }),
  "roles.revoke": async (db) => ({
    userId: (await createTestUser(db, { appointed: ["curator"] })).id,
    role: "curator",
  }),
  "curation.archiveMap": async (db) => ({
    mapId: (await createSongWithMap(db)).mapId,
    reason: "duplicate chart",
  }),
  "curation.curateSong": async (db) => ({
    songId: (await createSongWithMap(db)).songId,
    title: "Real title",
  }),
  "audit.list": async () => undefined,
};

interface Guarded {
  path: string;
  action: Action;
  type: string;
}

function guardedProcedures(): Guarded[] {
  const procedures = appRouter._def.procedures as unknown as Record<
    string,
    { _def: { meta?: ProcedureMeta; type: string } }
  >;
  return Object.entries(procedures)
    .filter(([, p]) => p._def.meta?.action)
    .map(([path, p]) => ({ path, action: p._def.meta?.action as Action, type: p._def.type }));
}

async function call(db: Db, me: TestUser | null, path: string, input: unknown): Promise<unknown> {
  const caller = (await callerFor(db, me)) as unknown as Record<string, unknown>;
  const fn = path.split(".").reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], caller);
  return (fn as (input: unknown) => Promise<unknown>)(input);
}

const people = new Map<Persona, TestUser | null>();
// ops.* procedures start this process's job system; stop it before the test database goes away.
afterAll(stopJobSystem);
beforeAll(async () => {
  const db = database().db;
  people.set("signed out", null);
  people.set("unverified email", await createTestUser(db, { verified: false }));
  people.set("fixer", await createTestUser(db));
  people.set("verifier (karma 500)", await createTestUser(db, { karma: 500 }));
  people.set("curator (appointed)", await createTestUser(db, { appointed: ["curator"] }));
  people.set("curator (karma 2000)", await createTestUser(db, { karma: 2000 }));
  people.set("admin", await createTestUser(db, { appointed: ["admin"] }));
});

describe("permission matrix", () => {
  const guarded = guardedProcedures();

  it("finds a guarded procedure for every action in ACTION_ROLE", () => {
    const covered = new Set(guarded.map((g) => g.action));
    const missing = (Object.keys(ACTION_ROLE) as Action[]).filter((a) => !covered.has(a));
    expect(missing.sort()).toEqual([...NOT_YET_IMPLEMENTED].sort());
    for (const path of Object.keys(PROBES)) expect(guarded.map((g) => g.path)).toContain(path);
  });

  const cases = guarded.flatMap((g) => PERSONAS.map((persona) => ({ ...g, persona })));
  it.each(cases)("$path ($action) as $persona", async ({ path, action, persona }) => {
    const db = database().db;
    const me = people.get(persona) ?? null;
    const probe = PROBES[path];
    const input = probe ? await probe(db, me) : undefined;
    const outcome = await call(db, me, path, input).then(
      (value) => ({ ok: true as const, value }),
      (error: unknown) => ({ ok: false as const, error }),
    );
    if (allowed(persona, action)) {
      if (probe) {
        expect(outcome.ok ? null : (outcome.error as Error).message).toBeNull();
      } else if (!outcome.ok) {
        expect(outcome.error).toBeInstanceOf(TRPCError);
        expect(["FORBIDDEN", "UNAUTHORIZED"]).not.toContain((outcome.error as TRPCError).code);
      }
    } else {
      expect(outcome.ok).toBe(false);
      const error = (outcome as { error: unknown }).error as TRPCError;
      expect(error).toBeInstanceOf(TRPCError);
      expect(error.code).toBe(me === null ? "UNAUTHORIZED" : "FORBIDDEN");
    }
  });

  it("changes nothing when a decision or an appointment is refused", async () => {
    const db = database().db;
    const fixer = people.get("fixer") ?? null;
    const { mapId, versionId } = await createSongWithMap(db);
    const target = await createTestUser(db);
    await expect(
      call(db, fixer, "verify.decide", {
        mapVersionId: versionId,
        decision: "approve",
        reason: "sneaky",
        expectedCanonicalMapId: null,
      }),
    ).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(
      call(db, people.get("curator (appointed)") ?? null, "roles.appoint", {
        userId: target.id,
        role: "admin",
      }),
    ).rejects.toMatchObject({ code: "FORBIDDEN" });
    expect((await db.map.findUniqueOrThrow({ where: { id: mapId } })).state).toBe("ai_draft");
    expect(await db.userRole.count({ where: { userId: target.id } })).toBe(0);
    expect(await db.verificationDecision.count({ where: { mapVersionId: versionId } })).toBe(0);
  });
});
