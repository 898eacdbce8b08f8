-- Client mutation ids (the offline outbox's ids for changes) are the client's choice, so they
-- mean something only per user and per procedure: the same id from another user, or for another
-- procedure, is another change (server/services/client-mutations.ts). The key was the id alone,
-- so one person's id answered another person's change with the first one's result.
--
-- scope: the user's id, or for a signed-out caller 'anonymous:' || request_hash (nothing else
-- identifies them, so only an identical request is a resend).
-- request_hash: sha256 of the change's input; the same id with other input is a conflict (409).
ALTER TABLE client_mutations ADD COLUMN scope text;
ALTER TABLE client_mutations ADD COLUMN request_hash text;
-- Signed-out rows were recorded without their request, so no resend can be bound to them; a map
-- is still stored once per content and song, which recognises such a resend.
DELETE FROM client_mutations WHERE user_id IS NULL;
UPDATE client_mutations SET scope = user_id::text;
ALTER TABLE client_mutations ALTER COLUMN scope SET NOT NULL;
ALTER TABLE client_mutations DROP CONSTRAINT client_mutations_pkey;
ALTER TABLE client_mutations ADD CONSTRAINT client_mutations_pkey PRIMARY KEY (scope, kind, id);
ALTER TABLE client_mutations ADD CONSTRAINT client_mutations_scope_check
  CHECK (scope = user_id::text OR (user_id IS NULL AND scope LIKE 'anonymous:%'));

-- Proposals kept their client id with a global unique index: now unique per author, and recorded
-- in client_mutations like every other change (their answer is rebuilt from the proposal).
DROP INDEX map_edit_proposals_client_mutation_id_key;
CREATE UNIQUE INDEX map_edit_proposals_author_id_client_mutation_id_key
  ON map_edit_proposals (author_id, client_mutation_id);
INSERT INTO client_mutations (scope, user_id, kind, id, result)
SELECT author_id::text, author_id, 'proposals.create', client_mutation_id, jsonb_build_object('proposalId', id)
  FROM map_edit_proposals
 WHERE client_mutation_id IS NOT NULL AND length(client_mutation_id) BETWEEN 8 AND 64
ON CONFLICT DO NOTHING;
