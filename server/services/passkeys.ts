// Passkeys (WebAuthn) through SimpleWebAuthn: a signed-in user adds one; anyone signs in with one
// (discoverable credentials: the authenticator says whose it is, no email typed); list and remove.
//
// Each ceremony is two requests: options (with a fresh challenge, kept in webauthn_challenges) and
// the authenticator's answer, which must sign that challenge. A challenge is used once, within
// CHALLENGE_TTL_MS, for its purpose, and for registration by the user it was issued to.
import {
  type AuthenticationResponseJSON,
  generateAuthenticationOptions,
  generateRegistrationOptions,
  type PublicKeyCredentialCreationOptionsJSON,
  type PublicKeyCredentialRequestOptionsJSON,
  type RegistrationResponseJSON,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
} from "@simplewebauthn/server";
import { z } from "zod";
import { recordSecurityEvent } from "../auth/security-events.ts";
import { type ClientInfo, createSession, type NewSession } from "../auth/sessions.ts";
import type { Db } from "../db/client.ts";
import { AccountError } from "./accounts.ts";

export const RP_NAME = "BeatSight";
export const CHALLENGE_TTL_MS = 5 * 60_000;
const CEREMONY_TIMEOUT_MS = 2 * 60_000;

const base64url = z.string().regex(/^[A-Za-z0-9_-]*$/, "must be base64url");
const TRANSPORTS = new Set(["ble", "cable", "hybrid", "internal", "nfc", "smart-card", "usb"]);

/** What a browser's @simplewebauthn/browser startRegistration() returns, bounded in size. */
export const RegistrationResponseSchema = z.object({
  id: base64url.min(16).max(1024),
  rawId: base64url.min(16).max(1024),
  type: z.literal("public-key"),
  response: z.object({
    clientDataJSON: base64url.max(4096),
    attestationObject: base64url.max(16_384),
    authenticatorData: base64url.max(16_384).optional(),
    // Browsers may name transports newer than this server knows; unknown ones are dropped.
    transports: z.array(z.string().max(32)).max(8).optional(),
    publicKeyAlgorithm: z.number().int().optional(),
    publicKey: base64url.max(4096).optional(),
  }),
  authenticatorAttachment: z.enum(["platform", "cross-platform"]).optional(),
  // clientExtensionResults is ignored: no extensions are requested.
});

/** What startAuthentication() returns. */
export const AuthenticationResponseSchema = z.object({
  id: base64url.min(16).max(1024),
  rawId: base64url.min(16).max(1024),
  type: z.literal("public-key"),
  response: z.object({
    clientDataJSON: base64url.max(4096),
    authenticatorData: base64url.max(4096),
    signature: base64url.max(1024),
    userHandle: base64url.max(512).optional(),
  }),
  authenticatorAttachment: z.enum(["platform", "cross-platform"]).optional(),
  // clientExtensionResults is ignored: no extensions are requested.
});

export type RegistrationInput = z.infer<typeof RegistrationResponseSchema>;
export type AuthenticationInput = z.infer<typeof AuthenticationResponseSchema>;

function asRegistrationResponse(input: RegistrationInput): RegistrationResponseJSON {
  const transports = input.response.transports?.filter((t) => TRANSPORTS.has(t));
  return {
    ...input,
    response: {
      ...input.response,
      transports: transports as RegistrationResponseJSON["response"]["transports"],
    },
    clientExtensionResults: {},
  };
}

/** The relying party: the app's origin and its host name (the RP ID passkeys are bound to). */
export interface RelyingParty {
  origin: string;
  rpID: string;
}

export function relyingParty(origin: string): RelyingParty {
  return { origin, rpID: new URL(origin).hostname };
}

/** The WebAuthn user handle: the account's uuid as 16 bytes (stable, and no personal data). */
function userHandle(userId: string): Uint8Array<ArrayBuffer> {
  return new Uint8Array(Buffer.from(userId.replaceAll("-", ""), "hex"));
}

