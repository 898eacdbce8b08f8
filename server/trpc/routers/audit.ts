// audit: reading the audit log (admins). Writing happens in the services, beside each change.
import { z } from "zod";
import { listAudit } from "../../services/audit.ts";
import { createTRPCRouter, permittedProcedure } from "../init.ts";

export const auditRouter = createTRPCRouter({
  list: permittedProcedure("audit.view")
    .input(
      z
        .object({
          limit: z.number().int().min(1).max(200).default(50),
          beforeId: z
            .string()
            .regex(/^\d{1,19}$/, "is not an audit entry id")
            .optional(),
          action: z.string().max(64).optional(),
        })
        .optional(),
    )
    .query(({ ctx, input }) =>
      listAudit(ctx.db, {
        limit: input?.limit ?? 50,
        ...(input?.beforeId ? { beforeId: input.beforeId } : {}),
        ...(input?.action ? { action: input.action } : {}),
      }),
    ),
});
