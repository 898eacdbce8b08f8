-- Notification deliveries as an outbox (server/notifications/deliveries.ts). The in-app row in
-- notifications is the record; each email or Web Push that row should cause is a row here, written
-- in the same transaction as the notification, and sent later by a drainer that runs in every web
-- process and worker (whether or not server generation is on). A send that fails is tried again
-- after a doubling wait; after the last attempt the row is 'dead' and shown on /ops.
--
-- Claiming: a drainer takes due rows with FOR UPDATE SKIP LOCKED and moves next_attempt_at past the
-- send (a lease), so two drainers never hold the same row and a drainer that died mid-send is
-- replaced once the lease ends.
CREATE TABLE notification_deliveries (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  notification_id uuid NOT NULL REFERENCES notifications(id) ON DELETE CASCADE,
  channel text NOT NULL CHECK (channel IN ('email', 'push')),
  user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  -- The browser a push goes to (one row per subscription, so a retry re-sends to that one only).
  push_subscription_id uuid REFERENCES push_subscriptions(id) ON DELETE CASCADE,
  payload jsonb NOT NULL,
  -- skipped: nothing to send any more (the address is no longer confirmed); last_error says why.
  state text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sent', 'dead', 'skipped')),
  attempts integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz(3) NOT NULL DEFAULT now(),
  last_error text,
  created_at timestamptz(3) NOT NULL DEFAULT now(),
  sent_at timestamptz(3),
  CHECK ((channel = 'push') = (push_subscription_id IS NOT NULL)),
  CHECK ((state = 'sent') = (sent_at IS NOT NULL))
);
-- What the drainers poll: only pending rows are indexed, so the index stays small.
CREATE INDEX notification_deliveries_due_idx ON notification_deliveries (next_attempt_at)
  WHERE state = 'pending';
-- /ops lists the dead ones; pruning finds old sent ones.
CREATE INDEX notification_deliveries_state_created_idx ON notification_deliveries (state, created_at);
CREATE INDEX notification_deliveries_notification_idx ON notification_deliveries (notification_id);

-- Mail "sent" without an SMTP server (SMTP_URL unset): kept here, not on one process's disk, so
-- /dev/outbox shows it whichever web process serves the page and whichever process sent it.
CREATE TABLE dev_mail (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  from_address text NOT NULL,
  to_address text NOT NULL,
  subject text NOT NULL,
  text_body text NOT NULL,
  html_body text,
  -- The whole message as it would have gone out (RFC 5322), for a mail client or a parser.
  raw text NOT NULL,
  -- Microseconds and the clock at the insert (not the transaction's start): the page lists newest
  -- first, and two messages sent in one transaction or one millisecond keep their order.
  sent_at timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX dev_mail_sent_at_idx ON dev_mail (sent_at);
