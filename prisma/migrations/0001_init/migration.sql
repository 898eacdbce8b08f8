-- BeatSight data model, first migration. Hand-written SQL (Prisma's schema engine cannot be
-- downloaded here); server/db/schema-drift.int.test.ts checks it against prisma/schema.prisma.
-- Migrations are append-only: never edit this file once applied, add 0002_… instead.

CREATE EXTENSION IF NOT EXISTS intarray;

-- ───────────── enums ─────────────
CREATE TYPE email_token_kind AS ENUM ('verify_email', 'reset_password');
CREATE TYPE karma_reason     AS ENUM ('fix_accepted', 'map_verified', 'fix_rejected', 'helpful_vote', 'adjustment');
CREATE TYPE song_status      AS ENUM ('pending', 'unverified', 'verified', 'archived');
CREATE TYPE map_state        AS ENUM ('ai_draft', 'human_fixed', 'verified', 'archived');
CREATE TYPE version_source   AS ENUM ('ai', 'manual', 'edit');
CREATE TYPE proposal_status  AS ENUM ('pending', 'approved', 'rejected', 'withdrawn');
CREATE TYPE decision_kind    AS ENUM ('approve', 'reject', 'needs_changes');
CREATE TYPE job_state        AS ENUM ('queued', 'processing', 'complete', 'failed', 'cancelled');
CREATE TYPE cost_kind        AS ENUM ('gpu', 'cpu', 'email', 'push', 'storage');

-- ───────────── shared guard: rows that must never change ─────────────
CREATE FUNCTION beatsight_forbid_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% is %: rows cannot be changed or removed (% attempted)', TG_TABLE_NAME, TG_ARGV[0], TG_OP
    USING ERRCODE = 'integrity_constraint_violation';
END;
$$;

