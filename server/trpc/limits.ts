// Every write a person makes through the API counts against a limit: a mutation names its policy in
// its meta (`.meta({ limit: "comments.add" })`, policies in services/limit-policies.ts) and this
// check, run for every procedure (init.ts), counts it in the shared store before the procedure runs.
// limits.int.test.ts walks the app router and fails on a mutation that names no limit.
//
// A refusal is TOO_MANY_REQUESTS (HTTP 429) with the wait in words and in Retry-After. It is counted
// before permissions and input are checked, so a flood of refused or malformed calls is limited too.
import { TRPCError } from "@trpc/server";
import { clientAddress } from "../http/client-address.ts";
import { limitKey } from "../http/trust-proxy.ts";
import { LIMITS } from "../services/limit-policies.ts";
import { takeRequestLimit, waitText } from "../services/rate-limit.ts";
import type { Context, ProcedureMeta } from "./init.ts";

/** Counts the call against its procedure's limit; throws TOO_MANY_REQUESTS when over it. */
export async function enforceLimit(ctx: Context, meta: ProcedureMeta | undefined): Promise<void> {
  const name = meta?.limit;
  if (!name) return;
  const refusal = await takeRequestLimit(ctx.db, name, {
    userId: ctx.session?.user.id ?? null,
    address: limitKey(clientAddress(ctx.headers)),
  });
  if (!refusal) return;
  ctx.resHeaders?.set("Retry-After", String(refusal.wait));
  throw new TRPCError({
    code: "TOO_MANY_REQUESTS",
    message: `Too many ${LIMITS[name].what} from your ${refusal.from}. Please wait ${waitText(refusal.wait)} and try again.`,
  });
}
