// Limits the browser's API client and the server agree on.

/**
 * The most tRPC calls one HTTP request may batch. A page asks for a handful at once; the server
 * refuses larger batches (400), so the client's batch link splits at the same size.
 */
export const MAX_TRPC_BATCH = 20;
