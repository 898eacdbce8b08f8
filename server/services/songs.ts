// Song identity: find a song by its Chromaprint fingerprint, register new songs, read a song with
// its maps. The matching rules (index keys, alignment, threshold) are in ./songs-match.ts.
//
// Lookup: the fingerprint's sampled keys go to the GIN-indexed `fingerprints.lookup_hashes`
// (intarray `&&`, in the SQL function beatsight_fingerprint_candidates); the few rows sharing at
// least MIN_SHARED_KEYS keys are ranked by how many they share, and the best CANDIDATE_LIMIT are
// scored by bit error rate at their best alignment. A candidate is the same recording only if the
// two also end together (endsAgree): fingerprints read the first two minutes, which a loop, an
// extended mix or a medley shares with the song.
//
// Every song has one timeline, its charts'. A match reports where the query's audio sits on it
// (offsetSeconds), so a copy with leading silence or a cut intro still gets charts that line up.
//
// Registration runs under one transaction-scoped advisory lock: it re-checks, inside the lock,
// whether the fingerprint (or a near-identical one) is already known before creating a song, so two
// people registering the same new song at the same moment get one song. Registrations are rare
// (only songs nobody has registered yet), so one global lock costs nothing measurable; identify
// never takes it.
import { createHash } from "node:crypto";
import { decompressFingerprint, FingerprintFormatError } from "@/lib/fingerprint/index.ts";
import { type Db, PREPARED, Prisma } from "@/server/db/client.ts";
import { transaction } from "@/server/db/transaction.ts";
import {
  confidenceOf,
  endsAgree,
  ITEMS_PER_SECOND,
  indexKeys,
  MATCH_MAX_BER,
  MIN_OVERLAP_ITEMS,
  MIN_SHARED_KEYS,
  scoreAlignment,
} from "./songs-match.ts";

/** Limits on what a client may send (checked by the router's zod schemas and again here). */
export const FINGERPRINT_LIMITS = {
  /** fpcalc's compressed string of 120 s is ~2.7 k characters; this allows ~8 minutes of items. */
  maxChars: 16_384,
  /** ~4 minutes of items; only the first 120 s (~970 items) are usually sent. */
  maxItems: 2_048,
  /** ~5 s, the shortest audio lib/fingerprint fingerprints. */
  minItems: MIN_OVERLAP_ITEMS,
  /** Seconds; the longest recording we accept (a long DJ mix). */
  maxDurationSeconds: 6 * 3600,
} as const;

/** fpcalc prints `-algorithm 2` (CHROMAPRINT_ALGORITHM_TEST2); the compressed header stores 1. */
const SUPPORTED_ALGORITHM_HEADER = 1;
const FPCALC_ALGORITHM = SUPPORTED_ALGORITHM_HEADER + 1;
/** Candidates scored per lookup. */
const CANDIDATE_LIMIT = 8;
/** Distinct fingerprints (encodes) kept per song; beyond this a match adds nothing new. */
const MAX_FINGERPRINTS_PER_SONG = 16;
/** Arbitrary constant: the advisory lock every registration takes. */
const REGISTER_LOCK_KEY = 518_274_903;

export class SongInputError extends Error {
  override name = "SongInputError";
}

export interface ParsedFingerprint {
  raw: Uint32Array;
  compressed: string;
  /** Of the raw items and the whole seconds of audio: two recordings can share their first two minutes. */
  sha256: string;
  durationMs: number;
}

