-- Sign-in without account lockouts (server/services/sign-in.ts): wrong passwords no longer lock an
-- account; after enough of them a password alone is not enough until this time, and the person
-- signs in with a one-time link sent by email (a new email token kind) or a passkey.
ALTER TABLE users RENAME COLUMN locked_until TO password_step_up_until;
ALTER TYPE email_token_kind ADD VALUE 'sign_in';
