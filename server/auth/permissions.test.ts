import { describe, expect, it } from "vitest";
import { ACTION_ROLE, type Actor, can, effectiveRoles } from "./permissions.ts";

const actor = (over: Partial<Actor> = {}): Actor => ({
  userId: "u",
  emailVerified: true,
  karma: 0,
  appointed: new Set(),
  ...over,
});

describe("effectiveRoles", () => {
  it("gives nothing without a verified email, whatever the karma or appointment", () => {
    expect(
      effectiveRoles(actor({ emailVerified: false, karma: 5000, appointed: new Set(["admin"]) })).size,
    ).toBe(0);
  });
  it("earns verifier at 500 and curator at 2000 karma", () => {
    expect([...effectiveRoles(actor({ karma: 499 }))]).toEqual(["fixer"]);
    expect(effectiveRoles(actor({ karma: 500 })).has("verifier")).toBe(true);
    expect(effectiveRoles(actor({ karma: 1999 })).has("curator")).toBe(false);
    expect(effectiveRoles(actor({ karma: 2000 })).has("curator")).toBe(true);
  });
  it("appointment grants curator and admin, and higher roles include lower ones", () => {
    const admin = effectiveRoles(actor({ appointed: new Set(["admin"]) }));
    expect([...admin].sort()).toEqual(["admin", "curator", "fixer", "verifier"]);
    expect(effectiveRoles(actor({ appointed: new Set(["curator"]) })).has("admin")).toBe(false);
  });
});

describe("can", () => {
  it("refuses everyone signed out", () => {
    for (const action of Object.keys(ACTION_ROLE) as (keyof typeof ACTION_ROLE)[]) {
      expect(can(null, action)).toBe(false);
    }
  });
  it("lets a fixer propose but not decide", () => {
    expect(can(actor(), "map.propose_edit")).toBe(true);
    expect(can(actor(), "verify.decide")).toBe(false);
    expect(can(actor({ karma: 600 }), "verify.decide")).toBe(true);
  });
});