/** Decodes and checks a client's fingerprint; throws SongInputError with a sentence for people. */
export function parseFingerprint(compressed: string, durationSeconds: number): ParsedFingerprint {
  if (compressed.length > FINGERPRINT_LIMITS.maxChars) {
    throw new SongInputError(`The fingerprint is too long (over ${FINGERPRINT_LIMITS.maxChars} characters).`);
  }
  let decoded: ReturnType<typeof decompressFingerprint>;
  try {
    decoded = decompressFingerprint(compressed);
  } catch (error) {
    const detail = error instanceof FingerprintFormatError ? ` ${error.message}` : "";
    throw new SongInputError(`This is not a Chromaprint fingerprint in fpcalc's compressed form.${detail}`);
  }
  if (decoded.algorithm !== SUPPORTED_ALGORITHM_HEADER) {
    throw new SongInputError(
      `Only fingerprints made with Chromaprint algorithm ${FPCALC_ALGORITHM} (fpcalc's default) can be looked up.`,
    );
  }
  const { raw } = decoded;
  if (raw.length < FINGERPRINT_LIMITS.minItems) {
    throw new SongInputError("The fingerprint is too short: at least 5 seconds of audio are needed.");
  }
  if (raw.length > FINGERPRINT_LIMITS.maxItems) {
    throw new SongInputError(
      `The fingerprint has ${raw.length} items; at most ${FINGERPRINT_LIMITS.maxItems} (about 4 minutes) are accepted.`,
    );
  }
  if (!(durationSeconds > 0) || durationSeconds > FINGERPRINT_LIMITS.maxDurationSeconds) {
    throw new SongInputError("The duration must be between 0 and 6 hours.");
  }
  // The items cover at most the audio's duration (plus rounding); more means the two do not belong together.
  if (raw.length > (durationSeconds + 2) * ITEMS_PER_SECOND + 4) {
    throw new SongInputError("The fingerprint is longer than the duration it was sent with.");
  }
  const sha256 = createHash("sha256")
    .update(new Uint8Array(raw.buffer, raw.byteOffset, raw.byteLength))
    .update(`:${Math.round(durationSeconds)}`)
    .digest("hex");
  return { raw, compressed, sha256, durationMs: Math.max(1, Math.round(durationSeconds * 1000)) };
}

export interface MapSummary {
  id: string;
  name: string;
  difficulty: number | null;
  state: "ai_draft" | "human_fixed" | "verified" | "archived";
  isCanonical: boolean;
  updatedAt: Date;
}

export interface SongSummary {
  id: string;
  title: string | null;
  artist: string | null;
  album: string | null;
  durationMs: number;
  status: "pending" | "unverified" | "verified" | "archived";
}

export interface SongMatch {
  song: SongSummary;
  /** 0–1: 1 for an identical fingerprint, 0 at the match threshold. */
  confidence: number;
  bitErrorRate: number;
  /**
   * Where the query's audio sits on the song's timeline (the charts'): its time t is the song's
   * time t - offsetSeconds. Positive: the file has that much more audio before the song starts
   * (leading silence); negative: it starts that far into the song (a cut intro).
   */
  offsetSeconds: number;
  /** The canonical verified map first, then other verified maps, then fixed, then AI drafts. */
  maps: MapSummary[];
}

export interface IdentifyResult {
  match: SongMatch | null;
  /**
   * Every scored candidate, best first (for transparency and for the benchmark); sameLength is
   * false where the audio aligned but did not end with the stored recording.
   */
  candidates: { songId: string; bitErrorRate: number; sharedKeys: number; sameLength: boolean }[];
}

type Client = Db | Prisma.TransactionClient;

type SongRow = Omit<SongSummary, "durationMs"> & { duration_ms: number };
type MapRow = Omit<MapSummary, "updatedAt"> & { updatedAt: string };

interface CandidateRow extends SongRow {
  fingerprint_id: string;
  song_id: string;
  /** The stored raw items, comma-separated (see findCandidates). */
  raw_items: string;
  /** The stored fingerprint's own audio length and place on the song's timeline. */
  fingerprint_duration_ms: number;
  fingerprint_offset_ms: number;
  shared: number;
  maps: MapRow[];
}

/**
 * Rows sharing at least MIN_SHARED_KEYS keys, most shared first (prisma/migrations/0002_…), each
 * with its song and live maps, so a known song costs one round trip like a new one. (A second
 * query for the winner's song and maps was ~2 ms of a known lookup's p95 in the 1 M benchmark; a
 * nested Prisma select cost ~4 ms of CPU.) Candidates are few (CANDIDATE_LIMIT) and usually one.
 * The raw items come as text: an int4[] of ~1,000 items cost ~0.3 ms more of the web process's
 * CPU to decode through the driver and Prisma than a string split here (docs/BENCHMARKS.md,
 * "Load (issue 29)").
 */
