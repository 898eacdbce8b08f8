// Secrets handed to a browser or an inbox (session cookies, email links): 32 random bytes in
// base64url. Only their sha256 is stored, so a copy of the database cannot be replayed.
import { randomBytes } from "node:crypto";
import { hashSessionToken } from "./session.ts";

/** 43 base64url characters: what newToken() makes, and all the server will look up. */
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;

export function newToken(): string {
  return randomBytes(32).toString("base64url");
}

/** sha256 hex of a token, the form kept in sessions.token_hash and email_tokens.token_hash. */
export const hashToken = hashSessionToken;

/** False for anything newToken() could not have made, so junk never reaches the database. */
export function isWellFormedToken(value: string): boolean {
  return TOKEN_SHAPE.test(value);
}
