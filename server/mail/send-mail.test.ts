import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { listOutbox } from "./outbox.ts";
import { createMailer } from "./send-mail.ts";

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function outbox() {
  const dir = mkdtempSync(path.join(os.tmpdir(), "beatsight-outbox-"));
  dirs.push(dir);
  return { dir, mailer: createMailer({ from: "BeatSight <no-reply@beatsight.test>", outboxDir: dir }) };
}

describe("sendMail without SMTP", () => {
  it("writes an .eml and a .json to the outbox, listed newest first", async () => {
    const { dir, mailer } = outbox();
    const first = await mailer.send({
      to: "ringo@example.com",
      subject: "One",
      text: "First https://x.test/a",
    });
    const second = await mailer.send({
      to: "paul@example.com",
      subject: "Two",
      text: "Second",
      html: "<p>Second</p>",
    });
    expect(first.via).toBe("outbox");
    expect(readdirSync(dir).sort()).toEqual(
      [`${first.id}.eml`, `${first.id}.json`, `${second.id}.eml`, `${second.id}.json`].sort(),
    );
    const eml = readFileSync(path.join(dir, `${first.id}.eml`), "utf8");
    expect(eml).toContain("To: ringo@example.com");
    expect(eml).toContain("Subject: One");
    expect(eml).toContain("From: BeatSight <no-reply@beatsight.test>");
    const listed = await listOutbox(dir);
    expect(listed.map((m) => m.subject)).toEqual(["Two", "One"]);
    expect(listed[0]).toMatchObject({ to: "paul@example.com", html: "<p>Second</p>", id: second.id });
  });

  it("refuses a subject that would add mail headers, and a bad address", async () => {
    const { mailer } = outbox();
    await expect(
      mailer.send({ to: "a@example.com", subject: "Hi\r\nBcc: all@example.com", text: "x" }),
    ).rejects.toThrow(/single line/);
    await expect(mailer.send({ to: "not an address", subject: "Hi", text: "x" })).rejects.toThrow();
  });

  it("treats a missing outbox as empty", async () => {
    expect(await listOutbox(path.join(os.tmpdir(), "beatsight-no-such-outbox"))).toEqual([]);
  });
});
