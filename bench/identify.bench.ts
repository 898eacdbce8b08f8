// Song identification (issue 5, item 5): recall, false matches and bit-error-rate distributions over
// a corpus of ≥ 200 distinct tracks × 10 variants, and identify latency with many stored
// fingerprints in a real PostgreSQL.
//
//   node --import tsx bench/identify.bench.ts corpus     build/extend the corpus (bench/identify-corpus.ts)
//   node --import tsx bench/identify.bench.ts accuracy   recall / false matches / BER distributions
//   node --import tsx bench/identify.bench.ts latency    identify p50/p95 with N synthetic fingerprints
//   (no argument: accuracy then latency, on the corpus already built)
//
// Environment: CORPUS_SYNTH / CORPUS_MIDI / CORPUS_REAL (tracks per source, default 85/90/41),
// LATENCY_SIZES (stored fingerprints at each checkpoint, default "10000,100000,1000000"),
// LATENCY_QUERIES (per kind and checkpoint, default 200). Every run starts its own throwaway
// embedded PostgreSQL (default settings: shared_buffers 128 MB) and deletes it afterwards.
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import pino from "pino";
import { bestAlignment, decompressFingerprint } from "../lib/fingerprint/index.ts";
import { createDb, type Db } from "../server/db/client.ts";
import { startEmbeddedPostgres } from "../server/db/embedded.ts";
import { migrate } from "../server/db/migrate.ts";
import { identifySong, registerSong } from "../server/services/songs.ts";
import { indexKeys, KEY_SAMPLING, MATCH_MAX_BER } from "../server/services/songs-match.ts";
import { buildCorpus, type CorpusEntry, corpusSources, readCorpus, VARIANTS } from "./identify-corpus.ts";

const log = (...args: unknown[]) => console.log(...args);

function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.round(q * (sorted.length - 1))))]!;
}
const fmt = (x: number, digits = 3) => (Number.isFinite(x) ? x.toFixed(digits) : "–");

function summary(values: number[], digits = 3): string {
  const s = [...values].sort((a, b) => a - b);
  return `n=${s.length} min=${fmt(s[0]!, digits)} p5=${fmt(quantile(s, 0.05), digits)} p50=${fmt(quantile(s, 0.5), digits)} p95=${fmt(quantile(s, 0.95), digits)} max=${fmt(s.at(-1)!, digits)}`;
}

