// Page side of a module Worker (squoosh's worker-bridge shape): the worker starts lazily, jobs run
// one at a time, replies are matched to their job by id, and an AbortSignal ends a job. What a job
// posts, which replies settle it and how it is cancelled are the caller's (see JobSpec); the
// fingerprint and generation clients are two such callers.

/** The envelope every reply from a bridged worker has. */
export interface WorkerReply {
  id: number;
  type: string;
}

export interface JobSpec<Reply extends WorkerReply, Result> {
  signal?: AbortSignal;
  /** Posts the job's request (with its transfer list) to the worker. */
  start(worker: Worker, id: number): void;
  /** A reply for this job: `{ result }` settles it, throwing rejects it, undefined waits for more. */
  onReply(reply: Reply): { result: Result } | undefined;
  /** The error a crash of the worker rejects the job with (the worker is then replaced). */
  crashError(event: ErrorEvent): Error;
  /**
   * Cancelling: "terminate" throws the worker away (cheap to rebuild); a function asks the worker
   * to stop this job and keeps it, with whatever it has warmed up.
   */
  cancel: "terminate" | ((worker: Worker, id: number) => void);
}

export interface WorkerBridge<Reply extends WorkerReply> {
  /** Runs the job once the previous one has settled. */
  run<Result>(job: JobSpec<Reply, Result>): Promise<Result>;
  /** Starts the worker ahead of the first job. */
  warmUp(): void;
  terminate(): void;
}

export function createWorkerBridge<Reply extends WorkerReply>(makeWorker: () => Worker): WorkerBridge<Reply> {
  let worker: Worker | undefined;
  let nextId = 1;
  let previous: Promise<unknown> = Promise.resolve();

  const discard = (current: Worker) => {
    if (worker === current) worker = undefined;
    current.terminate();
  };

  const runNow = <Result>(job: JobSpec<Reply, Result>) =>
    new Promise<Result>((resolve, reject) => {
      const { signal } = job;
      if (signal?.aborted) {
        reject(signal.reason);
        return;
      }
      worker ??= makeWorker();
      const current = worker;
      const id = nextId++;
      const cleanup = () => {
        current.removeEventListener("message", onMessage);
        current.removeEventListener("error", onError);
        signal?.removeEventListener("abort", onAbort);
      };
      const onMessage = (event: MessageEvent<Reply>) => {
        if (event.data.id !== id) return;
        let settled: { result: Result } | undefined;
        try {
          settled = job.onReply(event.data);
        } catch (error) {
          cleanup();
          reject(error);
          return;
        }
        if (!settled) return;
        cleanup();
        resolve(settled.result);
      };
      const onError = (event: ErrorEvent) => {
        cleanup();
        discard(current);
        reject(job.crashError(event));
      };
      const onAbort = () => {
        cleanup();
        if (job.cancel === "terminate") discard(current);
        else job.cancel(current, id);
        reject(signal?.reason ?? new DOMException("The operation was cancelled.", "AbortError"));
      };
      current.addEventListener("message", onMessage);
      current.addEventListener("error", onError);
      signal?.addEventListener("abort", onAbort, { once: true });
      job.start(current, id);
    });

  return {
    run<Result>(job: JobSpec<Reply, Result>) {
      const queued = previous.then(() => runNow(job));
      previous = queued.catch(() => undefined);
      const { signal } = job;
      if (!signal) return queued;
      // A job cancelled while it waits for its turn settles at once (a cancel button must not wait
      // for the job ahead); runNow skips it when its turn comes.
      return new Promise<Result>((resolve, reject) => {
        const onAbort = () =>
          reject(signal.reason ?? new DOMException("The operation was cancelled.", "AbortError"));
        if (signal.aborted) onAbort();
        else signal.addEventListener("abort", onAbort, { once: true });
        queued.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
      });
    },
    warmUp() {
      worker ??= makeWorker();
    },
    terminate() {
      worker?.terminate();
      worker = undefined;
    },
  };
}
