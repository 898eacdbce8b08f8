// One request guard for every route handler (app/**/route.ts), so a new route cannot forget the
// checks: a request id (answered in X-Request-Id and put on every log line), the same-origin check
// for requests that change state, the session (looked up once, slid forward while in use), and
// errors as answers a person can act on — a database that is down or busy is 503 with Retry-After,
// anything else a 500 with a reference to quote, never a stack or a connection string. It also
// times each answer for the metrics, by route pattern (server/metrics.ts).
//
// Route handlers export `guarded(policy, handler)` instead of a bare function; server/http/
// guard.int.test.ts walks every route file and fails on a handler that is not guarded. tRPC is one
// of these routes (app/api/trpc/[trpc]/route.ts): its procedures receive the guard's request id and
// session through the context, and their per-procedure limits live in server/trpc.
// Loaded by the Next server only (never by the job worker or the CLI): a client component that
// imports it for more than its types fails the build.
import "server-only";
import { randomUUID } from "node:crypto";
import { crossSiteReason } from "../auth/csrf.ts";
import { readCookie, SESSION_COOKIE, type Session, sessionFromCookies } from "../auth/session.ts";
import { setSessionCookie, slideSession } from "../auth/sessions.ts";
import type { Db } from "../db/client.ts";
import { asUnavailable } from "../db/transaction.ts";
import { moduleLogger } from "../log.ts";
import { processMetrics, statusClass } from "../metrics.ts";
import { withRequestContext } from "../request-context.ts";
import { getRuntime } from "../runtime.ts";
import { routePattern } from "./route-pattern.ts";

export interface GuardPolicy {
  /**
   * "none": the handler needs no database (static files, health — which must answer while the
   * database is down); "optional": the session is looked up when a cookie is sent; "required":
   * without a session the answer is 401 with `signInMessage`.
   */
  session: "none" | "optional" | "required";
  /** What a signed-out caller is told when the session is required. */
  signInMessage?: string;
}

/** What every guarded handler gets. */
export interface BareGuard {
  requestId: string;
  log: ReturnType<typeof moduleLogger>;
}

/** With session "optional": the database and the session, when one was sent. */
export interface Guard extends BareGuard {
  db: Db;
  session: Session | null;
}

/** With session "required". */
export interface SignedInGuard extends Guard {
  session: Session;
}

type Handler<G extends BareGuard, Rest extends unknown[]> = (
  req: Request,
  guard: G,
  ...rest: Rest
) => Promise<Response> | Response;

/** Marks a handler as guarded, with its policy, for the test that walks every route. */
export const GUARD_POLICY = Symbol.for("beatsight.guardPolicy");

export type GuardedHandler<Rest extends unknown[]> = ((req: Request, ...rest: Rest) => Promise<Response>) & {
  [GUARD_POLICY]: GuardPolicy;
};

const log = moduleLogger("http");
const UNSAFE_METHODS = new Set(["POST", "PUT", "PATCH", "DELETE"]);
/** A request id handed in by the edge proxy is kept when it is a plain token; anything else is replaced. */
const INCOMING_REQUEST_ID = /^[A-Za-z0-9._:-]{8,128}$/;

export function guarded<Rest extends unknown[]>(
  policy: GuardPolicy & { session: "required" },
  handler: Handler<SignedInGuard, Rest>,
): GuardedHandler<Rest>;
export function guarded<Rest extends unknown[]>(
  policy: GuardPolicy & { session: "optional" },
  handler: Handler<Guard, Rest>,
): GuardedHandler<Rest>;
export function guarded<Rest extends unknown[]>(
  policy: GuardPolicy & { session: "none" },
  handler: Handler<BareGuard, Rest>,
): GuardedHandler<Rest>;
export function guarded<Rest extends unknown[]>(
  policy: GuardPolicy,
  // The overloads above pair each policy with the guard it gets; admit() builds exactly that.
  handler: Handler<SignedInGuard, Rest>,
): GuardedHandler<Rest> {
  const run = async (req: Request, ...rest: Rest): Promise<Response> => {
    const started = performance.now();
    const incoming = req.headers.get("x-request-id");
    const requestId = incoming && INCOMING_REQUEST_ID.test(incoming) ? incoming : randomUUID();
    const requestLog = log.child({ requestId });
    const path = new URL(req.url).pathname;
    let response: Response;
    try {
      // Everything the handler runs (services, the queue) knows the request: log lines name it and
      // a job it queues carries it to the worker (server/request-context.ts).
      response = await withRequestContext({ requestId }, async () => {
        const admitted = await admit(req, policy, requestId, requestLog);
        return admitted instanceof Response
          ? admitted
          : admitted.withSlidCookie(await handler(req, admitted.guard, ...rest));
      });
    } catch (error) {
      response = failure(error, requestId, requestLog, req.method, path);
    }
    processMetrics().httpDuration.observe(
      { route: routePattern(path), method: req.method, status: statusClass(response.status) },
      (performance.now() - started) / 1000,
    );
    return withHeader(response, "x-request-id", requestId);
  };
  return Object.assign(run, { [GUARD_POLICY]: policy });
}

