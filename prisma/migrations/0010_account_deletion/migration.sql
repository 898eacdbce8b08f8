-- Deleting an account (server/services/account-data.ts). The users row stays as a tombstone so the
-- maps, versions, votes, decisions and the append-only karma ledger and audit log that point at it
-- keep their foreign keys; everything that said who the person was is removed.

ALTER TABLE users ADD COLUMN deleted_at timestamptz(3);

-- A tombstone has no password and a placeholder address no sign-in form accepts (no domain), so its
-- own address is free for a new account and nothing can sign in to it.
ALTER TABLE users ADD CONSTRAINT users_deleted_is_tombstone CHECK (
  deleted_at IS NULL OR (password_hash IS NULL AND email = 'deleted-' || id::text || '@')
);

-- No new way in for a deleted account, whatever code runs: no session, passkey, emailed link,
-- passkey challenge or push subscription. FOR SHARE waits for a deletion in progress and then reads
-- its result, so a sign-in racing the deletion cannot leave a session behind it.
CREATE FUNCTION beatsight_refuse_deleted_user() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  gone timestamptz;
BEGIN
  IF NEW.user_id IS NULL THEN
    RETURN NEW;
  END IF;
  SELECT deleted_at INTO gone FROM users WHERE id = NEW.user_id FOR SHARE;
  IF gone IS NOT NULL THEN
    RAISE EXCEPTION 'account % was deleted: % cannot be added for it', NEW.user_id, TG_TABLE_NAME
      USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  RETURN NEW;
END;
$$;

CREATE TRIGGER sessions_live_user BEFORE INSERT OR UPDATE OF user_id ON sessions
  FOR EACH ROW EXECUTE FUNCTION beatsight_refuse_deleted_user();
CREATE TRIGGER passkeys_live_user BEFORE INSERT OR UPDATE OF user_id ON passkeys
  FOR EACH ROW EXECUTE FUNCTION beatsight_refuse_deleted_user();
CREATE TRIGGER email_tokens_live_user BEFORE INSERT OR UPDATE OF user_id ON email_tokens
  FOR EACH ROW EXECUTE FUNCTION beatsight_refuse_deleted_user();
CREATE TRIGGER webauthn_challenges_live_user BEFORE INSERT OR UPDATE OF user_id ON webauthn_challenges
  FOR EACH ROW EXECUTE FUNCTION beatsight_refuse_deleted_user();
CREATE TRIGGER push_subscriptions_live_user BEFORE INSERT OR UPDATE OF user_id ON push_subscriptions
  FOR EACH ROW EXECUTE FUNCTION beatsight_refuse_deleted_user();

-- The audit log stays append-only, with one exception: a row may forget. Its network address may
-- become NULL and its details may lose keys (the new details contained in the old), nothing else,
-- so deleting an account can erase the person's addresses and passkey names from the rows it keeps
-- while no entry can be rewritten, added to or removed.
CREATE FUNCTION beatsight_audit_log_forget_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE'
     AND NEW.id = OLD.id
     AND NEW.actor_id IS NOT DISTINCT FROM OLD.actor_id
     AND NEW.action = OLD.action
     AND NEW.subject_type = OLD.subject_type
     AND NEW.subject_id = OLD.subject_id
     AND NEW.created_at = OLD.created_at
     AND (NEW.ip IS NULL OR NEW.ip = OLD.ip)
     AND (NEW.details IS NULL OR (OLD.details IS NOT NULL AND OLD.details @> NEW.details))
  THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION 'audit_log is append-only: rows cannot be changed or removed (% attempted)', TG_OP
    USING ERRCODE = 'integrity_constraint_violation';
END;
$$;

DROP TRIGGER audit_log_append_only ON audit_log;
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION beatsight_audit_log_forget_only();
