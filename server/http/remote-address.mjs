// How the TCP peer's address reaches route handlers. Next.js hands handlers a Fetch Request, which
// has no socket, and fills X-Forwarded-For with the socket's address only when the client sent
// none, so a client's own header is indistinguishable from it. scripts/serve.mjs therefore writes
// the socket's address into this header on every request, replacing any copy the client sent;
// server/http/client-address.ts reads it. Plain JavaScript so the server script can use it unbuilt.

export const REMOTE_ADDRESS_HEADER = "x-beatsight-remote-address";

/**
 * Records the socket's address on the request, overwriting whatever the client claimed.
 * @param {import("node:http").IncomingMessage} req
 */
export function stampRemoteAddress(req) {
  // A socket already closed has no address; "unknown" still overwrites the client's value.
  req.headers[REMOTE_ADDRESS_HEADER] = req.socket.remoteAddress ?? "unknown";
}
