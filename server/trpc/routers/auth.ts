// Accounts over tRPC: thin wrappers over services/accounts.ts, sign-in.ts and passkeys.ts that add
// what only the request knows (address, user agent, the app's origin) and set or clear the
// session cookie. Every mutation here is also same-origin only (init.ts).
import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { PASSWORD_LENGTH } from "../../auth/password.ts";
import { effectiveRoles, loadActor } from "../../auth/permissions.ts";
import { appOrigin } from "../../auth/request-origin.ts";
import {
  clearSessionCookie,
  listSessions,
  type NewSession,
  revokeSession,
  setSessionCookie,
} from "../../auth/sessions.ts";
import { clientAddress } from "../../http/client-address.ts";
import { MailError } from "../../mail/send-mail.ts";
import {
  AccountError,
  type RequestInfo,
  requestPasswordReset,
  resendVerification,
  resetPassword,
  signOutEverywhereElse,
  signUp,
  updateDisplayName,
  verifyEmail,
} from "../../services/accounts.ts";
import {
  AuthenticationResponseSchema,
  authenticationOptions,
  finishAuthentication,
  finishRegistration,
  listPasskeys,
  RegistrationResponseSchema,
  registrationOptions,
  relyingParty,
  removePasskey,
} from "../../services/passkeys.ts";
import { requestSignInLink, signInWithLink, signInWithPassword } from "../../services/sign-in.ts";
import { type Context, createTRPCRouter, protectedProcedure, publicProcedure } from "../init.ts";

const email = z
  .string()
  .trim()
  .pipe(
    z
      .email("Enter a valid email address, like name@example.com.")
      .max(254, "That email address is too long."),
  );
const displayName = z
  .string()
  .trim()
  .min(1, "Enter a name to show to other drummers.")
  .max(64, "Use at most 64 characters for your name.");
// Length rules with their sentences live in auth/password.ts; this only bounds the input.
const password = z
  .string()
  .min(1, "Enter your password.")
  .max(PASSWORD_LENGTH.max * 4);
const token = z.string().min(1).max(128);

function requestInfo(ctx: Context): RequestInfo {
  return {
    ip: clientAddress(ctx.headers),
    userAgent: ctx.headers.get("user-agent"),
    origin: appOrigin(ctx.headers),
  };
}

/**
 * Turns service refusals (and a mail server that is down) into tRPC errors with the same sentence;
 * a refusal for too many tries also answers Retry-After when `ctx` can carry it.
 */
export async function withAccountErrors<R extends { ok: boolean; error?: unknown }>(
  result: R,
  ctx?: Context,
): Promise<R> {
  if (!result.ok && result.error instanceof TRPCError) {
    const cause = result.error.cause;
    if (cause instanceof AccountError) {
      if (cause.retryAfterSeconds) ctx?.resHeaders?.set("Retry-After", String(cause.retryAfterSeconds));
      throw new TRPCError({ code: cause.code, message: cause.message });
    }
    if (cause instanceof MailError)
      throw new TRPCError({ code: "SERVICE_UNAVAILABLE", message: cause.message });
  }
  return result;
}
const accountProcedure = publicProcedure.use(async ({ ctx, next }) => withAccountErrors(await next(), ctx));
const signedInAccountProcedure = protectedProcedure.use(async ({ ctx, next }) =>
  withAccountErrors(await next(), ctx),
);

/** Starts the new session in the browser and ends the one it replaces (a fresh token at every sign-in). */
async function startSession(ctx: Context, session: NewSession): Promise<void> {
  if (ctx.session) await ctx.db.session.deleteMany({ where: { id: ctx.session.id } });
  if (ctx.resHeaders) setSessionCookie(ctx.resHeaders, ctx.headers, session.token, session.expiresAt);
}