async function withDatabase<T>(work: (db: Db, url: string) => Promise<T>): Promise<T> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "beatsight-bench-pg-"));
  const server = await startEmbeddedPostgres({
    dataDir,
    port: 0,
    database: "bench",
    log: pino({ level: "warn" }),
  });
  await migrate(server.url);
  const db = createDb(server.url, { maxConnections: 4 });
  try {
    return await work(db, server.url);
  } finally {
    await db.$disconnect();
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

// ───────────── accuracy ─────────────

interface Track {
  track: string;
  source: CorpusEntry["source"];
  entries: Map<string, CorpusEntry>;
}

function groupCorpus(corpus: CorpusEntry[]): Track[] {
  const tracks = new Map<string, Track>();
  for (const e of corpus) {
    const t = tracks.get(e.track) ?? { track: e.track, source: e.source, entries: new Map() };
    t.entries.set(e.variant, e);
    tracks.set(e.track, t);
  }
  return [...tracks.values()].filter((t) => VARIANTS.every((v) => t.entries.has(v)));
}

async function accuracy(): Promise<void> {
  const tracks = groupCorpus(readCorpus());
  const bySource = (s: string) => tracks.filter((t) => t.source === s).length;
  log(
    `corpus: ${tracks.length} complete tracks (synth ${bySource("synth")}, midi ${bySource("midi")}, real ${bySource("real")}), ${VARIANTS.length - 1} variants each`,
  );
  const raw = (e: CorpusEntry) => decompressFingerprint(e.fingerprint).raw;

  // 1. Exhaustive BER distributions (every offset in ±16 s): same song vs different songs.
  const same = new Map<string, number[]>();
  const exhaustive = new Map<string, number>(); // "track/variant" → BER
  for (const t of tracks) {
    const original = raw(t.entries.get("original")!);
    for (const [variant, e] of t.entries) {
      if (variant === "original") continue;
      const list = same.get(variant) ?? [];
      const ber = bestAlignment(raw(e), original).bitErrorRate;
      list.push(ber);
      exhaustive.set(`${t.track}/${variant}`, ber);
      same.set(variant, list);
    }
  }
  const originals = tracks.map((t) => raw(t.entries.get("original")!));
  const different: number[] = [];
  let closest = { ber: 1, a: "", b: "" };
  for (let i = 0; i < originals.length; i++) {
    for (let j = i + 1; j < originals.length; j++) {
      const ber = bestAlignment(originals[i]!, originals[j]!).bitErrorRate;
      different.push(ber);
      if (ber < closest.ber) closest = { ber, a: tracks[i]!.track, b: tracks[j]!.track };
    }
  }
  log("\nBER at the best alignment (exhaustive search over ±128 items), variant vs its original:");
  const allSame: number[] = [];
  for (const [variant, list] of same) {
    allSame.push(...list);
    log(`  ${variant.padEnd(14)} ${summary(list)}`);
  }
  log(`  ${"all variants".padEnd(14)} ${summary(allSame)}`);
  log(`different songs (original × original, ${different.length} pairs): ${summary(different)}`);
  log(`  closest unrelated pair: ${closest.a} / ${closest.b} at BER ${fmt(closest.ber)}`);
  const sortedDiff = [...different].sort((a, b) => a - b);
  log(
    `  share of unrelated pairs below BER 0.30: ${fmt(different.filter((x) => x < 0.3).length / different.length, 5)}, below ${MATCH_MAX_BER}: ${different.filter((x) => x < MATCH_MAX_BER).length}`,
  );
  log(`  gap: worst same-song ${fmt(Math.max(...allSame))} vs best different-song ${fmt(sortedDiff[0]!)}`);

  // 2. End to end through PostgreSQL: register 3 of every 4 tracks' originals, identify every variant.
  await withDatabase(async (db) => {
    const known = tracks.filter((_, i) => i % 4 !== 3);
    const unknown = tracks.filter((_, i) => i % 4 === 3);
    const songOf = new Map<string, string>();
    let merged = 0;
    for (const t of known) {
      const e = t.entries.get("original")!;
      const r = await registerSong(db, {
        fingerprint: e.fingerprint,
        duration: e.durationSeconds,
        title: t.track,
      });
      if (!r.created) {
        merged++;
        log(`  FALSE MERGE: ${t.track} registered as existing song ${r.song.title}`);
      }
      songOf.set(t.track, r.song.id);
    }
    const perVariant = new Map<
      string,
      { hit: number; miss: number; wrong: number; falseMatch: number; n: number }
    >();
    const serviceSame: number[] = [];
    const serviceUnknownBest: number[] = [];
    const sharedKeys: number[] = [];
    const offsetErrors: number[] = [];
    let votingWorse = 0;
    const times: number[] = [];
    for (const t of tracks) {
      const isKnown = songOf.has(t.track);
      for (const [variant, e] of t.entries) {
        if (variant === "original" && isKnown) continue;
        const started = performance.now();
        const result = await identifySong(db, { fingerprint: e.fingerprint, duration: e.durationSeconds });
        times.push(performance.now() - started);
        const stats = perVariant.get(variant) ?? { hit: 0, miss: 0, wrong: 0, falseMatch: 0, n: 0 };
        stats.n++;
        if (isKnown) {
          if (result.match && result.match.song.id === songOf.get(t.track)) {
            stats.hit++;
            serviceSame.push(result.match.bitErrorRate);
            // Where the variant sits on the song's timeline: 2 s more audio, or 10 s cut.
            const truth = variant === "silence_2s" ? 2 : variant === "cut_first_10s" ? -10 : 0;
            offsetErrors.push(Math.abs(result.match.offsetSeconds - truth) * 1000);
            const best = exhaustive.get(`${t.track}/${variant}`) ?? 0;
            if (result.match.bitErrorRate > best + 0.001) votingWorse++;
            sharedKeys.push(result.candidates[0]?.sharedKeys ?? 0);
          } else if (result.match) {
            stats.wrong++;
            log(
              `  WRONG: ${t.track}/${variant} → ${result.match.song.title} (BER ${result.match.bitErrorRate})`,
            );
          } else {
            stats.miss++;
            log(`  MISS: ${t.track}/${variant} candidates ${JSON.stringify(result.candidates.slice(0, 2))}`);
          }
        } else {
          if (result.match) {
            stats.falseMatch++;
            log(
              `  FALSE MATCH: ${t.track}/${variant} → ${result.match.song.title} (BER ${result.match.bitErrorRate})`,
            );
          }
          if (result.candidates[0]) serviceUnknownBest.push(result.candidates[0].bitErrorRate);
        }
        perVariant.set(variant, stats);
      }
    }
    log(
      `\nthrough PostgreSQL: ${known.length} songs registered (${merged} false merges), ${unknown.length} tracks held out`,
    );
    log("  variant         recall (known)           false matches (held-out tracks)");
    let hits = 0;
    let knownQueries = 0;
    let falseMatches = 0;
    let unknownQueries = 0;
    for (const [variant, s] of perVariant) {
      const k = s.hit + s.miss + s.wrong;
      hits += s.hit;
      knownQueries += k;
      falseMatches += s.falseMatch + s.wrong;
      unknownQueries += s.n - k;
      log(
        `  ${variant.padEnd(14)}  ${k ? `${s.hit}/${k}` : "–"}${s.wrong ? ` (${s.wrong} wrong song)` : ""}`.padEnd(
          43,
        ) + `${s.falseMatch}/${s.n - k}`,
      );
    }
    log(
      `  total: recall ${hits}/${knownQueries} = ${fmt((100 * hits) / knownQueries, 2)} %, false matches ${falseMatches}/${knownQueries + unknownQueries} queries`,
    );
    log(`  BER of the matches the service returned: ${summary(serviceSame)}`);
    log(`  shared index keys of the right song: ${summary(sharedKeys, 0)}`);
    log(`  |offsetSeconds − true shift| of the matches, ms: ${summary(offsetErrors, 0)}`);
    log(
      `  matches where offset voting found a BER > 0.001 above the exhaustive search's: ${votingWorse}/${hits}`,
    );
    log(
      `  held-out queries: ${serviceUnknownBest.length}/${unknownQueries} had any candidate; their best BER: ${summary(serviceUnknownBest)}`,
    );
    log(`  identify time on ${known.length} stored songs: ${summary(times, 2)} ms`);

    // Another edit sharing the opening (a 30 s longer mix: the fingerprint reads only the start)
    // must not get the song: its charts would end early. Approximated by the original's fingerprint
    // sent with a duration 30 s longer.
    let editMatches = 0;
    for (const t of known) {
      const e = t.entries.get("original")!;
      const result = await identifySong(db, { fingerprint: e.fingerprint, duration: e.durationSeconds + 30 });
      if (result.match) editMatches++;
    }
    log(`  the originals sent as 30 s longer edits: ${editMatches}/${known.length} matched (should be 0)`);
  });
}

// ───────────── latency ─────────────

/** Inverse of the Fibonacci multiplier mod 2³², so SQL can make keys that pass the index's sampling. */
const PHI = 0x9e3779b1n;
function inverseMod2p32(a: bigint): bigint {
  let x = 1n;
  for (let i = 0; i < 5; i++) x = (x * (2n - a * x)) & 0xffffffffn; // Newton: doubles correct bits
  return x;
}
const PHI_INVERSE = inverseMod2p32(PHI);
const SAMPLING_BITS = Math.log2(KEY_SAMPLING);

/**
 * Adds synthetic songs with fingerprints in one SQL statement per batch, generated inside
 * PostgreSQL (no transfer): `keysPerRow` random keys that pass the index's sampling (uniform over
 * the sampled key space), a placeholder for the raw items (rows that are never candidates are
 * never read; see BENCHMARKS.md for the effect), unique sha256s.
 */
async function addSynthetic(client: pg.Client, from: number, to: number, keysPerRow: number): Promise<void> {
  const batch = 20_000;
  for (let start = from; start < to; start += batch) {
    const end = Math.min(to, start + batch);
    // h uniform in [0, 2^(32-b)) has a Fibonacci hash with b leading zero bits once multiplied by
    // φ⁻¹, so k = h·φ⁻¹ mod 2³² is a key the sampling keeps; then uint32 → int4.
    await client.query(
      `WITH n AS (SELECT g, gen_random_uuid() AS song FROM generate_series($1::int, $2::int - 1) g),
            s AS (INSERT INTO songs (id, duration_ms, status, title)
                  SELECT song, 180000 + (g % 120000), 'unverified', 'synthetic ' || g FROM n)
       INSERT INTO fingerprints (song_id, sha256, compressed, raw_items, lookup_hashes, duration_ms)
       SELECT n.song, md5('a' || g) || md5('b' || g), 'synthetic', '{0}',
              (SELECT array_agg(DISTINCT (u - CASE WHEN u >= 2147483648 THEN 4294967296 ELSE 0 END)::int4)
                 FROM (SELECT (floor(random() * ${2 ** (32 - SAMPLING_BITS)})::bigint * ${PHI_INVERSE}) & 4294967295 AS u
                         FROM generate_series(1, $3::int) WHERE n.g IS NOT NULL) keys),
              180000
         FROM n`,
      [start, end, keysPerRow],
    );
  }
}

async function latency(): Promise<void> {
  const sizes = (process.env.LATENCY_SIZES ?? "10000,100000,1000000").split(",").map(Number);
  const queriesPerKind = Number(process.env.LATENCY_QUERIES ?? 200);
  const tracks = groupCorpus(readCorpus());
  if (tracks.length < 8)
    throw new Error("Build the corpus first: node --import tsx bench/identify.bench.ts corpus");
  const known = tracks.filter((_, i) => i % 4 !== 3);
  const unknown = tracks.filter((_, i) => i % 4 === 3);
  // Typical stored key count: the corpus's full-length (real) originals.
  const realKeys = tracks
    .filter((t) => t.source === "real")
    .map((t) => decompressFingerprint(t.entries.get("original")!.fingerprint).raw.length);
  log(`latency: ${known.length} corpus songs registered among synthetic ones; ${unknown.length} held out`);
  await withDatabase(async (db, url) => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    await client.query("SET maintenance_work_mem = '512MB'");
    const songOf = new Map<string, string>();
    for (const t of known) {
      const e = t.entries.get("original")!;
      const r = await registerSong(db, {
        fingerprint: e.fingerprint,
        duration: e.durationSeconds,
        title: t.track,
      });
      songOf.set(t.track, r.song.id);
    }
    const keysPerRow =
      Math.round(realKeys.reduce((a, b) => a + b, 0) / Math.max(1, realKeys.length) / KEY_SAMPLING) || 240;
    log(`synthetic rows get ${keysPerRow} keys each (full-length fingerprints, sampled 1/${KEY_SAMPLING})`);
    const knownQueries = known.flatMap((t) =>
      [...t.entries.values()]
        .filter((e) => e.variant !== "original")
        .map((e) => ({ e, song: songOf.get(t.track) })),
    );
    const unknownQueries = unknown.flatMap((t) =>
      [...t.entries.values()].map((e) => ({ e, song: undefined })),
    );
    let stored = 0;
    for (const size of sizes) {
      const started = performance.now();
      await client.query("DROP INDEX IF EXISTS fingerprints_lookup_hashes_gin");
      await addSynthetic(client, stored, size, keysPerRow);
      const loaded = performance.now();
      await client.query(
        "CREATE INDEX fingerprints_lookup_hashes_gin ON fingerprints USING gin (lookup_hashes gin__int_ops)",
      );
      const indexed = performance.now();
      await client.query("VACUUM ANALYZE fingerprints");
      stored = size;
      const { rows } = await client.query<{ table: string; index: string }>(
        `SELECT pg_size_pretty(pg_total_relation_size('fingerprints')) AS table,
                pg_size_pretty(pg_relation_size('fingerprints_lookup_hashes_gin')) AS index`,
      );
      log(
        `\n${size.toLocaleString("en")} synthetic + ${known.length} real fingerprints: load ${fmt((loaded - started) / 1000, 1)} s, GIN build ${fmt((indexed - loaded) / 1000, 1)} s, table ${rows[0]?.table}, GIN ${rows[0]?.index}`,
      );
      for (const [kind, pool] of [
        ["known (variant of a stored song)", knownQueries],
        ["new (held-out song)", unknownQueries],
      ] as const) {
        const picks = Array.from({ length: queriesPerKind }, (_, i) => pool[(i * 7919) % pool.length]!);
        for (const q of picks.slice(0, 10))
          await identifySong(db, { fingerprint: q.e.fingerprint, duration: q.e.durationSeconds }); // warm
        const times: number[] = [];
        const cpu: number[] = [];
        const database: number[] = [];
        let right = 0;
        for (const q of picks) {
          const c0 = process.cpuUsage();
          const t0 = performance.now();
          const result = await identifySong(db, {
            fingerprint: q.e.fingerprint,
            duration: q.e.durationSeconds,
          });
          times.push(performance.now() - t0);
          const c = process.cpuUsage(c0);
          cpu.push((c.user + c.system) / 1000);
          if ((result.match?.song.id ?? undefined) === q.song) right++;
          // The database's own time for the candidate search (what grows with the number stored).
          const keys = indexKeys(decompressFingerprint(q.e.fingerprint).raw).map((k) => k | 0);
          const plan = await client.query(
            "EXPLAIN (ANALYZE, FORMAT JSON) SELECT * FROM beatsight_fingerprint_candidates($1::int4[], 2, 8)",
            [keys],
          );
          database.push(plan.rows[0]["QUERY PLAN"][0]["Execution Time"]);
        }
        log(`  ${kind}: correct ${right}/${picks.length}`);
        log(`    identify wall     ${summary(times, 2)} ms`);
        log(`    identify Node CPU ${summary(cpu, 2)} ms`);
        log(`    candidate search in PostgreSQL ${summary(database, 2)} ms`);
      }
    }
    // How much work one lookup does in the index, and what the planner does when not forced.
    const keys = indexKeys(decompressFingerprint(unknownQueries[0]!.e.fingerprint).raw).map((k) => k | 0);
    for (const forced of [true, false]) {
      await client.query(`SET enable_seqscan = ${forced ? "off" : "on"}`);
      const plan = await client.query(
        "EXPLAIN (ANALYZE, BUFFERS) SELECT id FROM fingerprints WHERE lookup_hashes && $1::int4[]",
        [keys],
      );
      log(`\ncandidate scan for a new song (${keys.length} keys), enable_seqscan ${forced ? "off" : "on"}:`);
      for (const row of plan.rows) log(`  ${String(row["QUERY PLAN"]).slice(0, 140)}`);
    }
    await client.end();
  });
}

async function main(): Promise<void> {
  const modes = process.argv.slice(2);
  if (modes.includes("corpus")) {
    await buildCorpus(
      corpusSources({
        synth: Number(process.env.CORPUS_SYNTH ?? 85),
        midi: Number(process.env.CORPUS_MIDI ?? 90),
        real: Number(process.env.CORPUS_REAL ?? 41),
      }),
    );
  }
  if (modes.length === 0 || modes.includes("accuracy")) await accuracy();
  if (modes.length === 0 || modes.includes("latency")) await latency();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
