// Community service errors → tRPC errors. CommunityError carries its own code and a sentence for
// people; a ProposalConflictError (conflicting edits) becomes CONFLICT with the conflicts attached
// (init.ts puts them in `error.data.conflicts`). Anything else stays internal.
import { TRPCError } from "@trpc/server";
import { CommunityError } from "../services/community-errors.ts";
import { ProposalConflictError } from "../services/proposals.ts";

export async function asTrpc<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof CommunityError)
      throw new TRPCError({ code: error.code, message: error.message, cause: error });
    if (error instanceof ProposalConflictError) {
      throw new TRPCError({ code: "CONFLICT", message: error.message, cause: error });
    }
    throw error;
  }
}
