-- Passkey ceremonies (server/services/passkeys.ts): the server issues a random challenge, the
-- authenticator signs it, and the server must accept each challenge once and only for a short
-- while. Keeping them here (not in process memory) lets any web process finish a ceremony another
-- one began, and survives a restart between the two requests.
CREATE TABLE webauthn_challenges (
  challenge  text PRIMARY KEY CHECK (length(challenge) BETWEEN 16 AND 128), -- base64url, as sent to the browser
  purpose    text NOT NULL CHECK (purpose IN ('register', 'authenticate')),
  -- The signed-in user adding a passkey; NULL for sign-in (discoverable credentials name the user).
  user_id    uuid REFERENCES users (id) ON DELETE CASCADE ON UPDATE CASCADE,
  expires_at timestamptz(3) NOT NULL,
  created_at timestamptz(3) NOT NULL DEFAULT now(),
  CHECK (purpose = 'authenticate' OR user_id IS NOT NULL)
);
CREATE INDEX webauthn_challenges_expires_at_idx ON webauthn_challenges (expires_at);