-- ───────────── accounts ─────────────
CREATE TABLE users (
  id                 uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  email              text NOT NULL CHECK (email = lower(email) AND position('@' IN email) > 1),
  display_name       text NOT NULL CHECK (length(display_name) BETWEEN 1 AND 64),
  password_hash      text,
  email_verified_at  timestamptz(3),
  failed_login_count integer NOT NULL DEFAULT 0,
  locked_until       timestamptz(3),
  created_at         timestamptz(3) NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX users_email_key ON users (email);

CREATE TABLE sessions (
  id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id      uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE ON UPDATE CASCADE,
  token_hash   text NOT NULL,
  user_agent   text,
  ip           text,
  created_at   timestamptz(3) NOT NULL DEFAULT now(),
  last_seen_at timestamptz(3) NOT NULL DEFAULT now(),
  expires_at   timestamptz(3) NOT NULL
);
CREATE UNIQUE INDEX sessions_token_hash_key ON sessions (token_hash);
CREATE INDEX sessions_user_id_idx ON sessions (user_id);

CREATE TABLE passkeys (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id       uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE ON UPDATE CASCADE,
  credential_id text NOT NULL,
  public_key    bytea NOT NULL,
  counter       bigint NOT NULL DEFAULT 0,
  transports    text[] NOT NULL DEFAULT ARRAY[]::text[],
  name          text,
  created_at    timestamptz(3) NOT NULL DEFAULT now(),
  last_used_at  timestamptz(3)
);
CREATE UNIQUE INDEX passkeys_credential_id_key ON passkeys (credential_id);
CREATE INDEX passkeys_user_id_idx ON passkeys (user_id);

CREATE TABLE email_tokens (
  id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id    uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE ON UPDATE CASCADE,
  kind       email_token_kind NOT NULL,
  token_hash text NOT NULL,
  expires_at timestamptz(3) NOT NULL,
  used_at    timestamptz(3),
  created_at timestamptz(3) NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX email_tokens_token_hash_key ON email_tokens (token_hash);
CREATE INDEX email_tokens_user_id_kind_idx ON email_tokens (user_id, kind);

CREATE TABLE roles (
  name        text PRIMARY KEY,
  description text NOT NULL
);
INSERT INTO roles (name, description) VALUES
  ('fixer',    'Proposes fixes to charts (any signed-in user with a verified email)'),
  ('verifier', 'Approves or rejects fixes and verifies maps (karma >= 500, verified email)'),
  ('curator',  'Curates songs and maps (karma >= 2000, or appointed)'),
  ('admin',    'Appoints curators and admins (appointed only)');

CREATE TABLE user_roles (
  user_id       uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE ON UPDATE CASCADE,
  role_name     text NOT NULL REFERENCES roles (name) ON DELETE RESTRICT ON UPDATE CASCADE,
  granted_by_id uuid REFERENCES users (id) ON DELETE SET NULL ON UPDATE CASCADE,
  granted_at    timestamptz(3) NOT NULL DEFAULT now(),
  PRIMARY KEY (user_id, role_name)
);

-- Append-only: karma is the sum of a user's rows.
CREATE TABLE karma_ledger (
  id           bigserial PRIMARY KEY,
  user_id      uuid NOT NULL REFERENCES users (id) ON DELETE RESTRICT ON UPDATE CASCADE,
  delta        integer NOT NULL CHECK (delta <> 0),
  reason       karma_reason NOT NULL,
  subject_type text,
  subject_id   text,
  created_at   timestamptz(3) NOT NULL DEFAULT now()
);
CREATE INDEX karma_ledger_user_id_created_at_idx ON karma_ledger (user_id, created_at);
CREATE TRIGGER karma_ledger_append_only BEFORE UPDATE OR DELETE ON karma_ledger
  FOR EACH ROW EXECUTE FUNCTION beatsight_forbid_change('append-only');
CREATE TRIGGER karma_ledger_no_truncate BEFORE TRUNCATE ON karma_ledger
  FOR EACH STATEMENT EXECUTE FUNCTION beatsight_forbid_change('append-only');

-- ───────────── songs and identity ─────────────
CREATE TABLE songs (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  title       text,
  artist      text,
  album       text,
  duration_ms integer NOT NULL CHECK (duration_ms > 0),
  status      song_status NOT NULL DEFAULT 'pending',
  created_at  timestamptz(3) NOT NULL DEFAULT now(),
  updated_at  timestamptz(3) NOT NULL DEFAULT now()
);
CREATE INDEX songs_status_idx ON songs (status);

CREATE TABLE fingerprints (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  song_id       uuid NOT NULL REFERENCES songs (id) ON DELETE CASCADE ON UPDATE CASCADE,
  sha256        text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  compressed    text NOT NULL,
  raw_items     integer[] NOT NULL,
  lookup_hashes integer[] NOT NULL,
  duration_ms   integer NOT NULL CHECK (duration_ms > 0),
  algorithm     integer NOT NULL DEFAULT 2,
  created_at    timestamptz(3) NOT NULL DEFAULT now()
);
-- One song per fingerprint identity.
CREATE UNIQUE INDEX fingerprints_sha256_key ON fingerprints (sha256);
CREATE INDEX fingerprints_song_id_idx ON fingerprints (song_id);
CREATE INDEX fingerprints_lookup_hashes_gin ON fingerprints USING gin (lookup_hashes gin__int_ops);

-- ───────────── maps ─────────────
CREATE TABLE maps (
  id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  song_id      uuid NOT NULL REFERENCES songs (id) ON DELETE RESTRICT ON UPDATE CASCADE,
  creator_id   uuid REFERENCES users (id) ON DELETE SET NULL ON UPDATE CASCADE,
  name         text NOT NULL DEFAULT 'Expert',
  difficulty   integer CHECK (difficulty BETWEEN 1 AND 10),
  state        map_state NOT NULL DEFAULT 'ai_draft',
  is_canonical boolean NOT NULL DEFAULT false,
  created_at   timestamptz(3) NOT NULL DEFAULT now(),
  updated_at   timestamptz(3) NOT NULL DEFAULT now(),
  CONSTRAINT maps_canonical_is_verified CHECK (NOT is_canonical OR state = 'verified')
);
CREATE INDEX maps_song_id_state_idx ON maps (song_id, state);
-- At most one canonical verified map per song.
CREATE UNIQUE INDEX maps_one_canonical_per_song ON maps (song_id) WHERE is_canonical;

CREATE TABLE map_versions (
  id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  map_id            uuid NOT NULL REFERENCES maps (id) ON DELETE RESTRICT ON UPDATE CASCADE,
  number            integer NOT NULL CHECK (number >= 1),
  source            version_source NOT NULL,
  author_id         uuid REFERENCES users (id) ON DELETE RESTRICT ON UPDATE CASCADE,
  parent_version_id uuid REFERENCES map_versions (id) ON DELETE RESTRICT ON UPDATE CASCADE,
  content_hash      text NOT NULL CHECK (content_hash ~ '^[0-9a-f]{64}$'),
  content           jsonb,
  storage_key       text,
  diff_summary      jsonb,
  generation        jsonb,
  created_at        timestamptz(3) NOT NULL DEFAULT now(),
  CONSTRAINT map_versions_content_xor_storage CHECK ((content IS NULL) <> (storage_key IS NULL))
);
CREATE UNIQUE INDEX map_versions_map_id_number_key ON map_versions (map_id, number);
CREATE INDEX map_versions_content_hash_idx ON map_versions (content_hash);
-- Published versions are immutable.
CREATE TRIGGER map_versions_immutable BEFORE UPDATE OR DELETE ON map_versions
  FOR EACH ROW EXECUTE FUNCTION beatsight_forbid_change('immutable');
CREATE TRIGGER map_versions_no_truncate BEFORE TRUNCATE ON map_versions
  FOR EACH STATEMENT EXECUTE FUNCTION beatsight_forbid_change('immutable');

CREATE TABLE map_edit_proposals (
  id                 uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  map_id             uuid NOT NULL REFERENCES maps (id) ON DELETE RESTRICT ON UPDATE CASCADE,
  base_version_id    uuid NOT NULL REFERENCES map_versions (id) ON DELETE RESTRICT ON UPDATE CASCADE,
  result_version_id  uuid REFERENCES map_versions (id) ON DELETE RESTRICT ON UPDATE CASCADE,
  author_id          uuid NOT NULL REFERENCES users (id) ON DELETE RESTRICT ON UPDATE CASCADE,
  diff               jsonb NOT NULL,
  message            text NOT NULL DEFAULT '',
  status             proposal_status NOT NULL DEFAULT 'pending',
  client_mutation_id text,
  created_at         timestamptz(3) NOT NULL DEFAULT now(),
  updated_at         timestamptz(3) NOT NULL DEFAULT now(),
  CONSTRAINT map_edit_proposals_result_iff_approved CHECK ((status = 'approved') = (result_version_id IS NOT NULL))
);
CREATE UNIQUE INDEX map_edit_proposals_result_version_id_key ON map_edit_proposals (result_version_id);
CREATE UNIQUE INDEX map_edit_proposals_client_mutation_id_key ON map_edit_proposals (client_mutation_id);
CREATE INDEX map_edit_proposals_status_created_at_idx ON map_edit_proposals (status, created_at);
CREATE INDEX map_edit_proposals_map_id_idx ON map_edit_proposals (map_id);

CREATE TABLE votes (
  id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id        uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE ON UPDATE CASCADE,
  map_version_id uuid NOT NULL REFERENCES map_versions (id) ON DELETE RESTRICT ON UPDATE CASCADE,
  value          integer NOT NULL CHECK (value IN (-1, 1)),
  created_at     timestamptz(3) NOT NULL DEFAULT now()
);
-- One vote per user per version.
CREATE UNIQUE INDEX votes_user_id_map_version_id_key ON votes (user_id, map_version_id);

CREATE TABLE map_ratings (
  user_id    uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE ON UPDATE CASCADE,
  map_id     uuid NOT NULL REFERENCES maps (id) ON DELETE RESTRICT ON UPDATE CASCADE,
  stars      integer NOT NULL CHECK (stars BETWEEN 1 AND 5),
  created_at timestamptz(3) NOT NULL DEFAULT now(),
  PRIMARY KEY (user_id, map_id)
);

CREATE TABLE map_comments (
  id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  map_version_id uuid NOT NULL REFERENCES map_versions (id) ON DELETE RESTRICT ON UPDATE CASCADE,
  author_id      uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE ON UPDATE CASCADE,
  time_ms        integer NOT NULL CHECK (time_ms >= 0),
  body           text NOT NULL CHECK (length(body) BETWEEN 1 AND 2000),
  created_at     timestamptz(3) NOT NULL DEFAULT now()
);
CREATE INDEX map_comments_map_version_id_time_ms_idx ON map_comments (map_version_id, time_ms);

CREATE TABLE verification_decisions (
  id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  verifier_id    uuid NOT NULL REFERENCES users (id) ON DELETE RESTRICT ON UPDATE CASCADE,
  proposal_id    uuid REFERENCES map_edit_proposals (id) ON DELETE RESTRICT ON UPDATE CASCADE,
  map_version_id uuid REFERENCES map_versions (id) ON DELETE RESTRICT ON UPDATE CASCADE,
  decision       decision_kind NOT NULL,
  reason         text NOT NULL DEFAULT '',
  created_at     timestamptz(3) NOT NULL DEFAULT now(),
  CONSTRAINT verification_decisions_has_subject CHECK (proposal_id IS NOT NULL OR map_version_id IS NOT NULL),
  CONSTRAINT verification_decisions_reason_unless_approved CHECK (decision = 'approve' OR length(reason) > 0)
);
CREATE INDEX verification_decisions_proposal_id_idx ON verification_decisions (proposal_id);
CREATE INDEX verification_decisions_map_version_id_idx ON verification_decisions (map_version_id);

-- ───────────── server jobs and cost ─────────────
CREATE TABLE ai_jobs (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  dedup_key       text NOT NULL,
  song_id         uuid REFERENCES songs (id) ON DELETE SET NULL ON UPDATE CASCADE,
  requested_by_id uuid REFERENCES users (id) ON DELETE SET NULL ON UPDATE CASCADE,
  result_map_id   uuid REFERENCES maps (id) ON DELETE SET NULL ON UPDATE CASCADE,
  queue_job_id    text,
  state           job_state NOT NULL DEFAULT 'queued',
  priority        integer NOT NULL DEFAULT 0,
  attempts        integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  stage           text,
  progress        double precision NOT NULL DEFAULT 0 CHECK (progress BETWEEN 0 AND 1),
  error           text,
  upload_key      text,
  audio_seconds   double precision,
  backend         text,
  stage_seconds   jsonb,
  cost_usd        numeric(12, 6),
  created_at      timestamptz(3) NOT NULL DEFAULT now(),
  started_at      timestamptz(3),
  finished_at     timestamptz(3)
);
CREATE INDEX ai_jobs_state_priority_created_at_idx ON ai_jobs (state, priority, created_at);
CREATE INDEX ai_jobs_dedup_key_idx ON ai_jobs (dedup_key);
-- At most one live job per song fingerprint: a second request joins the first.
CREATE UNIQUE INDEX ai_jobs_one_live_per_key ON ai_jobs (dedup_key) WHERE state IN ('queued', 'processing');

CREATE TABLE ai_job_subscribers (
  job_id     uuid NOT NULL REFERENCES ai_jobs (id) ON DELETE CASCADE ON UPDATE CASCADE,
  user_id    uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE ON UPDATE CASCADE,
  created_at timestamptz(3) NOT NULL DEFAULT now(),
  PRIMARY KEY (job_id, user_id)
);

CREATE TABLE cost_records (
  id         bigserial PRIMARY KEY,
  kind       cost_kind NOT NULL,
  job_id     uuid REFERENCES ai_jobs (id) ON DELETE SET NULL ON UPDATE CASCADE,
  quantity   double precision NOT NULL CHECK (quantity >= 0),
  unit       text NOT NULL,
  amount_usd numeric(12, 6) NOT NULL CHECK (amount_usd >= 0),
  created_at timestamptz(3) NOT NULL DEFAULT now()
);
CREATE INDEX cost_records_kind_created_at_idx ON cost_records (kind, created_at);

-- ───────────── notifications ─────────────
CREATE TABLE notifications (
  id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id    uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE ON UPDATE CASCADE,
  kind       text NOT NULL,
  payload    jsonb NOT NULL,
  read_at    timestamptz(3),
  created_at timestamptz(3) NOT NULL DEFAULT now()
);
CREATE INDEX notifications_user_id_read_at_idx ON notifications (user_id, read_at);

CREATE TABLE push_subscriptions (
  id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id    uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE ON UPDATE CASCADE,
  endpoint   text NOT NULL,
  p256dh     text NOT NULL,
  auth       text NOT NULL,
  created_at timestamptz(3) NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX push_subscriptions_endpoint_key ON push_subscriptions (endpoint);

-- ───────────── audit, practice, offline sync ─────────────
-- Append-only: every privileged action.
CREATE TABLE audit_log (
  id           bigserial PRIMARY KEY,
  actor_id     uuid REFERENCES users (id) ON DELETE RESTRICT ON UPDATE CASCADE,
  action       text NOT NULL,
  subject_type text NOT NULL,
  subject_id   text NOT NULL,
  details      jsonb,
  ip           text,
  created_at   timestamptz(3) NOT NULL DEFAULT now()
);
CREATE INDEX audit_log_subject_type_subject_id_idx ON audit_log (subject_type, subject_id);
CREATE INDEX audit_log_actor_id_created_at_idx ON audit_log (actor_id, created_at);
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION beatsight_forbid_change('append-only');
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION beatsight_forbid_change('append-only');

CREATE TABLE practice_results (
  id             uuid PRIMARY KEY,
  user_id        uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE ON UPDATE CASCADE,
  map_version_id uuid NOT NULL REFERENCES map_versions (id) ON DELETE RESTRICT ON UPDATE CASCADE,
  score          integer NOT NULL CHECK (score >= 0),
  accuracy       double precision NOT NULL CHECK (accuracy BETWEEN 0 AND 1),
  tempo          double precision NOT NULL DEFAULT 1 CHECK (tempo BETWEEN 0.25 AND 1.5),
  stats          jsonb NOT NULL,
  played_at      timestamptz(3) NOT NULL,
  created_at     timestamptz(3) NOT NULL DEFAULT now()
);
CREATE INDEX practice_results_user_id_played_at_idx ON practice_results (user_id, played_at);

CREATE TABLE client_mutations (
  id         text PRIMARY KEY CHECK (length(id) BETWEEN 8 AND 64),
  user_id    uuid REFERENCES users (id) ON DELETE CASCADE ON UPDATE CASCADE,
  kind       text NOT NULL,
  result     jsonb,
  created_at timestamptz(3) NOT NULL DEFAULT now()
);
