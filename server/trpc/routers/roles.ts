// roles: admins appoint and remove curators and admins (audited). Logic in server/services/roles.ts.
import { z } from "zod";
import { clientAddress } from "../../http/client-address.ts";
import { appointRole, listAppointments, revokeRole } from "../../services/roles.ts";
import { asTrpc } from "../community-errors.ts";
import { createTRPCRouter, permittedProcedure } from "../init.ts";

export const roleChangeInput = z.object({
  userId: z.uuid("is not a user id"),
  role: z.enum(["curator", "admin"], { error: "must be curator or admin" }),
});

export const rolesRouter = createTRPCRouter({
  /** Everyone with an appointed role, and the person with `email` if asked (to appoint them). */
  list: permittedProcedure("role.appoint")
    .input(z.object({ email: z.string().trim().max(320).optional() }).optional())
    .query(({ ctx, input }) => listAppointments(ctx.db, input?.email || undefined)),

  appoint: permittedProcedure("role.appoint")
    .meta({ limit: "roles.appoint" })
    .input(roleChangeInput)
    .mutation(({ ctx, input }) =>
      asTrpc(() =>
        appointRole(ctx.db, { actorId: ctx.actor.userId, ...input, ip: clientAddress(ctx.headers) }),
      ),
    ),

  revoke: permittedProcedure("role.appoint")
    .meta({ limit: "roles.revoke" })
    .input(roleChangeInput)
    .mutation(({ ctx, input }) =>
      asTrpc(() =>
        revokeRole(ctx.db, { actorId: ctx.actor.userId, ...input, ip: clientAddress(ctx.headers) }),
      ),
    ),
});
