// Mail without SMTP is kept in PostgreSQL (dev_mail), so the dev outbox shows what any process sent:
// kept through one client and listed through another (two web processes), newest first, with the
// whole RFC 5322 message; kept on a transaction only if it commits; header injection refused.
import { describe, expect, it } from "vitest";
import { migratedDatabaseForFile } from "../../test/db.ts";
import { createDb } from "../db/client.ts";
import { listOutbox } from "./outbox.ts";
import { createMailer } from "./send-mail.ts";

const database = migratedDatabaseForFile();
const mailer = createMailer({ from: "BeatSight <no-reply@beatsight.test>" });

describe("sendMail without SMTP", () => {
  it("keeps each message in dev_mail, listed newest first by another connection pool", async () => {
    const { db, url } = database();
    const first = await mailer.send(db, {
      to: "ringo@example.com",
      subject: "One",
      text: "First https://x.test/a",
    });
    const second = await mailer.send(db, {
      to: "paul@example.com",
      subject: "Two",
      text: "Second",
      html: "<p>Second</p>",
    });
    expect(first.via).toBe("outbox");

    // Another process's client (its own pool) sees both.
    const other = createDb(url, { maxConnections: 1 });
    try {
      const listed = await listOutbox(other);
      expect(listed.map((m) => m.subject)).toEqual(["Two", "One"]);
      expect(listed[0]).toMatchObject({
        id: second.id,
        to: "paul@example.com",
        from: "BeatSight <no-reply@beatsight.test>",
        html: "<p>Second</p>",
      });
      expect(listed[1]?.html).toBeUndefined();
      expect((await listOutbox(other, { to: "ringo@example.com" })).map((m) => m.id)).toEqual([first.id]);
    } finally {
      await other.$disconnect();
    }
    const raw = (await db.devMail.findUniqueOrThrow({ where: { id: first.id } })).raw;
    expect(raw).toContain("To: ringo@example.com");
    expect(raw).toContain("Subject: One");
    expect(raw).toContain("From: BeatSight <no-reply@beatsight.test>");
  });

  it("keeps mail sent on a transaction only when it commits", async () => {
    const { db } = database();
    const to = "rolled-back@example.com";
    await expect(
      db.$transaction(async (tx) => {
        await mailer.send(tx, { to, subject: "Never", text: "This transaction fails." });
        throw new Error("injected failure");
      }),
    ).rejects.toThrow("injected failure");
    expect(await listOutbox(db, { to })).toEqual([]);
  });

  it("refuses a subject that would add mail headers, and a bad address", async () => {
    const { db } = database();
    await expect(
      mailer.send(db, { to: "a@example.com", subject: "Hi\r\nBcc: all@example.com", text: "x" }),
    ).rejects.toThrow(/single line/);
    await expect(mailer.send(db, { to: "not an address", subject: "Hi", text: "x" })).rejects.toThrow();
    expect(await listOutbox(db, { to: "a@example.com" })).toEqual([]);
  });
});
