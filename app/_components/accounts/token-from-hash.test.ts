import { describe, expect, it } from "vitest";
import { safeNextPath, tokenFromHash } from "./token-from-hash.ts";

describe("account link helpers", () => {
  it("reads the token from the fragment", () => {
    expect(tokenFromHash("#token=abc_-1")).toBe("abc_-1");
    expect(tokenFromHash("")).toBeNull();
  });

  it("only follows ?next= to paths on this site", () => {
    expect(safeNextPath("/play/123")).toBe("/play/123");
    expect(safeNextPath("//evil.example")).toBe("/me");
    expect(safeNextPath("https://evil.example")).toBe("/me");
    expect(safeNextPath("/\\evil.example")).toBe("/me");
    expect(safeNextPath(null)).toBe("/me");
  });
});