async function findCandidates(db: Client, raw: Uint32Array): Promise<CandidateRow[]> {
  const keys = indexKeys(raw).map((k) => k | 0);
  if (keys.length === 0) return [];
  return db.$queryRaw<CandidateRow[]>`${Prisma.raw(PREPARED)}
    SELECT c.fingerprint_id::text, c.song_id::text, array_to_string(c.raw_items, ',') AS raw_items, c.shared,
           f.duration_ms AS fingerprint_duration_ms, f.offset_ms AS fingerprint_offset_ms,
           s.id::text, s.title, s.artist, s.album, s.duration_ms, s.status::text AS status,
           (SELECT COALESCE(json_agg(json_build_object(
                     'id', m.id, 'name', m.name, 'difficulty', m.difficulty, 'state', m.state,
                     'isCanonical', m.is_canonical, 'updatedAt', m.updated_at)), '[]')
              FROM maps m
             WHERE m.song_id = c.song_id AND m.state <> 'archived') AS maps
      FROM beatsight_fingerprint_candidates(${keys}::int4[], ${MIN_SHARED_KEYS}::int4, ${CANDIDATE_LIMIT}::int4) c
      JOIN fingerprints f ON f.id = c.fingerprint_id
      JOIN songs s ON s.id = c.song_id`;
}

const MAP_STATE_ORDER: Record<MapSummary["state"], number> = {
  verified: 0,
  human_fixed: 1,
  ai_draft: 2,
  archived: 3,
};

/** Canonical first, then by state (verified, fixed, draft), newest first within a state. */
export function orderMaps<T extends MapSummary>(maps: T[]): T[] {
  return [...maps].sort(
    (a, b) =>
      Number(b.isCanonical) - Number(a.isCanonical) ||
      MAP_STATE_ORDER[a.state] - MAP_STATE_ORDER[b.state] ||
      b.updatedAt.getTime() - a.updatedAt.getTime(),
  );
}

const songSelect = {
  id: true,
  title: true,
  artist: true,
  album: true,
  durationMs: true,
  status: true,
} as const;
const mapSelect = {
  id: true,
  name: true,
  difficulty: true,
  state: true,
  isCanonical: true,
  updatedAt: true,
} as const;

interface ScoredCandidate {
  row: CandidateRow;
  bitErrorRate: number;
  /** The query's place on the song's timeline, seconds (SongMatch.offsetSeconds). */
  offsetSeconds: number;
  sameLength: boolean;
}

/**
 * The best stored fingerprint of each candidate song, lowest bit error rate first: those that
 * end with the query before those that do not, so a song's loop never hides its real encode.
 */
async function scoreCandidates(db: Client, fp: ParsedFingerprint): Promise<ScoredCandidate[]> {
  const bySong = new Map<string, ScoredCandidate>();
  for (const row of await findCandidates(db, fp.raw)) {
    const score = scoreAlignment(fp.raw, row.raw_items === "" ? [] : row.raw_items.split(",").map(Number));
    const bitErrorRate = Math.round(score.bitErrorRate * 10_000) / 10_000;
    const offsetFromStored = score.offset / ITEMS_PER_SECOND;
    const sameLength = endsAgree(fp.durationMs / 1000, row.fingerprint_duration_ms / 1000, offsetFromStored);
    const offsetSeconds = Math.round(offsetFromStored * 1000 + row.fingerprint_offset_ms) / 1000;
    const scored = { row, bitErrorRate, offsetSeconds, sameLength };
    const previous = bySong.get(row.song_id);
    if (!previous || better(scored, previous)) bySong.set(row.song_id, scored);
  }
  return [...bySong.values()].sort((a, b) => (better(a, b) ? -1 : better(b, a) ? 1 : 0));
}

function better(a: ScoredCandidate, b: ScoredCandidate): boolean {
  return a.sameLength !== b.sameLength ? a.sameLength : a.bitErrorRate < b.bitErrorRate;
}

function songOf(row: CandidateRow): SongSummary {
  const { id, title, artist, album, duration_ms, status } = row;
  return { id, title, artist, album, durationMs: duration_ms, status };
}

async function identifyParsed(db: Client, fp: ParsedFingerprint): Promise<IdentifyResult> {
  const scored = await scoreCandidates(db, fp);
  const candidates = scored.map(({ row, bitErrorRate, sameLength }) => ({
    songId: row.song_id,
    bitErrorRate,
    sharedKeys: Number(row.shared),
    sameLength,
  }));
  const best = scored[0];
  if (!best?.sameLength || best.bitErrorRate > MATCH_MAX_BER) return { match: null, candidates };
  return {
    match: {
      song: songOf(best.row),
      confidence: confidenceOf(best.bitErrorRate),
      bitErrorRate: best.bitErrorRate,
      offsetSeconds: best.offsetSeconds,
      maps: orderMaps(best.row.maps.map((m) => ({ ...m, updatedAt: new Date(m.updatedAt) }))),
    },
    candidates,
  };
}

