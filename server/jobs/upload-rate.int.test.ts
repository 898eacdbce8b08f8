// Refused uploads are counted in the shared rate-limit store, so every web process sees the same
// count; two Prisma clients stand in for two processes, and the hour ends by back-dating rows.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migratedDatabaseForFile } from "../../test/db.ts";
import { createDb, type Db } from "../db/client.ts";
import { recordRefusedUpload, refusalsPerHour, refusedUploadWait } from "./upload-rate.ts";

const database = migratedDatabaseForFile();
let other: Db;
beforeAll(() => {
  other = createDb(database().url, { maxConnections: 2 });
});
afterAll(() => other?.$disconnect());

describe("refused uploads", () => {
  it("lets a user through until refusalsPerHour refusals, then for the rest of the hour, in every process", async () => {
    const db = database().db;
    const user = randomUUID();
    const uploadsPerHour = 10;
    for (let i = 0; i < refusalsPerHour(uploadsPerHour); i++) {
      expect(await refusedUploadWait(i % 2 ? db : other, user, uploadsPerHour)).toBe(0);
      await recordRefusedUpload(i % 2 ? other : db, user, uploadsPerHour);
    }
    const wait = await refusedUploadWait(other, user, uploadsPerHour);
    expect(wait).toBeGreaterThan(3600 - 60);
    expect(wait).toBeLessThanOrEqual(3600);
    expect(await refusedUploadWait(db, randomUUID(), uploadsPerHour)).toBe(0);
    // A larger hourly allowance allows more refusals.
    expect(await refusedUploadWait(db, user, 11)).toBe(0);
    await db.$executeRaw`UPDATE rate_limits SET expires_at = expires_at - interval '1 hour'`;
    expect(await refusedUploadWait(db, user, uploadsPerHour)).toBe(0);
  });

  it("allows far more refusals than accepted uploads", () => {
    expect(refusalsPerHour(2)).toBe(30);
    expect(refusalsPerHour(10)).toBe(30);
    expect(refusalsPerHour(20)).toBe(60);
  });
});
