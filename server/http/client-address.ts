// The client's network address, for every rate limit, audit entry and log line. The socket's
// peer arrives in REMOTE_ADDRESS_HEADER (scripts/serve.mjs writes it; see remote-address.mjs);
// X-Forwarded-For is believed only as far as TRUST_PROXY says (trust-proxy.ts).
import { env } from "../env.ts";
import { moduleLogger } from "../log.ts";
import { REMOTE_ADDRESS_HEADER } from "./remote-address.mjs";
import { normalizeAddress, resolveClientAddress, type TrustProxy } from "./trust-proxy.ts";

/** What an address that cannot be known is counted as (a socket closed before it was read). */
export const UNKNOWN_ADDRESS = "unknown";

let warned = false;

export function clientAddress(headers: Headers, trust: TrustProxy = env().TRUST_PROXY): string {
  const forwarded =
    headers
      .get("x-forwarded-for")
      ?.split(",")
      .map((entry) => entry.trim())
      .filter(Boolean) ?? [];
  const peer = headers.get(REMOTE_ADDRESS_HEADER);
  if (peer !== null) {
    return resolveClientAddress(normalizeAddress(peer) ?? UNKNOWN_ADDRESS, forwarded, trust);
  }
  // Served without scripts/serve.mjs (`next dev`, a bare `next start`): the socket is out of
  // reach. Next writes its address into X-Forwarded-For when the client sent none, and a proxy
  // appends its peer on the right, so the last entry is the one a client controls least; it is
  // still a per-client key, never one bucket for everyone. A client that sends its own header
  // chooses it, hence the warning.
  if (!warned && env().NODE_ENV === "production") {
    warned = true;
    moduleLogger("http").warn(
      "Started without scripts/serve.mjs: client addresses come from X-Forwarded-For and can be forged; start with `npm start`",
    );
  }
  const last = forwarded.at(-1);
  return (last && normalizeAddress(last)) || UNKNOWN_ADDRESS;
}
