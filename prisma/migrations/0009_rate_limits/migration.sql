-- Rate limits shared by every web process (server/services/rate-limit.ts; the policies are in
-- server/services/limit-policies.ts). One row per counted key: how many uses the key has had in
-- its current window, when it last used one (for limits whose waits grow with each use) and when
-- the window ends. A row whose window has ended means nothing and may be deleted at any time;
-- the limiter deletes such rows now and then, found through the expires_at index.
CREATE TABLE rate_limits (
  key text PRIMARY KEY,
  count integer NOT NULL,
  last_at timestamptz(3) NOT NULL,
  expires_at timestamptz(3) NOT NULL
);
CREATE INDEX rate_limits_expires_at_idx ON rate_limits (expires_at);
