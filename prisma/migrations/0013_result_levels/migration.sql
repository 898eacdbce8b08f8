-- Difficulty levels (issue 31.3): a practice run records the level it was played at, Easy to
-- Expert (lib/practice/levels.ts). Runs stored before levels existed were all played on the
-- chart as charted, so they are Expert; so is a run from an old client that sends no level.
ALTER TABLE practice_results
  ADD COLUMN level text NOT NULL DEFAULT 'expert'
  CHECK (level IN ('easy', 'medium', 'hard', 'expert'));

-- A map's leaderboard reads one level's runs of the map's versions, best score first
-- (server/services/results.ts leaderboard).
CREATE INDEX practice_results_board_idx ON practice_results (map_version_id, level, score DESC);
