import { describe, expect, it } from "vitest";
import { createWorkerBridge, type JobSpec, type WorkerReply } from "./worker-bridge.ts";

type Reply = WorkerReply & { value?: number; failure?: string };

/** A Worker stand-in: records what is posted; the test replies, crashes or checks termination. */
class FakeWorker extends EventTarget {
  posted: unknown[] = [];
  terminated = false;
  postMessage(message: unknown) {
    this.posted.push(message);
  }
  terminate() {
    this.terminated = true;
  }
  reply(data: Reply) {
    this.dispatchEvent(new MessageEvent("message", { data }));
  }
  crash(message: string) {
    this.dispatchEvent(Object.assign(new Event("error"), { message }));
  }
}

function setup() {
  const workers: FakeWorker[] = [];
  const bridge = createWorkerBridge<Reply>(() => {
    const worker = new FakeWorker();
    workers.push(worker);
    return worker as unknown as Worker;
  });
  const progress: number[] = [];
  const job = (
    signal?: AbortSignal,
    cancel: JobSpec<Reply, number>["cancel"] = "terminate",
  ): JobSpec<Reply, number> => ({
    signal,
    start: (worker, id) => worker.postMessage({ type: "go", id }),
    onReply(reply) {
      if (reply.type === "progress") progress.push(reply.value ?? -1);
      else if (reply.type === "error") throw new Error(reply.failure);
      else return { result: reply.value ?? 0 };
      return undefined;
    },
    crashError: (event) => new Error(`crashed: ${event.message}`),
    cancel,
  });
  return { bridge, workers, progress, job };
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

describe("createWorkerBridge", () => {
  it("starts the worker lazily, runs jobs one at a time and matches replies by id", async () => {
    const { bridge, workers, progress, job } = setup();
    expect(workers).toHaveLength(0);
    const first = bridge.run(job());
    const second = bridge.run(job());
    await tick();
    const worker = workers[0]!;
    expect(worker.posted).toEqual([{ type: "go", id: 1 }]); // the second waits for the first
    worker.reply({ id: 2, type: "done", value: 99 }); // not this job's: ignored
    worker.reply({ id: 1, type: "progress", value: 50 });
    worker.reply({ id: 1, type: "done", value: 7 });
    expect(await first).toBe(7);
    await tick();
    expect(worker.posted).toEqual([
      { type: "go", id: 1 },
      { type: "go", id: 2 },
    ]);
    worker.reply({ id: 2, type: "done", value: 8 });
    expect(await second).toBe(8);
    expect(progress).toEqual([50]);
    expect(workers).toHaveLength(1);
  });

  it("rejects with the job's error and keeps serving the next job", async () => {
    const { bridge, workers, job } = setup();
    const failing = bridge.run(job());
    await tick();
    workers[0]!.reply({ id: 1, type: "error", failure: "too short" });
    await expect(failing).rejects.toThrow("too short");
    const next = bridge.run(job());
    await tick();
    workers[0]!.reply({ id: 2, type: "done", value: 3 });
    expect(await next).toBe(3);
  });

  it("replaces a worker that crashed", async () => {
    const { bridge, workers, job } = setup();
    const crashed = bridge.run(job());
    await tick();
    workers[0]!.crash("out of memory");
    await expect(crashed).rejects.toThrow("crashed: out of memory");
    expect(workers[0]!.terminated).toBe(true);
    const next = bridge.run(job());
    await tick();
    expect(workers).toHaveLength(2);
    workers[1]!.reply({ id: 2, type: "done", value: 1 });
    expect(await next).toBe(1);
  });

  it("cancels by terminating, or by asking the worker and keeping it", async () => {
    const { bridge, workers, job } = setup();
    const first = new AbortController();
    const terminated = bridge.run(job(first.signal));
    await tick();
    first.abort(new Error("user cancelled"));
    await expect(terminated).rejects.toThrow("user cancelled");
    expect(workers[0]!.terminated).toBe(true);

    const second = new AbortController();
    const asked = bridge.run(job(second.signal, (worker, id) => worker.postMessage({ type: "cancel", id })));
    await tick();
    second.abort();
    await expect(asked).rejects.toMatchObject({ name: "AbortError" });
    expect(workers[1]!.terminated).toBe(false);
    expect(workers[1]!.posted.at(-1)).toEqual({ type: "cancel", id: 2 });
  });

  it("settles a job cancelled while it waits for its turn at once, and never starts it", async () => {
    const { bridge, workers, job } = setup();
    const first = bridge.run(job());
    const waiting = new AbortController();
    const second = bridge.run(job(waiting.signal, () => {}));
    await tick();
    waiting.abort();
    await expect(second).rejects.toMatchObject({ name: "AbortError" });
    // The job ahead is still running; when it ends, the cancelled one is skipped.
    workers[0]!.reply({ type: "done", id: 1, value: 1 });
    expect(await first).toBe(1);
    await tick();
    expect(workers[0]!.posted).toEqual([{ type: "go", id: 1 }]);
  });

  it("rejects at once when the signal is already aborted, without starting a worker", async () => {
    const { bridge, workers, job } = setup();
    await expect(bridge.run(job(AbortSignal.abort(new Error("too late"))))).rejects.toThrow("too late");
    expect(workers).toHaveLength(0);
  });
});
