// Keeps a database server running: when it goes away (the process we started exits, or the one
// we share stops answering to its pid), start it again on the same data and port, waiting longer
// after each failure (0.5 s doubling to 30 s), and say so in the log. Too many restarts in a short
// window is a crash loop: reported in the log and on /health, and still retried at the slowest pace,
// so a cause that passes (a port freed, a disk cleaned) heals without anyone restarting the app.
//
// The app's connection pools need nothing from here: node-postgres drops broken connections and
// opens new ones, so once the server is back the next query succeeds (server/db/recovery.int.test.ts).
import type { Logger } from "pino";

export type SupervisorState = "up" | "restarting" | "crash-loop" | "stopped";

export interface SupervisorStatus {
  state: SupervisorState;
  /** Restart attempts since this process started (failed ones included). */
  restarts: number;
  lastRestartAt: Date | null;
}

export interface SupervisorPolicy {
  /** Wait before the first restart attempt; each consecutive one doubles it… */
  baseDelayMs: number;
  /** …up to this. */
  maxDelayMs: number;
  /** This many restart attempts within `crashLoopWindowMs` is a crash loop. */
  crashLoopRestarts: number;
  crashLoopWindowMs: number;
  /** Up this long, the server counts as healthy again: the backoff starts over. */
  stableAfterMs: number;
}

export const DEFAULT_SUPERVISOR_POLICY: SupervisorPolicy = {
  baseDelayMs: 500,
  maxDelayMs: 30_000,
  crashLoopRestarts: 5,
  crashLoopWindowMs: 5 * 60_000,
  stableAfterMs: 60_000,
};

/** A running server as the supervisor sees it. */
export interface Watched {
  /** Settles, with a description for the log, when the server has gone away. */
  gone: Promise<Record<string, unknown>>;
  /** Stops the server if this process owns it. */
  stop(): Promise<void>;
}

export interface Supervisor {
  status(): SupervisorStatus;
  /** Stops watching, then stops the server if this process owns it. */
  stop(): Promise<void>;
}

export function supervise(options: {
  first: Watched;
  /** Starts the server again (or finds it started by another process); rejects when it cannot. */
  restart: () => Promise<Watched>;
  log: Pick<Logger, "info" | "warn" | "error">;
  name: string;
  policy?: Partial<SupervisorPolicy>;
  now?: () => number;
}): Supervisor {
  const policy = { ...DEFAULT_SUPERVISOR_POLICY, ...options.policy };
  const { log, name } = options;
  const now = options.now ?? Date.now;
  let current: Watched | null = options.first;
  let upSince: number | null = now();
  let restarts = 0;
  let lastRestartAt: number | null = null;
  let attempts: number[] = [];
  let stopping = false;
  let loopReported = false;
  let wake: () => void = () => {};
  const stopped = new Promise<void>((resolve) => {
    wake = resolve;
  });

  const inCrashLoop = () => {
    attempts = attempts.filter((t) => now() - t < policy.crashLoopWindowMs);
    return attempts.length >= policy.crashLoopRestarts;
  };
  const stable = () => upSince !== null && now() - upSince >= policy.stableAfterMs;

  const status = (): SupervisorStatus => {
    let state: SupervisorState;
    if (stopping) state = "stopped";
    else if (inCrashLoop() && !stable()) state = "crash-loop";
    else if (current === null) state = "restarting";
    else state = "up";
    return { state, restarts, lastRestartAt: lastRestartAt === null ? null : new Date(lastRestartAt) };
  };

  const loop = async () => {
    let consecutive = 0;
    for (;;) {
      const watched: Watched = current as Watched;
      const gone = await Promise.race([watched.gone, stopped.then(() => null)]);
      if (gone === null) return;
      if (stable()) {
        consecutive = 0;
        loopReported = false;
      }
      current = null;
      upSince = null;
      log.error({ ...gone }, `${name} stopped unexpectedly; restarting it`);
      for (;;) {
        const delay = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** consecutive);
        consecutive++;
        await Promise.race([sleep(delay), stopped]);
        if (stopping) return;
        restarts++;
        lastRestartAt = now();
        attempts.push(lastRestartAt);
        if (inCrashLoop() && !loopReported) {
          loopReported = true;
          log.error(
            { restarts: attempts.length, windowMs: policy.crashLoopWindowMs },
            `${name} is in a crash loop: ${attempts.length} restarts within ${Math.round(policy.crashLoopWindowMs / 1000)} s; still trying every ${Math.round(policy.maxDelayMs / 1000)} s at most`,
          );
        }
        try {
          const restarted = await options.restart();
          if (stopping) {
            await restarted.stop();
            return;
          }
          current = restarted;
          upSince = now();
          log.warn({ restarts, afterMs: delay }, `${name} restarted`);
          break;
        } catch (error) {
          const next = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** consecutive);
          log.error({ err: error, restarts, nextAttemptInMs: next }, `${name} could not be restarted`);
        }
      }
    }
  };
  const running = loop().catch((error: unknown) => log.error({ err: error }, `${name} supervisor failed`));

  return {
    status,
    async stop() {
      stopping = true;
      wake();
      await running;
      const last = current;
      current = null;
      await last?.stop();
    },
  };
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms).unref?.());
}
