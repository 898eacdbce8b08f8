// The errors community services throw: each carries the tRPC code it becomes and a sentence a
// person can act on. Routers turn them into TRPCErrors (server/trpc/community-errors.ts); anything
// else stays an internal error with a reference.
export type CommunityErrorCode = "BAD_REQUEST" | "NOT_FOUND" | "CONFLICT" | "FORBIDDEN";

export class CommunityError extends Error {
  override name = "CommunityError";
  constructor(
    readonly code: CommunityErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export const badRequest = (message: string) => new CommunityError("BAD_REQUEST", message);
export const notFound = (message: string) => new CommunityError("NOT_FOUND", message);
export const conflict = (message: string) => new CommunityError("CONFLICT", message);
export const forbidden = (message: string) => new CommunityError("FORBIDDEN", message);

/** What a verifier sees when another verifier made a different map canonical first. */
export const CANONICAL_CONFLICT_MESSAGE =
  "Another verifier just verified a different map for this song; reload the queue.";
