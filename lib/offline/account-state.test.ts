import "fake-indexeddb/auto";
import { afterEach, describe, expect, it } from "vitest";
import { BeatSightDb } from "../store/db.ts";
import { knownSignedOut, rememberAccount } from "./account-state.ts";

let db: BeatSightDb;
afterEach(async () => {
  await db?.delete();
});

describe("last known account", () => {
  it("is unknown until the server has answered, then follows sign-in and sign-out", async () => {
    db = new BeatSightDb(`test-${Math.random()}`);
    // Never asked (first visit offline): results are queued, the server decides later.
    expect(await knownSignedOut(db)).toBe(false);
    await rememberAccount(db, null);
    expect(await knownSignedOut(db)).toBe(true);
    await rememberAccount(db, "user-1");
    expect(await knownSignedOut(db)).toBe(false);
    await rememberAccount(db, null);
    expect(await knownSignedOut(db)).toBe(true);
  });
});