interface Admitted {
  guard: SignedInGuard;
  /** Adds the session cookie with its new expiry when the session slid forward. */
  withSlidCookie: (response: Response) => Response;
}

/** Runs the checks in order: a refusal as a Response, or the guard the handler gets. */
async function admit(
  req: Request,
  policy: GuardPolicy,
  requestId: string,
  requestLog: Guard["log"],
): Promise<Admitted | Response> {
  if (UNSAFE_METHODS.has(req.method)) {
    const reason = crossSiteReason(req.headers);
    if (reason) {
      requestLog.warn(
        { reason, method: req.method, path: new URL(req.url).pathname },
        "cross-site request refused",
      );
      return errorAnswer(
        403,
        "cross-site",
        "This request came from another site and was refused. Open BeatSight directly and try again.",
      );
    }
  }
  if (policy.session === "none") {
    // No database for this route: the handler sees only the BareGuard part (see the overloads).
    const bare = { requestId, log: requestLog } as SignedInGuard;
    return { guard: bare, withSlidCookie: (r) => r };
  }
  const { db } = await getRuntime();
  const session = await sessionFromCookies(db, req.headers.get("cookie"));
  if (!session && policy.session === "required") {
    return errorAnswer(401, "unauthenticated", policy.signInMessage ?? "Please sign in to do this.");
  }
  // A session in use stays alive: its expiry (and the cookie's) moves forward about once a day.
  const expiresAt = session ? await slideSession(db, session) : null;
  const token = readCookie(req.headers.get("cookie"), SESSION_COOKIE);
  const withSlidCookie = (response: Response): Response => {
    if (!expiresAt || !token) return response;
    const headers = new Headers();
    setSessionCookie(headers, req.headers, token, expiresAt);
    return withHeader(response, "set-cookie", headers.get("set-cookie") ?? "", true);
  };
  // With session "optional" the handler's type allows a null session (see the overloads).
  return { guard: { requestId, session: session as Session, db, log: requestLog }, withSlidCookie };
}

/** The same `{ error: { code, message } }` shape the upload route answers with. */
export function errorAnswer(
  status: number,
  code: string,
  message: string,
  headers?: Record<string, string>,
): Response {
  return Response.json(
    { error: { code, message } },
    { status, headers: { "cache-control": "no-store", ...headers } },
  );
}

function failure(
  error: unknown,
  requestId: string,
  requestLog: Guard["log"],
  method: string,
  path: string,
): Response {
  const busy = asUnavailable(error);
  if (busy) {
    requestLog.warn({ method, path, err: error }, "database unavailable");
    return errorAnswer(503, "unavailable", busy.message, { "retry-after": String(busy.retryAfterSeconds) });
  }
  requestLog.error({ method, path, err: error }, "route failed");
  return errorAnswer(
    500,
    "internal",
    `Something went wrong on the server (reference ${requestId}). Please try again; if it keeps happening, report the reference.`,
  );
}

/**
 * Sets (or appends) a header. Most responses have mutable headers; a few (Response.redirect,
 * fetched responses) do not, and those are copied.
 */
function withHeader(response: Response, name: string, value: string, append = false): Response {
  try {
    if (append) response.headers.append(name, value);
    else response.headers.set(name, value);
    return response;
  } catch {
    const headers = new Headers(response.headers);
    if (append) headers.append(name, value);
    else headers.set(name, value);
    return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
  }
}
