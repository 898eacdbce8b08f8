// The account's own data: download all of it, or delete the account (services/account-data.ts).
// Both need a fresh proof that the account holder is here, sent with the call itself: the current
// password or a passkey signature (services/reauthentication.ts). Both are mutations, so the proof
// travels in a POST body (never a URL) and the request guard refuses them cross-site.
import { z } from "zod";
import { appOrigin } from "../../auth/request-origin.ts";
import { clearSessionCookie } from "../../auth/sessions.ts";
import { clientAddress } from "../../http/client-address.ts";
import { moduleLogger } from "../../log.ts";
import { deleteAccount, exportAccountData, recordExport } from "../../services/account-data.ts";
import { relyingParty } from "../../services/passkeys.ts";
import { confirmIdentity, IdentityProofSchema } from "../../services/reauthentication.ts";
import { type Context, createTRPCRouter, protectedProcedure } from "../init.ts";
import { withAccountErrors } from "./auth.ts";

const log = moduleLogger("account");

const accountProcedure = protectedProcedure.use(async ({ ctx, next }) =>
  withAccountErrors(await next(), ctx),
);

const proof = IdentityProofSchema;

function confirm(ctx: Context & { session: NonNullable<Context["session"]> }, given: z.infer<typeof proof>) {
  return confirmIdentity(ctx.db, ctx.session.user.id, given, relyingParty(appOrigin(ctx.headers)));
}

export const accountRouter = createTRPCRouter({
  /** Which proofs this account can give: a password field, a passkey button, or both. */
  proofMethods: protectedProcedure.query(async ({ ctx }) => {
    const user = await ctx.db.user.findUniqueOrThrow({
      where: { id: ctx.session.user.id },
      select: { passwordHash: true, _count: { select: { passkeys: true } } },
    });
    return { password: user.passwordHash !== null, passkey: user._count.passkeys > 0 };
  }),

  /** Everything stored about the account, as one JSON document (the page saves it as a file). */
  exportData: accountProcedure
    .meta({ limit: "account.exportData" })
    .input(z.object({ proof }))
    .mutation(async ({ ctx, input }) => {
      await confirm(ctx, input.proof);
      const data = await exportAccountData(ctx.db, ctx.session.user.id);
      await recordExport(ctx.db, ctx.session.user.id, clientAddress(ctx.headers));
      return data;
    }),

  /** Deletes the account for good and signs this browser out (every other session ends with it). */
  deleteAccount: accountProcedure
    .meta({ limit: "account.deleteAccount" })
    .input(
      z.object({
        proof,
        confirm: z.literal(true, "Tick the box to confirm that you want to delete your account."),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      await confirm(ctx, input.proof);
      const summary = await deleteAccount(ctx.db, ctx.session.user.id);
      log.info({ requestId: ctx.requestId, userId: ctx.session.user.id, ...summary }, "account deleted");
      if (ctx.resHeaders) clearSessionCookie(ctx.resHeaders, ctx.headers);
      return { ok: true as const };
    }),
});
