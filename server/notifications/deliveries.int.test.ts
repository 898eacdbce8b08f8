// The notification outbox on real PostgreSQL: deliveries are written with the notification (and
// not at all when its transaction rolls back); a failing mail transport is retried after a
// doubling wait and succeeds later; after the last attempt a delivery is dead and counted for
// /ops; with BEATSIGHT_SERVER_JOBS=0 the process's drainer still sends the email; two drainers on
// separate pools never send the same delivery twice. Waits are back-dated rows, not sleeps.
import { afterAll, describe, expect, it, vi } from "vitest";

vi.hoisted(() => {
  // Before any module reads the environment: this installation does not generate on the server,
  // and has no SMTP server (mail is kept in dev_mail).
  process.env.BEATSIGHT_SERVER_JOBS = "0";
  delete process.env.SMTP_URL;
  process.env.LOG_LEVEL ??= "error";
});

import { migratedDatabaseForFile } from "../../test/db.ts";
import { eventually } from "../../test/jobs.ts";
import { createTestUser } from "../../test/users.ts";
import { createDb, type Db } from "../db/client.ts";
import type { Tx } from "../db/transaction.ts";
import { jobsEnabled } from "../jobs/runtime.ts";
import { listOutbox } from "../mail/outbox.ts";
import { type MailMessage, sendMail } from "../mail/send-mail.ts";
import {
  type ClaimedDelivery,
  DELIVERY_POLICY,
  type DeliveryPolicy,
  type DeliverySenders,
  deliverySummary,
  drainDeliveries,
} from "./deliveries.ts";
import { startNotificationDelivery, stopNotificationDelivery } from "./delivery-loop.ts";
import { emailSender } from "./email-channel.ts";
import { notify } from "./notify.ts";

const database = migratedDatabaseForFile();
afterAll(() => stopNotificationDelivery());

const JOB_DONE = { title: "Your chart is ready", body: "The server finished charting it.", url: "/jobs/x" };

/** Makes every pending delivery due now, as if its wait had passed. */
async function backdate(db: Db): Promise<void> {
  await db.$executeRaw`UPDATE notification_deliveries SET next_attempt_at = now() - interval '1 second' WHERE state = 'pending'`;
}

function senders(email: DeliverySenders["email"]): DeliverySenders {
  return {
    email,
    push: async () => {
      throw new Error("no push in this test");
    },
  };
}

