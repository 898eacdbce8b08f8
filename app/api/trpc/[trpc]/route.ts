// The tRPC API. The guard (server/http/guard.ts) has checked the origin of mutations and looked up
// the session before any procedure runs; procedures add their own permissions and limits.
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { MAX_TRPC_BATCH } from "@/lib/api-limits.ts";
import { guarded } from "@/server/http/guard.ts";
import { contextFromGuard } from "@/server/trpc/init.ts";
import { appRouter } from "@/server/trpc/root.ts";

export const dynamic = "force-dynamic";

/** The largest API request accepted: a dense 10-minute chart is about 1 MiB of JSON. */
const MAX_BODY_BYTES = 4 * 1024 * 1024;

const handler = guarded({ session: "optional" }, async (req, guard) => {
  let request = req;
  if (req.method === "POST") {
    const declared = req.headers.get("content-length");
    if (declared !== null && Number(declared) > MAX_BODY_BYTES) return tooLarge(req);
    // With a Content-Length, Node's HTTP parser delivers no more bytes than it declares, so the
    // body can go to tRPC as it is. Only a chunked body (no length) is read here, counting as it
    // goes: copying every body into a new Request cost ~2-3 % of a lookup (docs/BENCHMARKS.md).
    if (declared === null) {
      const body = await readLimited(req, MAX_BODY_BYTES);
      if (body === null) return tooLarge(req);
      request = new Request(req.url, { method: req.method, headers: req.headers, body });
    }
  }
  return fetchRequestHandler({
    endpoint: "/api/trpc",
    req: request,
    router: appRouter,
    // One HTTP request may carry a handful of calls (the client batches what a page asks for at
    // once), not thousands: each call is work and a write the limits must see one by one.
    maxBatchSize: MAX_TRPC_BATCH,
    createContext: ({ resHeaders }) => contextFromGuard(guard, request.headers, resHeaders),
  });
});

/** A body sent without a length, or null past `max` bytes (counted while reading). */
async function readLimited(req: Request, max: number): Promise<Uint8Array<ArrayBuffer> | null> {
  if (!req.body) return new Uint8Array(0);
  const reader = req.body.getReader();
  const parts: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.length;
    if (size > max) {
      await reader.cancel();
      return null;
    }
    parts.push(value);
  }
  const out = new Uint8Array(size);
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

/** A tRPC-shaped error (one per batched call) so the client shows the message. */
function tooLarge(req: Request): Response {
  const calls = new URL(req.url).pathname.split("/").pop()?.split(",").length ?? 1;
  const error = {
    error: {
      json: {
        message: `The request is larger than ${MAX_BODY_BYTES / 1024 / 1024} MB; charts that large are not accepted.`,
        code: -32600,
        data: { code: "PAYLOAD_TOO_LARGE", httpStatus: 413 },
      },
    },
  };
  const batched = new URL(req.url).searchParams.get("batch") === "1";
  return Response.json(batched ? Array.from({ length: calls }, () => error) : error, { status: 413 });
}

export { handler as GET, handler as POST };
