// Song identity on a real PostgreSQL: lookup through the GIN index, map order, registration that
// deduplicates under concurrency, and hostile input through the tRPC router.
import { join } from "node:path";
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import superjson from "superjson";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compressFingerprint } from "@/lib/fingerprint/index.ts";
import { fingerprintFile } from "@/lib/fingerprint/node.ts";
import { makeTempDir, renderSong, transcode } from "@/lib/fingerprint/test-support.ts";
import { createMigratedDatabase } from "../../test/db.ts";
import { rng, syntheticItems } from "../../test/fingerprints.ts";
import type { Db } from "../db/client.ts";
import { appRouter } from "../trpc/root.ts";
import {
  getSong,
  type IdentifyResult,
  identifySong,
  type RegisterResult,
  registerSong,
  type SongDetail,
} from "./songs.ts";
import { ITEMS_PER_SECOND, SILENCE_ITEM } from "./songs-match.ts";

type Database = Awaited<ReturnType<typeof createMigratedDatabase>>;
let database: Database;
let db: Db;

beforeAll(async () => {
  database = await createMigratedDatabase();
  db = database.db;
});
afterAll(async () => {
  await database.drop();
});

/** The same "recording" after a lossy re-encode: each bit flips with probability `ber`, shifted by `shift` items. */
function degrade(items: Uint32Array, seed: number, ber: number, shift = 0): Uint32Array {
  const r = rng(seed);
  const out = new Uint32Array(items.length - shift);
  for (let i = shift; i < items.length; i++) {
    let x = items[i]!;
    for (let b = 0; b < 32; b++) if (r() < ber) x = (x ^ (1 << b)) >>> 0;
    out[i - shift] = x;
  }
  return out;
}

const fp = (items: Uint32Array) => ({
  fingerprint: compressFingerprint(items),
  duration: items.length / 8 + 3,
});