describe("notification outbox", () => {
  it("writes an email delivery with the notification, and none when the transaction rolls back", async () => {
    const { db } = database();
    const user = await createTestUser(db);
    const unverified = await createTestUser(db, { verified: false });
    const stored = await notify(db, user.id, "job.complete", JOB_DONE);
    await notify(db, unverified.id, "job.complete", JOB_DONE);
    await notify(db, user.id, "proposal_decided", { title: "Your fix was approved", body: "…" });
    await expect(
      db.$transaction(async (tx) => {
        await notify(tx, user.id, "job.failed", JOB_DONE);
        throw new Error("the event failed");
      }),
    ).rejects.toThrow("the event failed");

    const rows = await db.notificationDelivery.findMany({
      where: { userId: { in: [user.id, unverified.id] } },
    });
    // Only the emailed kind, only to the confirmed address, only the committed notification.
    expect(rows).toEqual([
      expect.objectContaining({ notificationId: stored.id, channel: "email", state: "pending", attempts: 0 }),
    ]);
    expect(rows[0]?.payload).toMatchObject({ kind: "job.complete", title: JOB_DONE.title });
    expect(await db.notification.count({ where: { userId: user.id, kind: "job.failed" } })).toBe(0);
    await db.notificationDelivery.deleteMany({});
  });

  it("retries a failing mail transport after a doubling wait, and sends once it works", async () => {
    const { db } = database();
    const user = await createTestUser(db);
    await notify(db, user.id, "job.complete", JOB_DONE);
    let calls = 0;
    const flaky = async (tx: Db | Tx, message: MailMessage) => {
      calls++;
      if (calls <= 2) throw new Error(`SMTP 451 try again later (${calls})`);
      return sendMail(tx, message);
    };
    const email = emailSender({ origin: "https://beatsight.test", priceUsd: 0.001, send: flaky });

    const before = Date.now();
    expect(await drainDeliveries(db, senders(email))).toMatchObject({ claimed: 1, retrying: 1 });
    let row = await db.notificationDelivery.findFirstOrThrow({ where: { userId: user.id } });
    expect(row).toMatchObject({ state: "pending", attempts: 1, lastError: "SMTP 451 try again later (1)" });
    const firstWait = (row.nextAttemptAt.getTime() - before) / 1000;
    expect(firstWait).toBeGreaterThanOrEqual(DELIVERY_POLICY.baseDelaySeconds - 1);
    expect(firstWait).toBeLessThanOrEqual(DELIVERY_POLICY.baseDelaySeconds * 1.2 + 1);
    // Not due yet: nothing is claimed.
    expect((await drainDeliveries(db, senders(email))).claimed).toBe(0);

    await backdate(db);
    const beforeSecond = Date.now();
    expect(await drainDeliveries(db, senders(email))).toMatchObject({ claimed: 1, retrying: 1 });
    row = await db.notificationDelivery.findFirstOrThrow({ where: { userId: user.id } });
    const secondWait = (row.nextAttemptAt.getTime() - beforeSecond) / 1000;
    expect(secondWait).toBeGreaterThanOrEqual(2 * DELIVERY_POLICY.baseDelaySeconds - 1);

    await backdate(db);
    expect(await drainDeliveries(db, senders(email))).toMatchObject({ claimed: 1, sent: 1 });
    row = await db.notificationDelivery.findFirstOrThrow({ where: { userId: user.id } });
    expect(row).toMatchObject({ state: "sent", attempts: 3, lastError: null });
    const mail = await listOutbox(db, { to: user.email });
    expect(mail).toHaveLength(1);
    expect(mail[0]?.text).toContain("https://beatsight.test/jobs/x");
    expect(await db.costRecord.count({ where: { kind: "email" } })).toBe(1);
    // Sent is final.
    await backdate(db);
    expect((await drainDeliveries(db, senders(email))).claimed).toBe(0);
    expect(calls).toBe(3);
  });

  it("marks a delivery dead after the last attempt, and /ops counts it", async () => {
    const { db } = database();
    const user = await createTestUser(db);
    await notify(db, user.id, "ops.budget", { title: "Over budget", body: "Projected over.", url: "/ops" });
    const policy: DeliveryPolicy = { ...DELIVERY_POLICY, maxAttempts: 3 };
    const down = emailSender({
      origin: "https://beatsight.test",
      priceUsd: 0,
      send: async () => {
        throw new Error("connect ECONNREFUSED 10.0.0.25:587");
      },
    });
    for (let i = 0; i < 3; i++) {
      await backdate(db);
      await drainDeliveries(db, senders(down), policy);
    }
    const row = await db.notificationDelivery.findFirstOrThrow({ where: { userId: user.id } });
    expect(row).toMatchObject({
      state: "dead",
      attempts: 3,
      lastError: "connect ECONNREFUSED 10.0.0.25:587",
    });
    await backdate(db);
    expect((await drainDeliveries(db, senders(down), policy)).claimed).toBe(0);
    const summary = await deliverySummary(db);
    expect(summary.dead).toBeGreaterThanOrEqual(1);
    expect(summary.recentDead[0]).toMatchObject({ channel: "email", kind: "ops.budget", attempts: 3 });
  });

  it("with BEATSIGHT_SERVER_JOBS=0 the process's drainer still sends the email", async () => {
    const { db } = database();
    expect(jobsEnabled()).toBe(false);
    const user = await createTestUser(db);
    // What boot.ts starts in every web process, with the installation's own senders.
    startNotificationDelivery(db, { pollMs: 100 });
    await notify(db, user.id, "job.failed", {
      title: "The server could not chart your song",
      body: "song: it failed",
      url: "/jobs/y",
    });
    const mail = await eventually(async () => (await listOutbox(db, { to: user.email }))[0]);
    expect(mail.subject).toBe("The server could not chart your song");
    await eventually(async () => {
      const row = await db.notificationDelivery.findFirst({ where: { userId: user.id, state: "sent" } });
      return row ?? undefined;
    });
    await stopNotificationDelivery();
  });

  it("two drainers on separate pools never send the same delivery twice", async () => {
    const { db, url } = database();
    const users = await Promise.all(Array.from({ length: 12 }, () => createTestUser(db)));
    for (const user of users) {
      for (let i = 0; i < 10; i++) await notify(db, user.id, "job.complete", { ...JOB_DONE, body: `n${i}` });
    }
    const ids = (
      await db.notificationDelivery.findMany({ where: { state: "pending" }, select: { id: true } })
    ).map((r) => r.id);
    expect(ids).toHaveLength(120);

    const sends: string[] = [];
    const recording: DeliverySenders["email"] = async (_db, d: ClaimedDelivery) => {
      sends.push(d.id);
      // A send takes a moment, so the two drainers' rounds overlap.
      await new Promise((r) => setTimeout(r, 2));
      return { sent: true };
    };
    const policy: DeliveryPolicy = { ...DELIVERY_POLICY, batchSize: 7 };
    const pools = [createDb(url, { maxConnections: 2 }), createDb(url, { maxConnections: 2 })];
    try {
      await Promise.all(
        pools.map(async (pool) => {
          for (;;) {
            const round = await drainDeliveries(pool, senders(recording), policy);
            if (round.claimed === 0) return;
          }
        }),
      );
    } finally {
      await Promise.all(pools.map((p) => p.$disconnect()));
    }
    expect(sends).toHaveLength(120);
    expect(new Set(sends).size).toBe(120);
    expect(new Set(sends)).toEqual(new Set(ids));
    expect(await db.notificationDelivery.count({ where: { id: { in: ids }, state: "sent" } })).toBe(120);
  });
});
