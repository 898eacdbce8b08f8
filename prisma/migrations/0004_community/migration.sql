-- Community review (issue #11): proposals can be sent back for changes, carry the notes a fixer
-- confirmed by ear, and karma is awarded at most once per reason and subject.

-- "needs_changes": a verifier asked the author for changes; the proposal leaves the queue until
-- its author sends a new one. (Added, not used, in this transaction: allowed since PostgreSQL 12.)
ALTER TYPE proposal_status ADD VALUE IF NOT EXISTS 'needs_changes';

-- Times (ms) of notes the fixer listened to and confirmed as right; they count toward verification
-- (the queue shows how much of the chart people have checked).
ALTER TABLE map_edit_proposals
  ADD COLUMN confirmed_note_times double precision[] NOT NULL DEFAULT ARRAY[]::double precision[],
  ADD CONSTRAINT map_edit_proposals_confirmed_note_times_bounded
    CHECK (cardinality(confirmed_note_times) <= 100000);

-- A decision, a vote or a proposal earns its karma once, even when a request is retried or two
-- verifiers race: the ledger refuses a second award for the same (user, reason, subject).
CREATE UNIQUE INDEX karma_ledger_one_award_per_subject
  ON karma_ledger (user_id, reason, subject_type, subject_id)
  WHERE reason <> 'adjustment' AND subject_id IS NOT NULL;

-- The daily cap on helpful-vote karma counts a user's recent helpful_vote rows.
CREATE INDEX karma_ledger_helpful_votes_idx ON karma_ledger (user_id, created_at) WHERE reason = 'helpful_vote';

-- The verification queue reads pending proposals oldest first and AI drafts oldest first.
CREATE INDEX maps_state_created_at_idx ON maps (state, created_at);
