// tRPC setup, in the create-t3-app order: 1. context, 2. init with an error formatter that turns
// validation failures into sentences a person can act on, 3. the procedure builders routers use.
// Loaded by the Next server only (never by the job worker or the CLI): a client component that
// imports it for more than its types fails the build.
import "server-only";
import { randomUUID } from "node:crypto";
import { initTRPC, TRPCError } from "@trpc/server";
import superjson from "superjson";
import { ZodError } from "zod";
import { DiffConflictError } from "../../lib/beatmap/diff.ts";
import { type Action, type Actor, can, loadActor } from "../auth/permissions.ts";
import { type Session, sessionFromCookies } from "../auth/session.ts";
import type { Db } from "../db/client.ts";
import { asUnavailable } from "../db/transaction.ts";
import type { Guard } from "../http/guard.ts";
import { moduleLogger } from "../log.ts";
import { processMetrics } from "../metrics.ts";
import { getRuntime } from "../runtime.ts";
import { ClientMutationConflictError } from "../services/client-mutations.ts";
import type { RequestLimitName } from "../services/limit-policies.ts";
import { traced } from "../telemetry.ts";
import { enforceLimit } from "./limits.ts";

// ── 1. context ──
export interface Context {
  db: Db;
  session: Session | null;
  requestId: string;
  headers: Headers;
  /** Response headers, where procedures set cookies; absent for server-side callers. */
  resHeaders?: Headers;
}

/**
 * The context of an HTTP call: the route's guard (server/http/guard.ts) has already given the
 * request its id, checked the origin and looked up (and slid) the session.
 */
export function contextFromGuard(guard: Guard, headers: Headers, resHeaders: Headers): Context {
  return { db: guard.db, session: guard.session, requestId: guard.requestId, headers, resHeaders };
}

/** The context of a server-side caller (a server component rendering with the request's cookies). */
export async function createContext({ headers }: { headers: Headers }): Promise<Context> {
  const { db } = await getRuntime();
  const session = await sessionFromCookies(db, headers.get("cookie"));
  return { db, session, requestId: randomUUID(), headers };
}

// ── 2. init ──
const log = moduleLogger("trpc");

/** "HitObjects.3.Lane: Too big" style lines from a zod error, for people. */
export function describeZodError(error: ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => (issue.path.length > 0 ? `${issue.path.join(".")}: ${issue.message}` : issue.message))
    .join("; ");
}

/**
 * Procedure metadata, so tests can walk every procedure: the permission it checks, and the limit it
 * counts against (every mutation names one; ./limits.ts).
 */
export interface ProcedureMeta {
  action?: Action;
  limit?: RequestLimitName;
}

/** Conflicting edits travel with a CONFLICT error, so the editor can show them note by note. */
const MAX_CONFLICTS_SENT = 200;

const t = initTRPC
  .context<Context>()
  .meta<ProcedureMeta>()
  .create({
    transformer: superjson,
    errorFormatter({ shape, error, ctx }) {
      const zodError = error.cause instanceof ZodError ? error.cause : null;
      let message = shape.message;
      if (zodError) message = `Invalid input: ${describeZodError(zodError)}`;
      else if (error.code === "INTERNAL_SERVER_ERROR") {
        // Internals stay in the log; the person gets a reference to quote.
        message = `Something went wrong on the server (reference ${ctx?.requestId ?? "unknown"}). Please try again; if it keeps happening, report the reference.`;
      }
      return {
        ...shape,
        message,
        data: {
          ...shape.data,
          stack: undefined,
          fieldErrors: zodError ? zodError.flatten().fieldErrors : null,
          conflicts:
            error.cause instanceof DiffConflictError
              ? error.cause.conflicts.slice(0, MAX_CONFLICTS_SENT)
              : null,
        },
      };
    },
  });

// ── 3. procedures ──
export const createTRPCRouter = t.router;
export const createCallerFactory = t.createCallerFactory;

const logged = t.middleware(async ({ ctx, path, type, next }) => {
  const started = performance.now();
  const result = await traced(
    `trpc ${path}`,
    { "rpc.method": path, "beatsight.request_id": ctx.requestId },
    () => next(),
  );
  const seconds = (performance.now() - started) / 1000;
  // Labels stay bounded: only existing procedures reach a middleware, and error codes are tRPC's few.
  processMetrics().trpcDuration.observe(
    { procedure: path, type, outcome: result.ok ? "ok" : result.error.code },
    seconds,
  );
  const ms = Math.round(seconds * 10_000) / 10;
  if (!result.ok && result.error.code === "INTERNAL_SERVER_ERROR") {
    log.error(
      { requestId: ctx.requestId, path, type, ms, err: result.error.cause ?? result.error },
      "procedure failed",
    );
  } else {
    log.debug({ requestId: ctx.requestId, path, type, ms, ok: result.ok }, "procedure");
  }
  return result;
});

/**
 * A database too busy to answer (server/db/transaction.ts: retried transactions that still failed,
 * or a transient failure outside one) is 503 with Retry-After, never a 500: the outbox and the
 * person try again later. A client mutation id reused for a different change is 409.
 */
const serviceErrors = t.middleware(async ({ ctx, path, next }) => {
  const result = await next();
  if (result.ok) return result;
  const cause = result.error.cause;
  if (cause instanceof ClientMutationConflictError) {
    throw new TRPCError({ code: "CONFLICT", message: cause.message, cause });
  }
  if (result.error.code !== "INTERNAL_SERVER_ERROR") return result;
  const busy = asUnavailable(cause);
  if (!busy) return result;
  const code = (busy.cause as { code?: unknown } | undefined)?.code;
  log.warn({ requestId: ctx.requestId, path, attempts: busy.attempts, code }, "database busy");
  ctx.resHeaders?.set("Retry-After", String(busy.retryAfterSeconds));
  throw new TRPCError({ code: "SERVICE_UNAVAILABLE", message: busy.message, cause: busy });
});

// Same-origin checks, the session and the request id come from the route's guard
// (server/http/guard.ts), before any procedure runs.
export const publicProcedure = t.procedure
  .use(logged)
  .use(serviceErrors)
  .use(async ({ ctx, meta, next }) => {
    await enforceLimit(ctx, meta);
    return next();
  });

export const protectedProcedure = publicProcedure.use(({ ctx, next }) => {
  if (!ctx.session) throw new TRPCError({ code: "UNAUTHORIZED", message: "Please sign in to do this." });
  return next({ ctx: { ...ctx, session: ctx.session } });
});

/**
 * A procedure only actors allowed to take `action` may call (server/auth/permissions.ts). The loaded
 * actor (karma, roles) is handed on so the procedure need not query it again.
 */
export function permittedProcedure(action: Action) {
  return protectedProcedure.meta({ action }).use(async ({ ctx, next }) => {
    const actor: Actor | null = await loadActor(ctx.db, ctx.session.user.id);
    if (!can(actor, action)) {
      throw new TRPCError({
        code: "FORBIDDEN",
        message: actor?.emailVerified
          ? "Your role does not allow this yet; it unlocks with karma earned from accepted fixes."
          : "Please verify your email address first.",
      });
    }
    return next({ ctx: { ...ctx, actor: actor as Actor } });
  });
}
