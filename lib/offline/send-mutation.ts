// Sends one queued change to the server's tRPC API with plain fetch, so the same code runs in the
// page and in the service worker (Background Sync), where no React or tRPC client exists.
// The wire format is tRPC's non-batched HTTP mutation with the superjson transformer:
// POST /api/trpc/<procedure> with {"json": input}; errors come back as {"error": {"json": …}}.

/**
 * Mutations that may wait in the outbox. Each must apply once however often it is sent: by its
 * `clientMutationId` (maps.submitGenerated, proposals.create), by its own id (results.submit), or by
 * its nature (votes.cast is one row per person and version).
 */
export const OUTBOX_PROCEDURES = [
  "maps.submitGenerated",
  "results.submit",
  "proposals.create",
  "votes.cast",
] as const;
export type OutboxProcedure = (typeof OUTBOX_PROCEDURES)[number];

export function isOutboxProcedure(kind: string): kind is OutboxProcedure {
  return (OUTBOX_PROCEDURES as readonly string[]).includes(kind);
}

export class MutationSendError extends Error {
  override name = "MutationSendError";
  constructor(
    message: string,
    /** False for a refusal that sending again cannot fix (bad input, forbidden); true for network or server trouble. */
    readonly retryable: boolean,
    /** The change needs an account: it waits for the user to sign in, without holding up the others. */
    readonly needsSignIn = false,
  ) {
    super(message);
  }
}

type Fetch = (input: string, init: RequestInit) => Promise<Response>;

/** Sends `input` (with its client mutation id) and returns the server's answer (superjson `json` part). */
export async function sendMutation(
  procedure: OutboxProcedure,
  input: Record<string, unknown>,
  options: { fetch?: Fetch; origin?: string } = {},
): Promise<unknown> {
  const doFetch = options.fetch ?? ((url, init) => fetch(url, init));
  let response: Response;
  try {
    response = await doFetch(`${options.origin ?? ""}/api/trpc/${procedure}`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-beatsight-outbox": "1" },
      body: JSON.stringify({ json: input }),
      credentials: "same-origin",
    });
  } catch (error) {
    throw new MutationSendError(`The server could not be reached (${String(error)}).`, true);
  }
  let body: { result?: { data?: { json?: unknown } }; error?: { json?: { message?: string } } } | null;
  try {
    body = (await response.json()) as typeof body;
  } catch {
    body = null;
  }
  if (response.ok && body?.result) return body.result.data?.json;
  const message = body?.error?.json?.message ?? `The server answered HTTP ${response.status}.`;
  if (response.status === 401) throw new MutationSendError(message, true, true);
  // 408 timeout and 429 rate limit pass with time; other 4xx are refusals of this very change.
  const retryable = response.status >= 500 || response.status === 408 || response.status === 429;
  throw new MutationSendError(message, retryable);
}
