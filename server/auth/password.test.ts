import { hash } from "@node-rs/argon2";
import { describe, expect, it } from "vitest";
import { hashPassword, needsRehash, passwordProblem, verifyPassword } from "./password.ts";

describe("password hashing", () => {
  it("hashes with argon2id at 19 MiB, 2 passes, 1 lane, salted", async () => {
    const a = await hashPassword("correct horse battery");
    const b = await hashPassword("correct horse battery");
    expect(a).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(a).not.toBe(b);
    expect(needsRehash(a)).toBe(false);
  });

  it("verifies the right password only, and never matches without a stored hash", async () => {
    const stored = await hashPassword("correct horse battery");
    expect(await verifyPassword(stored, "correct horse battery")).toBe(true);
    expect(await verifyPassword(stored, "correct horse batterY")).toBe(false);
    expect(await verifyPassword(null, "correct horse battery")).toBe(false);
    expect(await verifyPassword("not a hash", "anything")).toBe(false);
  });

  it("asks to rehash hashes made with weaker parameters", async () => {
    expect(needsRehash(await hash("pw", { memoryCost: 4096, timeCost: 1 }))).toBe(true);
    expect(needsRehash("garbage")).toBe(true);
  });
});

describe("password rules", () => {
  const person = { email: "ringo.starr@example.com", displayName: "Ringo Starr" };
  it("explains what is wrong", () => {
    expect(passwordProblem("short", person)).toBe("Use at least 10 characters for your password.");
    expect(passwordProblem("x".repeat(257), person)).toBe("Use at most 256 characters for your password.");
    expect(passwordProblem("Ringo.Starr@example.com", person)).toBe(
      "Your password must not be your email address.",
    );
    expect(passwordProblem("ringo.starr", person)).toBe("Your password must not be your email address.");
    expect(passwordProblem("ringo starr", person)).toBe("Your password must not be your name.");
    expect(passwordProblem("abababababab", person)).toMatch(/too few characters/);
  });

  it("accepts a long passphrase", () => {
    expect(passwordProblem("paradiddle flam drag ruff", person)).toBeNull();
  });
});
