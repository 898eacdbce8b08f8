import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { migratedDatabaseForFile } from "../../test/db.ts";
import { createTestUser } from "../../test/users.ts";
import { deleteEndedAccountRecords, ENDED_RECORDS_GRACE_MS } from "./housekeeping.ts";

const database = migratedDatabaseForFile();
const HOUR = 3600 * 1000;

describe("deleteEndedAccountRecords", () => {
  it("deletes sessions, emailed links and challenges a day after they ended, and nothing live", async () => {
    const { db } = database();
    const user = await createTestUser(db);
    const now = new Date();
    const ended = new Date(now.getTime() - ENDED_RECORDS_GRACE_MS - HOUR);
    const justEnded = new Date(now.getTime() - HOUR);
    const token = () => randomBytes(16).toString("hex");
    await db.session.createMany({
      data: [
        { userId: user.id, tokenHash: token(), expiresAt: ended },
        { userId: user.id, tokenHash: token(), expiresAt: justEnded },
      ],
    });
    await db.emailToken.createMany({
      data: [
        { userId: user.id, kind: "verify_email", tokenHash: token(), expiresAt: ended, usedAt: ended },
        { userId: user.id, kind: "sign_in", tokenHash: token(), expiresAt: ended },
        {
          userId: user.id,
          kind: "reset_password",
          tokenHash: token(),
          expiresAt: new Date(now.getTime() + HOUR),
        },
      ],
    });
    await db.webauthnChallenge.createMany({
      data: [
        { challenge: token(), purpose: "authenticate", expiresAt: ended },
        { challenge: token(), purpose: "authenticate", expiresAt: new Date(now.getTime() + HOUR) },
      ],
    });

    expect(await deleteEndedAccountRecords(db, now)).toEqual({ sessions: 1, emailTokens: 2, challenges: 1 });
    // The test user's own live session, the session inside its grace day, the live link and challenge stay.
    expect(await db.session.count({ where: { userId: user.id } })).toBe(2);
    expect(await db.emailToken.count({ where: { userId: user.id } })).toBe(1);
    expect(await db.webauthnChallenge.count()).toBe(1);
    expect(await deleteEndedAccountRecords(db, now)).toEqual({ sessions: 0, emailTokens: 0, challenges: 0 });
  });
});