export const authRouter = createTRPCRouter({
  /** The signed-in user, or null. */
  me: publicProcedure.query(({ ctx }) => ctx.session?.user ?? null),

  /** The account page: who you are, karma and roles (auth/permissions.ts). */
  account: protectedProcedure.query(async ({ ctx }) => {
    const actor = await loadActor(ctx.db, ctx.session.user.id);
    const roles = actor ? [...effectiveRoles(actor)] : [];
    return {
      user: ctx.session.user,
      karma: actor?.karma ?? 0,
      roles: (["fixer", "verifier", "curator", "admin"] as const).filter((r) => roles.includes(r)),
      appointed: actor ? [...actor.appointed].sort() : [],
    };
  }),

  signUp: accountProcedure
    .meta({ limit: "auth.signUp" })
    .input(z.object({ email, password, displayName }))
    .mutation(({ ctx, input }) => signUp(ctx.db, input, requestInfo(ctx))),

  verifyEmail: accountProcedure
    .meta({ limit: "auth.verifyEmail" })
    .input(z.object({ token }))
    .mutation(({ ctx, input }) => verifyEmail(ctx.db, input.token, requestInfo(ctx))),

  resendVerification: signedInAccountProcedure
    .meta({ limit: "auth.resendVerification" })
    .mutation(({ ctx }) => resendVerification(ctx.db, ctx.session.user.id, requestInfo(ctx))),

  signIn: accountProcedure
    .meta({ limit: "auth.signIn" })
    .input(z.object({ email, password }))
    .mutation(async ({ ctx, input }) => {
      const { session } = await signInWithPassword(ctx.db, input, requestInfo(ctx));
      await startSession(ctx, session);
      return { ok: true as const };
    }),

  /** A one-time sign-in link by email: the same answer for any address. */
  requestSignInLink: accountProcedure
    .meta({ limit: "auth.requestSignInLink" })
    .input(z.object({ email }))
    .mutation(({ ctx, input }) => requestSignInLink(ctx.db, input.email, requestInfo(ctx))),

  signInWithLink: accountProcedure
    .meta({ limit: "auth.signInWithLink" })
    .input(z.object({ token }))
    .mutation(async ({ ctx, input }) => {
      const { session } = await signInWithLink(ctx.db, input.token, requestInfo(ctx));
      await startSession(ctx, session);
      return { ok: true as const };
    }),

  signOut: publicProcedure.meta({ limit: "auth.signOut" }).mutation(async ({ ctx }) => {
    if (ctx.session) await revokeSession(ctx.db, ctx.session.user.id, ctx.session.id);
    if (ctx.resHeaders) clearSessionCookie(ctx.resHeaders, ctx.headers);
    return { ok: true as const };
  }),

  requestPasswordReset: accountProcedure
    .meta({ limit: "auth.requestPasswordReset" })
    .input(z.object({ email }))
    .mutation(({ ctx, input }) => requestPasswordReset(ctx.db, input.email, requestInfo(ctx))),

  resetPassword: accountProcedure
    .meta({ limit: "auth.resetPassword" })
    .input(z.object({ token, password }))
    .mutation(async ({ ctx, input }) => {
      const result = await resetPassword(ctx.db, input, requestInfo(ctx));
      // Every session of the account just ended, this browser's included.
      if (ctx.resHeaders) clearSessionCookie(ctx.resHeaders, ctx.headers);
      return result;
    }),

  updateProfile: protectedProcedure
    .meta({ limit: "auth.updateProfile" })
    .input(z.object({ displayName }))
    .mutation(async ({ ctx, input }) => {
      await updateDisplayName(ctx.db, ctx.session.user.id, input.displayName);
      return { ok: true as const };
    }),

  sessions: protectedProcedure.query(async ({ ctx }) => {
    const rows = await listSessions(ctx.db, ctx.session.user.id);
    return rows.map((s) => ({ ...s, current: s.id === ctx.session.id }));
  }),

  revokeSession: protectedProcedure
    .meta({ limit: "auth.revokeSession" })
    .input(z.object({ sessionId: z.uuid() }))
    .mutation(async ({ ctx, input }) => {
      const ended = await revokeSession(ctx.db, ctx.session.user.id, input.sessionId);
      if (input.sessionId === ctx.session.id && ctx.resHeaders)
        clearSessionCookie(ctx.resHeaders, ctx.headers);
      return { ended };
    }),

  revokeOtherSessions: protectedProcedure
    .meta({ limit: "auth.revokeOtherSessions" })
    .mutation(async ({ ctx }) => ({
      ended: await signOutEverywhereElse(
        ctx.db,
        ctx.session.user.id,
        ctx.session.id,
        clientAddress(ctx.headers),
      ),
    })),

  passkeys: protectedProcedure.query(({ ctx }) => listPasskeys(ctx.db, ctx.session.user.id)),

  /** Step 1 of adding a passkey: options for the browser's navigator.credentials.create(). */
  passkeyRegistrationOptions: protectedProcedure
    .meta({ limit: "auth.passkeyRegistrationOptions" })
    .mutation(({ ctx }) =>
      registrationOptions(ctx.db, ctx.session.user, relyingParty(appOrigin(ctx.headers))),
    ),

  /** Step 2: the authenticator's answer. */
  registerPasskey: signedInAccountProcedure
    .meta({ limit: "auth.registerPasskey" })
    .input(z.object({ response: RegistrationResponseSchema, name: z.string().trim().max(64).optional() }))
    .mutation(({ ctx, input }) =>
      finishRegistration(
        ctx.db,
        ctx.session.user.id,
        input.response,
        input.name || null,
        relyingParty(appOrigin(ctx.headers)),
        clientAddress(ctx.headers),
      ),
    ),

  removePasskey: signedInAccountProcedure
    .meta({ limit: "auth.removePasskey" })
    .input(z.object({ passkeyId: z.uuid() }))
    .mutation(async ({ ctx, input }) => {
      await removePasskey(ctx.db, ctx.session.user.id, input.passkeyId, clientAddress(ctx.headers));
      return { ok: true as const };
    }),

  /** Step 1 of signing in with a passkey: a challenge for navigator.credentials.get(). */
  passkeyAuthenticationOptions: accountProcedure
    .meta({ limit: "auth.passkeyAuthenticationOptions" })
    .mutation(({ ctx }) => authenticationOptions(ctx.db, relyingParty(appOrigin(ctx.headers)))),

  /** Step 2: a signed challenge; starts a session for the passkey's owner. */
  signInWithPasskey: accountProcedure
    .meta({ limit: "auth.signInWithPasskey" })
    .input(z.object({ response: AuthenticationResponseSchema }))
    .mutation(async ({ ctx, input }) => {
      const info = requestInfo(ctx);
      const { session } = await finishAuthentication(ctx.db, input.response, relyingParty(info.origin), info);
      await startSession(ctx, session);
      return { ok: true as const };
    }),
});
