// The notification drainer of one process. Every web process and every worker runs one, started
// at boot whatever BEATSIGHT_SERVER_JOBS says: emails and pushes must go out from an installation
// that generates charts only in browsers too. Several drainers share the table safely (claims in
// deliveries.ts); each polls every pollMs, and sooner when this process wrote a notification.
// A plain loop rather than a pg-boss queue, so it needs neither pg-boss nor its schema to run.

import { deleteEndedAccountRecords } from "../auth/housekeeping.ts";
import { appOrigin } from "../auth/request-origin.ts";
import type { Db } from "../db/client.ts";
import { isTransientDbError } from "../db/transaction.ts";
import { jobsConfig } from "../jobs/config.ts";
import { moduleLogger } from "../log.ts";
import { pruneOutbox } from "../mail/outbox.ts";
import {
  DELIVERY_POLICY,
  type DeliveryPolicy,
  type DeliverySenders,
  type DrainResult,
  drainDeliveries,
  pruneDeliveries,
} from "./deliveries.ts";
import { emailSender } from "./email-channel.ts";
import { pushSender } from "./push-channel.ts";
import { ensureVapidKeys, type VapidKeys } from "./vapid.ts";

const log = moduleLogger("notification-delivery");

export interface DeliveryLoopOptions {
  db: Db;
  senders: DeliverySenders;
  policy?: DeliveryPolicy;
  /** Wait between rounds when nothing is due. */
  pollMs?: number;
  /** Wait between prunes of old deliveries and kept dev mail. */
  pruneMs?: number;
}

export const DELIVERY_POLL_MS = 2_000;

export class DeliveryLoop {
  private stopped = false;
  private wakeUp: (() => void) | null = null;
  private woken = false;
  private readonly done: Promise<void>;
  private lastPrune = 0;

  constructor(private readonly options: DeliveryLoopOptions) {
    this.done = this.run();
  }

  /** Drains now rather than at the next poll (this process just wrote deliveries). */
  wake(): void {
    this.woken = true;
    this.wakeUp?.();
  }

  /** Finishes the round in progress, then stops. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.wakeUp?.();
    await this.done;
  }

  private async run(): Promise<void> {
    const { db, senders } = this.options;
    const policy = this.options.policy ?? DELIVERY_POLICY;
    const pollMs = this.options.pollMs ?? DELIVERY_POLL_MS;
    let failures = 0;
    while (!this.stopped) {
      this.woken = false;
      let round: DrainResult | null = null;
      try {
        round = await drainDeliveries(db, senders, policy);
        await this.pruneNow(db);
        failures = 0;
      } catch (err) {
        failures++;
        // A database restart is expected now and then and passes; anything else is worth an error.
        const level = isTransientDbError(err) ? "warn" : "error";
        log[level]({ err, failures }, "notification delivery round failed; trying again shortly");
      }
      // A full batch means more may be due: go on at once.
      if (round && round.claimed === policy.batchSize) continue;
      const wait = failures > 0 ? Math.min(30_000, pollMs * 2 ** failures) : pollMs;
      if (!this.woken) await this.sleep(wait);
    }
  }

  private async pruneNow(db: Db): Promise<void> {
    const every = this.options.pruneMs ?? 3600_000;
    if (Date.now() - this.lastPrune < every) return;
    this.lastPrune = Date.now();
    const [deliveries, mail, account] = await Promise.all([
      pruneDeliveries(db),
      pruneOutbox(db),
      deleteEndedAccountRecords(db),
    ]);
    if (deliveries + mail > 0) log.info({ deliveries, mail }, "old deliveries and kept mail deleted");
    if (account.sessions + account.emailTokens + account.challenges > 0)
      log.info(account, "ended sessions, expired links and challenges deleted");
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wakeUp = () => {
        this.wakeUp = null;
        done();
      };
    });
  }
}

/** The senders this installation uses: email through sendMail, push with the shared VAPID keys. */
export function defaultSenders(db: Db): DeliverySenders {
  const config = jobsConfig();
  let keys: Promise<VapidKeys> | undefined;
  return {
    email: emailSender({ origin: appOrigin(), priceUsd: config.PRICE_EMAIL_USD }),
    push: pushSender({
      keys: () => {
        keys ??= ensureVapidKeys(db).catch((error: unknown) => {
          keys = undefined;
          throw error;
        });
        return keys;
      },
      subject: config.VAPID_SUBJECT,
      priceUsd: config.PRICE_PUSH_USD,
    }),
  };
}

const g = globalThis as typeof globalThis & { __beatsightDeliveries?: DeliveryLoop };

/**
 * Starts this process's drainer (once; on globalThis since Next.js bundles the boot and route
 * handlers separately). The boot of web processes and workers calls it.
 */
export function startNotificationDelivery(
  db: Db,
  overrides: Partial<Omit<DeliveryLoopOptions, "db">> = {},
): DeliveryLoop {
  g.__beatsightDeliveries ??= new DeliveryLoop({ db, senders: defaultSenders(db), ...overrides });
  return g.__beatsightDeliveries;
}

/** Wakes this process's drainer, if it runs (notify() after its transaction commits). */
export function wakeNotificationDelivery(): void {
  g.__beatsightDeliveries?.wake();
}

export async function stopNotificationDelivery(): Promise<void> {
  const loop = g.__beatsightDeliveries;
  g.__beatsightDeliveries = undefined;
  await loop?.stop();
}