describe("songs service", () => {
  it("registers a new song and identifies it again, also from a degraded, shifted copy", async () => {
    const items = syntheticItems(1);
    const registered = await registerSong(db, { ...fp(items), title: "  First Song ", artist: "Band" });
    expect(registered.created).toBe(true);
    expect(registered.song.title).toBe("First Song");
    expect(registered.song.status).toBe("pending");

    const same = await identifySong(db, fp(items));
    expect(same.match?.song.id).toBe(registered.song.id);
    expect(same.match?.bitErrorRate).toBe(0);
    expect(same.match?.confidence).toBe(1);

    const reencoded = await identifySong(db, fp(degrade(items, 7, 0.04, 17)));
    expect(reencoded.match?.song.id).toBe(registered.song.id);
    expect(reencoded.match?.bitErrorRate).toBeGreaterThan(0.02);
    expect(reencoded.match?.bitErrorRate).toBeLessThan(0.06);
    expect(reencoded.match?.confidence).toBeGreaterThan(0.5);
    // The copy starts 17 items (~2.1 s) into the stored song.
    expect(reencoded.match?.offsetSeconds).toBeCloseTo(-17 / 8.07, 1);
  });

  it("does not match unrelated songs, nor a copy degraded beyond the threshold", async () => {
    const stored = syntheticItems(2);
    await registerSong(db, fp(stored));
    for (let seed = 100; seed < 110; seed++) {
      const result = await identifySong(db, fp(syntheticItems(seed)));
      expect(result.match).toBeNull();
    }
    const noise = await identifySong(db, fp(degrade(stored, 3, 0.3)));
    expect(noise.match).toBeNull();
  });

  it("places a copy with leading silence on the song's timeline, also through the copy's own fingerprint", async () => {
    const items = syntheticItems(31);
    const { song } = await registerSong(db, fp(items));
    // Two seconds (16 items) of digital silence before another encode of the same recording.
    const padded = new Uint32Array(items.length + 16).fill(SILENCE_ITEM);
    padded.set(degrade(items, 32, 0.03), 16);
    const first = await identifySong(db, fp(padded));
    expect(first.match?.song.id).toBe(song.id);
    expect(first.match?.offsetSeconds).toBeCloseTo(16 / ITEMS_PER_SECOND, 1);

    expect((await registerSong(db, fp(padded))).matchedBy).toBe("similar-fingerprint");
    // Now the padded encode matches its own stored fingerprint at BER 0; the offset is still the
    // one on the song's timeline, not zero.
    const again = await identifySong(db, fp(padded));
    expect(again.match?.bitErrorRate).toBe(0);
    expect(again.match?.offsetSeconds).toBeCloseTo(16 / ITEMS_PER_SECOND, 1);
    const cut = await identifySong(db, fp(padded.subarray(16 + 40)));
    expect(cut.match?.offsetSeconds).toBeCloseTo(-40 / ITEMS_PER_SECOND, 1);
  });

  it("does not give a short song's chart to a loop of it, nor a song's to another edit sharing its opening", async () => {
    // A 13-second song, and a 4-minute file that loops it (its fingerprint reads the first 120 s).
    const short = syntheticItems(33, 105);
    const { song } = await registerSong(db, fp(short));
    const loop = Uint32Array.from({ length: 968 }, (_, i) => short[i % short.length]!);
    const looped = await identifySong(db, { fingerprint: compressFingerprint(loop), duration: 240 });
    expect(looped.match).toBeNull();
    expect(looped.candidates[0]).toMatchObject({ songId: song.id, bitErrorRate: 0, sameLength: false });
    const registered = await registerSong(db, { fingerprint: compressFingerprint(loop), duration: 240 });
    expect(registered.created).toBe(true);

    // Album version (4:00) and radio edit (3:20) with the same first two minutes: two recordings,
    // even though their fingerprints are identical item for item.
    const opening = compressFingerprint(syntheticItems(34, 968));
    const album = await registerSong(db, { fingerprint: opening, duration: 240 });
    const edit = await registerSong(db, { fingerprint: opening, duration: 200 });
    expect(edit.created).toBe(true);
    expect(edit.song.id).not.toBe(album.song.id);
    expect((await identifySong(db, { fingerprint: opening, duration: 200.4 })).match?.song.id).toBe(
      edit.song.id,
    );
    // A few seconds more or less (trailing silence, a shorter fade) is still the same recording.
    expect((await identifySong(db, { fingerprint: opening, duration: 245 })).match?.song.id).toBe(
      album.song.id,
    );
  });

  it("returns the canonical verified map first, then verified, fixed and draft maps; never archived ones", async () => {
    const items = syntheticItems(4);
    const { song } = await registerSong(db, fp(items));
    const draft = await db.map.create({ data: { songId: song.id, name: "AI draft", state: "ai_draft" } });
    const fixed = await db.map.create({ data: { songId: song.id, name: "Fixed", state: "human_fixed" } });
    await db.map.create({ data: { songId: song.id, name: "Old", state: "archived" } });
    const verified = await db.map.create({ data: { songId: song.id, name: "Verified", state: "verified" } });
    const canonical = await db.map.create({
      data: { songId: song.id, name: "Canonical", state: "verified", isCanonical: true },
    });
    const result = await identifySong(db, fp(degrade(items, 5, 0.02)));
    expect(result.match?.maps.map((m) => m.id)).toEqual([canonical.id, verified.id, fixed.id, draft.id]);
    expect(result.match?.maps[0]?.isCanonical).toBe(true);
    const detail = await getSong(db, song.id);
    expect(detail?.maps).toHaveLength(5);
    expect(detail?.maps[0]?.id).toBe(canonical.id);
  });

  it("gives two users registering the same new song at the same moment one song", async () => {
    const items = syntheticItems(6);
    const before = await db.song.count();
    // Identical fingerprints and near-identical ones (other encodes of the same recording), all at once.
    const inputs = [
      items,
      items,
      degrade(items, 11, 0.03),
      degrade(items, 12, 0.03, 5),
      items,
      degrade(items, 13, 0.02),
    ];
    const results = await Promise.all(inputs.map((x) => registerSong(db, fp(x))));
    const songIds = new Set(results.map((r) => r.song.id));
    expect(songIds.size).toBe(1);
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(await db.song.count()).toBe(before + 1);
    // The identical ones added nothing; the three other encodes were kept as extra fingerprints.
    const [songId] = songIds;
    expect(await db.fingerprint.count({ where: { songId } })).toBe(4);
    expect(results.filter((r) => r.matchedBy === "identical-fingerprint")).toHaveLength(2);
  });

  it("keeps the candidate search on the GIN index, and finds nothing for a fingerprint of silence", async () => {
    const [proc] = await db.$queryRaw<{ proconfig: string[] }[]>`
      SELECT proconfig FROM pg_proc WHERE proname = 'beatsight_fingerprint_candidates'`;
    expect(proc?.proconfig).toContain("enable_seqscan=off");
    const silence = new Uint32Array(400).fill(627_964_279);
    expect((await identifySong(db, fp(silence))).match).toBeNull();
  });

  it("identifies a real mp3 re-encode of a registered song", async () => {
    const { dir, cleanup } = makeTempDir();
    try {
      const wav = renderSong(dir, 21, 40);
      const mp3 = transcode(wav, join(dir, "copy.mp3"), ["-b:a", "64k"]);
      const original = await fingerprintFile(wav);
      const copy = await fingerprintFile(mp3);
      const { song } = await registerSong(db, {
        fingerprint: original.compressed,
        duration: original.durationSeconds,
      });
      const result = await identifySong(db, { fingerprint: copy.compressed, duration: copy.durationSeconds });
      expect(result.match?.song.id).toBe(song.id);
      expect(result.match?.bitErrorRate).toBeLessThan(0.1);
    } finally {
      cleanup();
    }
  });
});

