import type { IncomingMessage } from "node:http";
import { describe, expect, it } from "vitest";
import { clientAddress } from "./client-address.ts";
import { REMOTE_ADDRESS_HEADER, stampRemoteAddress } from "./remote-address.mjs";
import { parseTrustProxy, TRUST_NONE, type TrustProxy } from "./trust-proxy.ts";

function trust(value: string): TrustProxy {
  const parsed = parseTrustProxy(value);
  if ("problem" in parsed) throw new Error(parsed.problem);
  return parsed;
}

/** The headers a route handler sees for a request from `peer` (stamped as scripts/serve.mjs does). */
function fromPeer(peer: string, headers: Record<string, string> = {}): Headers {
  const req = { socket: { remoteAddress: peer }, headers: { ...headers } } as unknown as IncomingMessage;
  stampRemoteAddress(req);
  return new Headers(req.headers as Record<string, string>);
}

describe("clientAddress", () => {
  it("with trust off, is the socket's peer whatever X-Forwarded-For or X-Real-IP claim", () => {
    for (const spoofed of ["203.0.113.1", "203.0.113.2", "198.51.100.1, 203.0.113.3"]) {
      const headers = fromPeer("192.0.2.10", { "x-forwarded-for": spoofed, "x-real-ip": spoofed });
      expect(clientAddress(headers, TRUST_NONE)).toBe("192.0.2.10");
    }
  });

  it("replaces a peer header the client sent itself", () => {
    const headers = fromPeer("192.0.2.10", { [REMOTE_ADDRESS_HEADER]: "203.0.113.9" });
    expect(clientAddress(headers, TRUST_NONE)).toBe("192.0.2.10");
  });

  it("with one hop trusted, is the entry the nearest proxy appended", () => {
    const headers = fromPeer("10.0.0.2", { "x-forwarded-for": "6.6.6.6, 203.0.113.5" });
    expect(clientAddress(headers, trust("1"))).toBe("203.0.113.5");
    expect(clientAddress(headers, trust("2"))).toBe("6.6.6.6");
    // A request that reached us without the proxy has nothing to step over.
    expect(clientAddress(fromPeer("192.0.2.10"), trust("1"))).toBe("192.0.2.10");
  });

  it("with trusted ranges, walks X-Forwarded-For from the right past the proxies only", () => {
    const ranges = trust("10.0.0.0/8, 2001:db8:ffff::/48");
    const viaTwoProxies = fromPeer("::ffff:10.0.0.2", {
      "x-forwarded-for": "6.6.6.6, 203.0.113.5, 2001:db8:ffff::7",
    });
    expect(clientAddress(viaTwoProxies, ranges)).toBe("203.0.113.5");
    // The peer is not a proxy: what it says about anyone else is not believed.
    const direct = fromPeer("198.51.100.4", { "x-forwarded-for": "6.6.6.6" });
    expect(clientAddress(direct, ranges)).toBe("198.51.100.4");
    // Everything was a proxy: the leftmost address is the best there is.
    expect(clientAddress(fromPeer("10.0.0.2", { "x-forwarded-for": "10.9.9.9" }), ranges)).toBe("10.9.9.9");
  });

  it("writes an IPv4-mapped peer as IPv4 and an IPv6 peer in one spelling", () => {
    expect(clientAddress(fromPeer("::ffff:127.0.0.1"), TRUST_NONE)).toBe("127.0.0.1");
    expect(clientAddress(fromPeer("2001:DB8:0::1"), TRUST_NONE)).toBe("2001:db8::1");
  });

  it("without a stamped peer (next dev), uses the last X-Forwarded-For entry, never one shared key", () => {
    expect(clientAddress(new Headers({ "x-forwarded-for": "6.6.6.6, ::ffff:192.0.2.10" }), TRUST_NONE)).toBe(
      "192.0.2.10",
    );
    expect(clientAddress(new Headers(), TRUST_NONE)).toBe("unknown");
  });
});
