// Job status changes, pushed: one LISTEN connection per process on the channel ai_job_events (a
// trigger on ai_jobs announces every change, prisma/migrations/0011_job_events), fanned out to the
// event streams of this process. A stream waits for a change of its job — or of any job while its
// own is queued, since its place in the queue moves when others start — and reads the status
// again. If the listener is down (database restarting), waits fall back to a short poll, so a
// missed notification costs at most a second, and the listener reconnects with backoff.
//
// LISTEN needs a session of its own: behind PgBouncer use session mode (or a direct connection).
import pg from "pg";
import { CONNECTION_NAMES } from "../db/client.ts";
import { moduleLogger } from "../log.ts";

const log = moduleLogger("job-events");

export const JOB_EVENTS_CHANNEL = "ai_job_events";

export interface JobEventTiming {
  /** Longest wait without news while listening (ETAs are recomputed this often). */
  idleMs: number;
  /** Wait while the listener is down: plain polling. */
  pollMs: number;
  /** Reconnect backoff: first wait and upper bound. */
  reconnectMs: number;
  maxReconnectMs: number;
}

export const JOB_EVENT_TIMING: JobEventTiming = {
  idleMs: 5_000,
  pollMs: 1_000,
  reconnectMs: 500,
  maxReconnectMs: 30_000,
};

interface Waiter {
  jobId: string;
  /** Wake on any job's change (the waiter's job is queued and its position may move). */
  anyJob: boolean;
  wake: () => void;
}

export class JobEventHub {
  private client: pg.Client | null = null;
  private listening = false;
  private stopped = false;
  private failures = 0;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private readonly waiters = new Set<Waiter>();

  constructor(
    private readonly connectionString: string,
    private readonly timing: JobEventTiming = JOB_EVENT_TIMING,
  ) {}

  /** True while notifications arrive (the LISTEN connection is up). */
  get live(): boolean {
    return this.listening;
  }

  /** Connects the listener; resolves once it listens or has failed once (it then keeps retrying). */
  async start(): Promise<void> {
    await this.connect();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.reconnectTimer);
    for (const waiter of this.waiters) waiter.wake();
    const client = this.client;
    this.client = null;
    this.listening = false;
    await client?.end().catch(() => {});
  }

  /**
   * Resolves when `jobId` (or, with `anyJob`, any job) changes, after the idle or poll interval,
   * or when `signal` aborts — whichever comes first. The caller then reads the status again.
   */
  wait(jobId: string, options: { anyJob: boolean; signal?: AbortSignal }): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(waiter);
        options.signal?.removeEventListener("abort", done);
        resolve();
      };
      const waiter: Waiter = { jobId, anyJob: options.anyJob, wake: done };
      const timer = setTimeout(done, this.listening ? this.timing.idleMs : this.timing.pollMs);
      this.waiters.add(waiter);
      if (options.signal?.aborted || this.stopped) done();
      else options.signal?.addEventListener("abort", done, { once: true });
    });
  }

  private notify(jobId: string): void {
    for (const waiter of [...this.waiters]) {
      if (waiter.anyJob || waiter.jobId === jobId) waiter.wake();
    }
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    const client = new pg.Client({
      connectionString: this.connectionString,
      application_name: CONNECTION_NAMES.jobEvents,
    });
    client.on("notification", (message) => {
      if (message.channel === JOB_EVENTS_CHANNEL && message.payload) this.notify(message.payload);
    });
    client.on("error", (err) => this.lost(client, err));
    client.on("end", () => this.lost(client, null));
    this.client = client;
    try {
      await client.connect();
      await client.query(`LISTEN ${JOB_EVENTS_CHANNEL}`);
      if (this.stopped || this.client !== client) {
        await client.end().catch(() => {});
        return;
      }
      if (this.failures > 0) log.info({ after: this.failures }, "job event listener reconnected");
      this.failures = 0;
      this.listening = true;
      // Changes made while nobody listened are unknown: everyone reads again.
      for (const waiter of [...this.waiters]) waiter.wake();
    } catch (err) {
      this.lost(client, err);
    }
  }

  private lost(client: pg.Client, err: unknown): void {
    if (this.client !== client) return;
    this.client = null;
    this.listening = false;
    client.end().catch(() => {});
    if (this.stopped) return;
    this.failures++;
    const delay = Math.min(this.timing.maxReconnectMs, this.timing.reconnectMs * 2 ** (this.failures - 1));
    log.warn(
      { err, failures: this.failures, retryInMs: delay },
      "job event listener lost; polling meanwhile",
    );
    this.reconnectTimer = setTimeout(() => void this.connect(), delay);
  }
}

const g = globalThis as typeof globalThis & { __beatsightJobEvents?: JobEventHub };

/** The process's hub, started on first use. */
export function jobEventHub(connectionString: string): JobEventHub {
  if (!g.__beatsightJobEvents) {
    g.__beatsightJobEvents = new JobEventHub(connectionString);
    void g.__beatsightJobEvents.start();
  }
  return g.__beatsightJobEvents;
}
