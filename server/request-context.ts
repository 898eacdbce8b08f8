// The request a piece of work belongs to, carried through async calls (AsyncLocalStorage), so a
// log line written deep inside a service, or by the worker running a job that a request queued,
// names the request id a person was shown (X-Request-Id, "reference …"). Set by the route guard
// (server/http/guard.ts) for each request and by the worker for each job (server/jobs/process-job.ts);
// the logger adds it to every line (server/log.ts); the queue puts it in the job's message.
import { AsyncLocalStorage } from "node:async_hooks";

export interface RequestContext {
  /** Absent for a job no request queued (re-sent by the queue's maintenance). */
  requestId?: string;
  /** The server job being worked on, in the worker. */
  jobId?: string;
}

// On globalThis: Next.js bundles route handlers and instrumentation separately, and both must see
// the one store.
const g = globalThis as typeof globalThis & { __beatsightRequestContext?: AsyncLocalStorage<RequestContext> };
g.__beatsightRequestContext ??= new AsyncLocalStorage<RequestContext>();
const storage = g.__beatsightRequestContext;

/** Runs `fn` (and everything it awaits or starts) as part of `context`. */
export function withRequestContext<T>(context: RequestContext, fn: () => T): T {
  return storage.run(context, fn);
}

/** The context of the code running now, if it runs for a request or a job. */
export function currentRequestContext(): RequestContext | undefined {
  return storage.getStore();
}

/** The id of the request the code running now serves, if any. */
export function currentRequestId(): string | undefined {
  return storage.getStore()?.requestId;
}
