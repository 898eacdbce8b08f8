import pino from "pino";
import { describe, expect, it } from "vitest";
import { type SupervisorPolicy, supervise, type Watched } from "./supervisor.ts";

/** A server that goes away when told to. */
function server(): Watched & { die(): void; stopped: boolean } {
  let die = () => {};
  const gone = new Promise<Record<string, unknown>>((resolve) => {
    die = () => resolve({ code: null, signal: "SIGKILL" });
  });
  const s = {
    gone,
    stopped: false,
    die,
    async stop() {
      s.stopped = true;
    },
  };
  return s;
}

function recordingLog() {
  const lines: { level: number; msg: string; [field: string]: unknown }[] = [];
  const log = pino({ level: "info" }, { write: (line: string) => lines.push(JSON.parse(line)) });
  return { log, lines };
}

async function until(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((r) => setTimeout(r, 1));
}

const fast: Partial<SupervisorPolicy> = {
  baseDelayMs: 1,
  maxDelayMs: 4,
  crashLoopRestarts: 3,
  crashLoopWindowMs: 60_000,
  stableAfterMs: 60_000,
};

describe("supervise", () => {
  it("restarts a server that went away, waiting twice as long after each failed attempt", async () => {
    const first = server();
    const next = server();
    let attempts = 0;
    const { log, lines } = recordingLog();
    const supervisor = supervise({
      first,
      name: "db",
      log,
      policy: { ...fast, crashLoopRestarts: 10 },
      restart: async () => {
        attempts++;
        if (attempts < 4) throw new Error(`port taken (${attempts})`);
        return next;
      },
    });
    expect(supervisor.status()).toMatchObject({ state: "up", restarts: 0, lastRestartAt: null });
    first.die();
    await until(() => supervisor.status().state === "up" && attempts === 4);
    expect(supervisor.status()).toMatchObject({ state: "up", restarts: 4 });
    expect(supervisor.status().lastRestartAt).toBeInstanceOf(Date);
    const waits = lines.filter((l) => l.msg === "db could not be restarted").map((l) => l.nextAttemptInMs);
    expect(waits).toEqual([2, 4, 4]);
    expect(lines.map((l) => l.msg)).toContain("db restarted");
    await supervisor.stop();
    expect(next.stopped).toBe(true);
    expect(supervisor.status().state).toBe("stopped");
  });

  it("reports a crash loop once, keeps trying, and calls it over once the server stays up", async () => {
    const servers = [server(), server(), server(), server()];
    let failing = true;
    let attempts = 0;
    let clock = 0;
    const { log, lines } = recordingLog();
    const supervisor = supervise({
      first: servers[0] as Watched,
      name: "db",
      log,
      policy: fast,
      now: () => clock,
      restart: async () => {
        attempts++;
        if (failing) throw new Error("could not bind");
        return servers[1] as Watched;
      },
    });
    servers[0]?.die();
    await until(() => attempts >= 5);
    expect(supervisor.status().state).toBe("crash-loop");
    expect(lines.filter((l) => l.level === 50 && /crash loop/.test(l.msg))).toHaveLength(1);

    failing = false;
    await until(() => attempts >= 6 && lines.some((l) => l.msg === "db restarted"));
    // Up, but restarted too often lately: still reported until it has stayed up a while.
    expect(supervisor.status().state).toBe("crash-loop");
    clock += 60_000;
    expect(supervisor.status().state).toBe("up");
    await supervisor.stop();
  });

  it("stops without another attempt while it waits to restart", async () => {
    const first = server();
    let attempts = 0;
    const supervisor = supervise({
      first,
      name: "db",
      log: recordingLog().log,
      policy: { ...fast, baseDelayMs: 60_000, maxDelayMs: 60_000 },
      restart: async () => {
        attempts++;
        return server();
      },
    });
    first.die();
    await until(() => supervisor.status().state === "restarting");
    await supervisor.stop();
    expect(attempts).toBe(0);
    expect(supervisor.status().state).toBe("stopped");
  });
});
