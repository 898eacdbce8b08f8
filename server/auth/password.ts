// Password hashing with argon2id at OWASP's recommended minimum (19 MiB, 2 passes, 1 lane:
// https://cheatsheetseries.owasp.org/cheatsheets/Password_Storage_Cheat_Sheet.html), about 15 ms
// a hash here. Hashes made with other parameters are upgraded at the next successful sign-in.
import { hash, type Options, parseOptions, verify } from "@node-rs/argon2";

export const PASSWORD_LENGTH = { min: 10, max: 256 } as const;

export const ARGON2_OPTIONS = {
  // Algorithm.Argon2id; the package's enum is a `const enum`, which isolatedModules cannot read.
  algorithm: 2 as NonNullable<Options["algorithm"]>,
  memoryCost: 19_456,
  timeCost: 2,
  parallelism: 1,
} satisfies Options;

export function hashPassword(password: string): Promise<string> {
  return hash(password, ARGON2_OPTIONS);
}

// A hash of nothing in particular: checking a password against it costs the same as a real check,
// so "no such account" answers as slowly as "wrong password" and timing tells nothing.
let dummyHash: Promise<string> | undefined;

/** True when `password` matches `stored`; with no stored hash, spends the same time and says no. */
export async function verifyPassword(stored: string | null, password: string): Promise<boolean> {
  if (!stored) {
    dummyHash ??= hashPassword("no account has this password");
    await verify(await dummyHash, password).catch(() => false);
    return false;
  }
  try {
    return await verify(stored, password);
  } catch {
    // A malformed stored hash is a broken row, not a match.
    return false;
  }
}

/** True when `stored` was made with weaker or different parameters than ARGON2_OPTIONS. */
export function needsRehash(stored: string): boolean {
  try {
    const o = parseOptions(stored);
    return (
      o.algorithm !== ARGON2_OPTIONS.algorithm ||
      o.memoryCost !== ARGON2_OPTIONS.memoryCost ||
      o.timeCost !== ARGON2_OPTIONS.timeCost ||
      o.parallelism !== ARGON2_OPTIONS.parallelism
    );
  } catch {
    return true;
  }
}

/** Why a new password is not acceptable, in a sentence, or null when it is. */
export function passwordProblem(
  password: string,
  person: { email: string; displayName?: string },
): string | null {
  if (password.length < PASSWORD_LENGTH.min) {
    return `Use at least ${PASSWORD_LENGTH.min} characters for your password.`;
  }
  if (password.length > PASSWORD_LENGTH.max) {
    return `Use at most ${PASSWORD_LENGTH.max} characters for your password.`;
  }
  const lower = password.toLowerCase();
  if (lower === person.email.toLowerCase() || lower === person.email.split("@")[0]?.toLowerCase()) {
    return "Your password must not be your email address.";
  }
  if (person.displayName && lower === person.displayName.toLowerCase()) {
    return "Your password must not be your name.";
  }
  if (new Set(password).size < 4) return "Your password repeats too few characters; choose a longer phrase.";
  return null;
}
