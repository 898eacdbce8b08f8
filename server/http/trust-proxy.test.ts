import { describe, expect, it } from "vitest";
import {
  limitKey,
  normalizeAddress,
  parseTrustProxy,
  resolveClientAddress,
  TRUST_NONE,
} from "./trust-proxy.ts";

describe("parseTrustProxy", () => {
  it('reads unset, "false" and 0 as trusting nobody', () => {
    for (const value of [undefined, "", "false", "FALSE", "0"])
      expect(parseTrustProxy(value)).toEqual(TRUST_NONE);
  });

  it("reads a number as a hop count and a list as proxy ranges", () => {
    expect(parseTrustProxy("2")).toEqual({ kind: "hops", hops: 2 });
    const ranges = parseTrustProxy(" 10.0.0.0/8, ::1 ,::ffff:192.0.2.1 ");
    expect(ranges).toMatchObject({ kind: "ranges", ranges: ["10.0.0.0/8", "::1/128", "192.0.2.1/32"] });
  });

  it('refuses "true", names and impossible prefixes with a sentence', () => {
    expect(parseTrustProxy("true")).toMatchObject({
      problem: expect.stringContaining("any client could choose"),
    });
    expect(parseTrustProxy("10.0.0.0/33")).toMatchObject({
      problem: expect.stringContaining('"10.0.0.0/33"'),
    });
    expect(parseTrustProxy("proxy.internal")).toMatchObject({
      problem: expect.stringContaining("not an address"),
    });
    expect(parseTrustProxy("10.0.0.0/8/1")).toHaveProperty("problem");
  });
});

describe("normalizeAddress", () => {
  it("writes IPv4-mapped IPv6 as IPv4, in either spelling", () => {
    expect(normalizeAddress("::ffff:192.0.2.10")).toBe("192.0.2.10");
    expect(normalizeAddress("::FFFF:C000:020A")).toBe("192.0.2.10");
    expect(normalizeAddress("0:0:0:0:0:ffff:192.0.2.10")).toBe("192.0.2.10");
  });

  it("gives one spelling per IPv6 address and drops ports and zones", () => {
    expect(normalizeAddress("2001:0DB8:0:0:0:0:0:1")).toBe("2001:db8::1");
    expect(normalizeAddress("[2001:db8::1]:443")).toBe("2001:db8::1");
    expect(normalizeAddress("fe80::1%eth0")).toBe("fe80::1");
    expect(normalizeAddress(" 203.0.113.5:5678 ")).toBe("203.0.113.5");
  });

  it("refuses what is not an address", () => {
    for (const junk of ["", "unknown", "local", "example.com", "1.2.3", "[::1", "999.1.1.1"])
      expect(normalizeAddress(junk)).toBeNull();
  });
});

describe("resolveClientAddress", () => {
  const forwarded = ["6.6.6.6", "203.0.113.5", "10.0.0.7"];

  it("with a hop count takes that many steps left from the peer, at most to the first entry", () => {
    expect(resolveClientAddress("10.0.0.2", forwarded, { kind: "hops", hops: 1 })).toBe("10.0.0.7");
    expect(resolveClientAddress("10.0.0.2", forwarded, { kind: "hops", hops: 2 })).toBe("203.0.113.5");
    expect(resolveClientAddress("10.0.0.2", forwarded, { kind: "hops", hops: 9 })).toBe("6.6.6.6");
  });

  it("stops at an entry that is not an address, on the last proxy", () => {
    expect(resolveClientAddress("10.0.0.2", ["garbage"], { kind: "hops", hops: 1 })).toBe("10.0.0.2");
  });
});

describe("limitKey", () => {
  it("counts an IPv6 /64 as one client and IPv4 addresses one by one", () => {
    expect(limitKey("2001:db8:1:2:aaaa::1")).toBe("2001:db8:1:2::/64");
    expect(limitKey("2001:db8:1:2::ffff")).toBe("2001:db8:1:2::/64");
    expect(limitKey("2001:db8::1")).toBe("2001:db8:0:0::/64");
    expect(limitKey("::1")).toBe("0:0:0:0::/64");
    expect(limitKey("203.0.113.5")).toBe("203.0.113.5");
    expect(limitKey("unknown")).toBe("unknown");
  });
});
