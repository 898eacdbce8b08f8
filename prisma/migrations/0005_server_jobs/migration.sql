-- Server generation jobs (issue #10): what a worker needs to run a job without the client, to
-- recover it when a worker dies, and to delete its audio on time; who asked for what (quotas,
-- dedup share); settings the server makes for itself on first start (VAPID keys, alert state).

-- The compressed fingerprint the job's chart is submitted under (maps.submitGenerated needs it).
ALTER TABLE ai_jobs ADD COLUMN fingerprint text;
-- Seconds since the worker last said it is alive; a processing job without a recent heartbeat
-- belonged to a worker that died and is handed back to the queue.
ALTER TABLE ai_jobs ADD COLUMN heartbeat_at timestamptz(3);
ALTER TABLE ai_jobs ADD COLUMN worker_id text;
ALTER TABLE ai_jobs ADD COLUMN upload_bytes bigint CHECK (upload_bytes >= 0);
-- The uploaded file's name, for the chart's title and Audio.Filename (the stored key is random).
ALTER TABLE ai_jobs ADD COLUMN upload_name text;
-- When the retention job deleted the uploaded audio (null: not yet, or there was none).
ALTER TABLE ai_jobs ADD COLUMN upload_deleted_at timestamptz(3);
CREATE INDEX ai_jobs_upload_pending_idx ON ai_jobs (finished_at) WHERE upload_key IS NOT NULL AND upload_deleted_at IS NULL;

-- Each subscriber is told once, even when a job's completion runs twice (at-least-once delivery).
ALTER TABLE ai_job_subscribers ADD COLUMN notified_at timestamptz(3);

CREATE TYPE job_request_outcome AS ENUM ('new_job', 'joined', 'existing_map');

-- Every request for server generation and how it was answered: quotas count new jobs per user and
-- month, /ops counts how many requests dedup answered without spending anything.
CREATE TABLE job_requests (
  id         bigserial PRIMARY KEY,
  user_id    uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE ON UPDATE CASCADE,
  song_id    uuid REFERENCES songs (id) ON DELETE SET NULL ON UPDATE CASCADE,
  job_id     uuid REFERENCES ai_jobs (id) ON DELETE SET NULL ON UPDATE CASCADE,
  outcome    job_request_outcome NOT NULL,
  created_at timestamptz(3) NOT NULL DEFAULT now()
);
CREATE INDEX job_requests_user_id_created_at_idx ON job_requests (user_id, created_at);
CREATE INDEX job_requests_created_at_idx ON job_requests (created_at);

-- Small values the server creates for itself and every process must share (VAPID keys, the month a
-- budget alert was last sent).
CREATE TABLE server_settings (
  key        text PRIMARY KEY,
  value      jsonb NOT NULL,
  updated_at timestamptz(3) NOT NULL DEFAULT now()
);
