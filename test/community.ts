// Fixtures for community tests: songs with AI-draft maps (stored directly, no fingerprint needed),
// edited charts, and tRPC callers acting as a given test user.
import { randomBytes, randomUUID } from "node:crypto";
import { type Beatmap, canonicalJson, contentHash } from "../lib/beatmap/index.ts";
import { grooveChart } from "../lib/beatmap/testing.ts";
import { sessionFromCookies } from "../server/auth/session.ts";
import type { Db, Prisma } from "../server/db/client.ts";
import { createCaller } from "../server/trpc/root.ts";
import type { TestUser } from "./users.ts";

export type Caller = ReturnType<typeof createCaller>;

/** A caller as this user (or signed out), the way the route handler builds the context. */
export async function callerFor(db: Db, user: TestUser | null): Promise<Caller> {
  const headers = new Headers(user ? { cookie: user.cookie } : {});
  const session = await sessionFromCookies(db, headers.get("cookie"));
  return createCaller({ db, session, requestId: `test-${randomBytes(3).toString("hex")}`, headers });
}

export function testChart(bars = 4): Beatmap {
  const chart = grooveChart({ bars });
  return {
    ...chart,
    Editor: {
      ...chart.Editor,
      AiGenerationMetadata: { backend: "wasm", "model.beatsight-transcriber": "1.0.0" },
    },
  };
}

export interface SongWithMap {
  songId: string;
  mapId: string;
  versionId: string;
  chart: Beatmap;
}

/** A song whose duration matches the chart, with one AI-draft map (version 1). */
export async function createSongWithMap(
  db: Db,
  {
    creatorId = null,
    chart = testChart(),
    songId,
  }: { creatorId?: string | null; chart?: Beatmap; songId?: string } = {},
): Promise<SongWithMap> {
  const song =
    songId !== undefined
      ? { id: songId }
      : await db.song.create({
          data: {
            title: `Song ${randomBytes(3).toString("hex")}`,
            durationMs: Math.round(chart.Audio?.Duration ?? 60_000),
            status: "unverified",
          },
          select: { id: true },
        });
  const map = await db.map.create({
    data: {
      songId: song.id,
      creatorId,
      name: "Expert (AI)",
      state: "ai_draft",
      versions: {
        create: {
          number: 1,
          source: "ai",
          authorId: creatorId,
          contentHash: await contentHash(chart),
          content: JSON.parse(canonicalJson(chart)) as Prisma.InputJsonValue,
        },
      },
    },
    select: { id: true, versions: { select: { id: true } } },
  });
  return { songId: song.id, mapId: map.id, versionId: map.versions[0]?.id as string, chart };
}

/** The chart with the note at `index` removed (a typical "extra kick" fix). */
export function withoutNote(chart: Beatmap, index: number): Beatmap {
  return { ...chart, HitObjects: chart.HitObjects.filter((_, i) => i !== index) };
}

/** The chart with the note at `index` moved by `deltaMs`. */
export function withNoteMoved(chart: Beatmap, index: number, deltaMs: number): Beatmap {
  const notes = chart.HitObjects.map((n, i) => (i === index ? { ...n, Time: n.Time + deltaMs } : n));
  return { ...chart, HitObjects: notes.sort((a, b) => a.Time - b.Time || a.Lane - b.Lane) };
}

/** A practice run of this map version synced to the user's account (what rating a chart requires). */
export async function recordPlayedRun(db: Db, userId: string, mapVersionId: string): Promise<void> {
  await db.practiceResult.create({
    data: {
      id: randomUUID(),
      userId,
      mapVersionId,
      score: 90_000,
      accuracy: 0.9,
      stats: {},
      playedAt: new Date(),
    },
  });
}
