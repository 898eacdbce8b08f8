import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { hashToken, isWellFormedToken, newToken } from "./tokens.ts";

describe("tokens", () => {
  it("are 32 random bytes in base64url, different every time", () => {
    const tokens = new Set(Array.from({ length: 200 }, newToken));
    expect(tokens.size).toBe(200);
    for (const t of tokens) {
      expect(isWellFormedToken(t)).toBe(true);
      expect(Buffer.from(t, "base64url")).toHaveLength(32);
    }
  });

  it("are stored as their sha256, never as themselves", () => {
    const t = newToken();
    expect(hashToken(t)).toBe(createHash("sha256").update(t).digest("hex"));
    expect(hashToken(t)).not.toContain(t);
    expect(hashToken(t)).not.toBe(hashToken(newToken()));
  });

  it("rejects anything newToken could not have made", () => {
    for (const bad of [
      "",
      "abc",
      `${newToken()}x`,
      `${newToken().slice(0, 42)}=`,
      "A".repeat(42),
      "💥".repeat(43),
    ]) {
      expect(isWellFormedToken(bad)).toBe(false);
    }
  });
});