/** Finds the song a fingerprint belongs to. Throws SongInputError for unusable input. */
export async function identifySong(
  db: Db,
  input: { fingerprint: string; duration: number },
): Promise<IdentifyResult> {
  return identifyParsed(db, parseFingerprint(input.fingerprint, input.duration));
}

export interface RegisterInput {
  fingerprint: string;
  duration: number;
  title?: string | null;
  artist?: string | null;
  album?: string | null;
}

export interface RegisterResult {
  song: SongSummary;
  /** True when this call created the song; false when it was already known (then nothing new was made). */
  created: boolean;
  /** How the song was found when it already existed. */
  matchedBy: "created" | "identical-fingerprint" | "similar-fingerprint";
  /** Where this audio sits on the song's timeline (SongMatch.offsetSeconds); 0 for a new song. */
  offsetSeconds: number;
}

const clean = (s: string | null | undefined): string | null => {
  const t = s?.trim();
  return t ? t : null;
};

/** Registers a new song with its fingerprint, or returns the song it already belongs to. */
export async function registerSong(db: Db, input: RegisterInput): Promise<RegisterResult> {
  const fp = parseFingerprint(input.fingerprint, input.duration);
  const lookupHashes = indexKeys(fp.raw).map((k) => k | 0);
  const rawItems = Array.from(fp.raw, (x) => x | 0);
  return transaction(
    db,
    async (tx) => {
      await tx.$queryRaw`SELECT 1 AS locked FROM (SELECT pg_advisory_xact_lock(${REGISTER_LOCK_KEY}::bigint)) l`;
      const identical = await tx.fingerprint.findUnique({
        where: { sha256: fp.sha256 },
        select: { offsetMs: true, song: { select: songSelect } },
      });
      if (identical)
        return {
          song: identical.song,
          created: false,
          matchedBy: "identical-fingerprint" as const,
          offsetSeconds: identical.offsetMs / 1000,
        };

      const known = await identifyParsed(tx, fp);
      if (known.match) {
        const songId = known.match.song.id;
        const stored = await tx.fingerprint.count({ where: { songId } });
        // Another encode of a known song: keep its fingerprint too, so later lookups of this
        // encode match at BER ~0 (up to a bound, so one song cannot grow the index without end).
        if (stored < MAX_FINGERPRINTS_PER_SONG) {
          await tx.fingerprint.create({
            data: {
              songId,
              sha256: fp.sha256,
              compressed: fp.compressed,
              rawItems,
              lookupHashes,
              durationMs: fp.durationMs,
              offsetMs: Math.round(known.match.offsetSeconds * 1000),
              algorithm: FPCALC_ALGORITHM,
            },
          });
        }
        return {
          song: known.match.song,
          created: false,
          matchedBy: "similar-fingerprint" as const,
          offsetSeconds: known.match.offsetSeconds,
        };
      }

      const song = await tx.song.create({
        data: {
          title: clean(input.title),
          artist: clean(input.artist),
          album: clean(input.album),
          durationMs: fp.durationMs,
          status: "pending",
          fingerprints: {
            create: {
              sha256: fp.sha256,
              compressed: fp.compressed,
              rawItems,
              lookupHashes,
              durationMs: fp.durationMs,
              algorithm: FPCALC_ALGORITHM,
            },
          },
        },
        select: songSelect,
      });
      return { song, created: true, matchedBy: "created" as const, offsetSeconds: 0 };
    },
    // Waiting for the lock counts against `timeout`; registrations take milliseconds each.
    { maxWait: 10_000, timeout: 20_000 },
  );
}

export interface SongDetail extends SongSummary {
  createdAt: Date;
  fingerprintCount: number;
  maps: MapSummary[];
}

/** A song with its maps (ordered like identify's), or null. */
export async function getSong(db: Db, id: string): Promise<SongDetail | null> {
  const song = await db.song.findUnique({
    where: { id },
    select: {
      ...songSelect,
      createdAt: true,
      maps: { select: mapSelect },
      _count: { select: { fingerprints: true } },
    },
  });
  if (!song) return null;
  const { maps, _count, ...rest } = song;
  return { ...rest, fingerprintCount: _count.fingerprints, maps: orderMaps(maps) };
}