/** Calls a procedure over HTTP as the browser does; resolves to its data, rejects with the message a person sees. */
async function call<T>(path: string, input: unknown, method: "GET" | "POST" = "POST"): Promise<T> {
  const encoded = JSON.stringify(superjson.serialize(input));
  const url = `http://test/api/trpc/${path}${method === "GET" ? `?input=${encodeURIComponent(encoded)}` : ""}`;
  const response = await fetchRequestHandler({
    endpoint: "/api/trpc",
    req: new Request(
      url,
      method === "POST" ? { method, body: encoded, headers: { "content-type": "application/json" } } : {},
    ),
    router: appRouter,
    createContext: () => ({ db, session: null, requestId: "test", headers: new Headers() }),
  });
  const body = await response.json();
  if (body.error) throw new Error(body.error.json.message);
  return superjson.deserialize<T>(body.result.data);
}

describe("songs router over HTTP", () => {
  const caller = () => ({
    songs: {
      identify: (input: unknown) => call<IdentifyResult>("songs.identify", input),
      register: (input: unknown) => call<RegisterResult>("songs.register", input),
      get: (input: unknown) => call<SongDetail>("songs.get", input, "GET"),
    },
  });

  it.each([
    [{ fingerprint: "AQAA", duration: 10 }, /fingerprint: is too short/],
    [{ fingerprint: "x".repeat(20_000), duration: 10 }, /fingerprint: is longer than 16384/],
    [{ fingerprint: "AQAA<script>", duration: 10 }, /base64url/],
    [{ fingerprint: compressFingerprint(syntheticItems(8)), duration: -1 }, /duration: must be more than 0/],
    [
      { fingerprint: compressFingerprint(syntheticItems(8)), duration: 1e9 },
      /duration: must be at most 6 hours/,
    ],
    [{ fingerprint: "AQAAAAAAAAAAAAAA", duration: 10 }, /too short: at least 5 seconds/],
    [{ fingerprint: "AQAB_____________", duration: 10 }, /not a Chromaprint fingerprint/],
    [{ fingerprint: compressFingerprint(syntheticItems(8), 0), duration: 200 }, /algorithm 2/],
    [{ fingerprint: compressFingerprint(syntheticItems(8, 3000)), duration: 400 }, /at most 2048/],
    [{ fingerprint: compressFingerprint(syntheticItems(8)), duration: 10 }, /longer than the duration/],
  ])("rejects %# with a readable message", async (input, message) => {
    await expect(caller().songs.identify(input)).rejects.toThrow(message);
    await expect(caller().songs.register(input)).rejects.toThrow(message);
  });

  it("rejects over-long titles and unknown song ids", async () => {
    await expect(
      caller().songs.register({ ...fp(syntheticItems(9)), title: "t".repeat(201) }),
    ).rejects.toThrow(/title: must be at most 200/);
    await expect(caller().songs.get({ id: "nope" })).rejects.toThrow(/id: is not a song id/);
    await expect(caller().songs.get({ id: "00000000-0000-4000-8000-000000000000" })).rejects.toThrow(
      /no song with this id/,
    );
  });

  it("identifies and registers through the router", async () => {
    const input = fp(syntheticItems(10));
    expect((await caller().songs.identify(input)).match).toBeNull();
    const registered = await caller().songs.register({ ...input, title: "Routed" });
    expect(registered.created).toBe(true);
    const found = await caller().songs.identify(input);
    expect(found.match?.song.title).toBe("Routed");
    expect((await caller().songs.get({ id: registered.song.id })).fingerprintCount).toBe(1);
  });
});
