-- Candidate search for songs.identify (server/services/songs.ts), as one function so a lookup is
-- one round trip and always uses the GIN index on fingerprints.lookup_hashes.
--
-- Why `SET enable_seqscan = off`: intarray's `&&` has no statistics for keys this rare (each key is
-- a whole 32-bit Chromaprint item, almost unique), so the planner guesses ~17 % of rows match and
-- prefers a sequential scan: 150 ms at 10,000 rows against 3 ms through the index (measured, see
-- docs/BENCHMARKS.md). The setting applies inside this function only.
CREATE FUNCTION beatsight_fingerprint_candidates(query_keys int4[], min_shared int4, max_rows int4)
RETURNS TABLE (fingerprint_id uuid, song_id uuid, raw_items int4[], shared int4)
LANGUAGE sql STABLE
SET enable_seqscan = off
AS $$
  SELECT c.id, c.song_id, c.raw_items, c.shared
    FROM (SELECT f.id, f.song_id, f.raw_items, icount(f.lookup_hashes & query_keys) AS shared
            FROM fingerprints f
           WHERE f.lookup_hashes && query_keys) c
   WHERE c.shared >= min_shared
   ORDER BY c.shared DESC
   LIMIT max_rows
$$;
