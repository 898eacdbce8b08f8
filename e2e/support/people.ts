// People for e2e tests: an account with a confirmed email, some karma, and a session cookie value,
// made directly in the e2e server's database (signing up through the UI is e2e/accounts.spec.ts's job).
import { createHash, randomBytes } from "node:crypto";
import { queryServerDb } from "./server-db.ts";

export interface E2ePerson {
  id: string;
  /** The `bs_session` cookie value. */
  token: string;
}

export async function signedInPerson(name: string, karma = 0): Promise<E2ePerson> {
  const [user] = await queryServerDb<{ id: string }>(
    "INSERT INTO users (email, display_name, email_verified_at) VALUES ($1, $2, now()) RETURNING id",
    [`${name.toLowerCase()}-${randomBytes(4).toString("hex")}@example.test`, name],
  );
  const id = user?.id as string;
  if (karma) {
    await queryServerDb("INSERT INTO karma_ledger (user_id, delta, reason) VALUES ($1, $2, 'adjustment')", [
      id,
      karma,
    ]);
  }
  const token = randomBytes(32).toString("base64url");
  await queryServerDb(
    "INSERT INTO sessions (user_id, token_hash, expires_at) VALUES ($1, $2, now() + interval '1 day')",
    [id, createHash("sha256").update(token).digest("hex")],
  );
  return { id, token };
}