function userIdFromHandle(handle: string): string {
  const hex = Buffer.from(handle, "base64url").toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

async function storeChallenge(
  db: Db,
  challenge: string,
  purpose: "register" | "authenticate",
  userId: string | null,
): Promise<void> {
  const now = new Date();
  // Expired challenges are dead weight; clearing them here keeps the table small without a job.
  await db.webauthnChallenge.deleteMany({ where: { expiresAt: { lte: now } } });
  await db.webauthnChallenge.create({
    data: { challenge, purpose, userId, expiresAt: new Date(now.getTime() + CHALLENGE_TTL_MS) },
  });
}

/** Uses up a challenge; true only the first time, before it expires, for this purpose and user. */
async function consumeChallenge(
  db: Db,
  challenge: string,
  purpose: "register" | "authenticate",
  userId: string | null,
): Promise<boolean> {
  const { count } = await db.webauthnChallenge.deleteMany({
    where: { challenge, purpose, userId, expiresAt: { gt: new Date() } },
  });
  return count === 1;
}

function ceremonyFailed(what: string, err: unknown): AccountError {
  const reason = err instanceof Error ? err.message : String(err);
  return new AccountError("BAD_REQUEST", `${what} did not work (${reason}). Please try again.`);
}

// ── adding a passkey ──

export async function registrationOptions(
  db: Db,
  user: { id: string; email: string; displayName: string },
  rp: RelyingParty,
): Promise<PublicKeyCredentialCreationOptionsJSON> {
  const existing = await db.passkey.findMany({
    where: { userId: user.id },
    select: { credentialId: true, transports: true },
  });
  const options = await generateRegistrationOptions({
    rpName: RP_NAME,
    rpID: rp.rpID,
    userName: user.email,
    userID: userHandle(user.id),
    userDisplayName: user.displayName,
    timeout: CEREMONY_TIMEOUT_MS,
    attestationType: "none",
    // Signing in without typing an email needs a discoverable (resident) credential.
    authenticatorSelection: { residentKey: "required", userVerification: "preferred" },
    excludeCredentials: existing.map((p) => ({ id: p.credentialId, transports: p.transports })),
  });
  await storeChallenge(db, options.challenge, "register", user.id);
  return options;
}

export async function finishRegistration(
  db: Db,
  userId: string,
  input: RegistrationInput,
  name: string | null,
  rp: RelyingParty,
  ip: string,
): Promise<{ id: string; name: string | null }> {
  const response = asRegistrationResponse(input);
  let verification: Awaited<ReturnType<typeof verifyRegistrationResponse>>;
  try {
    verification = await verifyRegistrationResponse({
      response,
      expectedChallenge: (challenge) => consumeChallenge(db, challenge, "register", userId),
      expectedOrigin: rp.origin,
      expectedRPID: rp.rpID,
      requireUserVerification: false,
    });
  } catch (err) {
    throw ceremonyFailed("Adding the passkey", err);
  }
  if (!verification.verified || !verification.registrationInfo) {
    throw new AccountError("BAD_REQUEST", "The passkey could not be verified. Please try again.");
  }
  const { credential } = verification.registrationInfo;
  const taken = await db.passkey.findUnique({ where: { credentialId: credential.id }, select: { id: true } });
  if (taken) throw new AccountError("BAD_REQUEST", "This passkey is already registered.");
  const row = await db.passkey.create({
    data: {
      userId,
      credentialId: credential.id,
      publicKey: Buffer.from(credential.publicKey),
      counter: BigInt(credential.counter),
      transports: credential.transports ?? response.response.transports ?? [],
      name,
    },
    select: { id: true, name: true },
  });
  await recordSecurityEvent(db, {
    action: "passkey.add",
    userId,
    ip,
    details: { passkeyId: row.id, name: row.name },
  });
  return row;
}

// ── signing in with a passkey ──

/** A challenge to sign in with (its rate limit is the procedure's: "auth.passkeyAuthenticationOptions"). */
export async function authenticationOptions(
  db: Db,
  rp: RelyingParty,
): Promise<PublicKeyCredentialRequestOptionsJSON> {
  const options = await generateAuthenticationOptions({
    rpID: rp.rpID,
    // Empty: the browser offers whichever passkeys it holds for this site.
    allowCredentials: [],
    userVerification: "preferred",
    timeout: CEREMONY_TIMEOUT_MS,
  });
  await storeChallenge(db, options.challenge, "authenticate", null);
  return options;
}

/**
 * Checks a signed challenge (from authenticationOptions) and counts the passkey's use; returns
 * whose passkey signed it. Signing in (below) and confirming a risky action
 * (./reauthentication.ts) both start here.
 */
export async function verifyPasskeyAssertion(
  db: Db,
  input: AuthenticationInput,
  rp: RelyingParty,
  now = new Date(),
): Promise<{ userId: string }> {
  const response: AuthenticationResponseJSON = { ...input, clientExtensionResults: {} };
  const passkey = await db.passkey.findUnique({ where: { credentialId: response.id } });
  if (!passkey) {
    throw new AccountError(
      "UNAUTHORIZED",
      "This passkey is not registered here (it may have been removed). Sign in with your email and password.",
    );
  }
  if (response.response.userHandle && userIdFromHandle(response.response.userHandle) !== passkey.userId) {
    throw new AccountError("UNAUTHORIZED", "This passkey belongs to another account.");
  }
  let verification: Awaited<ReturnType<typeof verifyAuthenticationResponse>>;
  try {
    verification = await verifyAuthenticationResponse({
      response,
      expectedChallenge: (challenge) => consumeChallenge(db, challenge, "authenticate", null),
      expectedOrigin: rp.origin,
      expectedRPID: rp.rpID,
      credential: {
        id: passkey.credentialId,
        publicKey: new Uint8Array(passkey.publicKey),
        counter: Number(passkey.counter),
        transports: passkey.transports,
      },
      requireUserVerification: false,
    });
  } catch (err) {
    throw ceremonyFailed("Signing in with the passkey", err);
  }
  if (!verification.verified) throw new AccountError("UNAUTHORIZED", "The passkey could not be verified.");
  await db.passkey.update({
    where: { id: passkey.id },
    data: { counter: BigInt(verification.authenticationInfo.newCounter), lastUsedAt: now },
  });
  return { userId: passkey.userId };
}

export async function finishAuthentication(
  db: Db,
  input: AuthenticationInput,
  rp: RelyingParty,
  client: ClientInfo,
): Promise<{ userId: string; session: NewSession }> {
  const now = new Date();
  const { userId } = await verifyPasskeyAssertion(db, input, rp, now);
  // The owner is back: a password alone signs in again (services/sign-in.ts).
  await db.user.update({ where: { id: userId }, data: { failedLoginCount: 0, passwordStepUpUntil: null } });
  return { userId, session: await createSession(db, userId, client, now) };
}

// ── the account page ──

export function listPasskeys(db: Db, userId: string) {
  return db.passkey.findMany({
    where: { userId },
    select: { id: true, name: true, createdAt: true, lastUsedAt: true },
    orderBy: { createdAt: "asc" },
  });
}

export async function removePasskey(db: Db, userId: string, passkeyId: string, ip: string): Promise<void> {
  const { count } = await db.passkey.deleteMany({ where: { id: passkeyId, userId } });
  if (count === 0)
    throw new AccountError("BAD_REQUEST", "That passkey is not on your account (already removed?).");
  await recordSecurityEvent(db, { action: "passkey.remove", userId, ip, details: { passkeyId } });
}
