// A POST to the tRPC route as the app's own page sends it (same-origin, JSON, the person's session
// cookie, the proxy's remote-address header), for tests that go through app/api/trpc's handler.
import { REMOTE_ADDRESS_HEADER } from "../server/http/remote-address.mjs";

export interface TrpcPost {
  cookie: string;
  body: BodyInit;
  /** The client's address as the proxy reports it (limits per address count it). */
  address?: string;
  headers?: Record<string, string>;
}

/** `path` is the procedure part of the URL: "auth.updateProfile", or "a,b?batch=1". */
export function trpcPostRequest(
  path: string,
  { cookie, body, address = "198.51.100.77", headers = {} }: TrpcPost,
) {
  return new Request(`http://beatsight.test/api/trpc/${path}`, {
    method: "POST",
    headers: {
      host: "beatsight.test",
      "sec-fetch-site": "same-origin",
      "content-type": "application/json",
      cookie,
      [REMOTE_ADDRESS_HEADER]: address,
      ...headers,
    },
    body,
    // A stream body needs half duplex in undici's Request.
    ...(body instanceof ReadableStream ? { duplex: "half" } : {}),
  } as RequestInit);
}
