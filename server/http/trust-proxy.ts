// Which proxies in front of the app are trusted to say who the client is (the TRUST_PROXY setting),
// and how the client is found in an X-Forwarded-For chain with that trust. Pure: no environment.
//
// X-Forwarded-For reads "client, proxy1, proxy2": each proxy appends the address it received the
// request from, so only entries appended by proxies we trust are true; anything further left was
// written by whoever sent the request and may be made up.
import { BlockList, isIP } from "node:net";

export type TrustProxy =
  /** Nobody: the client is the socket's peer. */
  | { kind: "none" }
  /** This many proxies sit in front of the app: 1 = the entry the nearest proxy appended. */
  | { kind: "hops"; hops: number }
  /** Peers in these ranges are proxies: walk the chain leftwards past them. */
  | { kind: "ranges"; ranges: readonly string[]; list: BlockList };

export const TRUST_NONE: TrustProxy = { kind: "none" };

const USAGE =
  'must be "false", a hop count (1 = one proxy in front) or a comma-separated list of the proxies\' addresses or CIDR ranges';

/** The setting as a value, or a sentence naming what is wrong with it. */
export function parseTrustProxy(raw: string | undefined): TrustProxy | { problem: string } {
  const value = raw?.trim().toLowerCase() ?? "";
  if (value === "" || value === "false" || value === "0") return TRUST_NONE;
  if (value === "true") {
    return {
      problem: `"true" would trust every hop, so any client could choose its address; it ${USAGE}`,
    };
  }
  if (/^\d+$/.test(value)) return { kind: "hops", hops: Number(value) };
  const list = new BlockList();
  const ranges: string[] = [];
  for (const entry of value.split(",").map((e) => e.trim())) {
    const [rawAddress = "", prefix, extra] = entry.split("/");
    const address = normalizeAddress(rawAddress);
    const family = address ? isIP(address) : 0;
    const bits = family === 4 ? 32 : 128;
    const length = prefix === undefined ? bits : /^\d{1,3}$/.test(prefix) ? Number(prefix) : -1;
    if (!address || extra !== undefined || length < 0 || length > bits) {
      return { problem: `${USAGE}; "${entry}" is not an address or CIDR range` };
    }
    list.addSubnet(address, length, family === 4 ? "ipv4" : "ipv6");
    ranges.push(`${address}/${length}`);
  }
  return { kind: "ranges", ranges, list };
}

/**
 * One spelling per address, or null for something that is not one: IPv6 lower-cased and
 * compressed, IPv4-mapped IPv6 (::ffff:1.2.3.4, what a dual-stack socket reports) as plain IPv4,
 * and the port or zone some proxies add ("1.2.3.4:5678", "[2001:db8::1]:443", "fe80::1%eth0") dropped.
 */
export function normalizeAddress(raw: string): string | null {
  let address = raw.trim();
  if (address.startsWith("[")) {
    const end = address.indexOf("]");
    if (end < 0) return null;
    address = address.slice(1, end);
  } else if (/^[\d.]+:\d+$/.test(address)) {
    address = address.slice(0, address.lastIndexOf(":"));
  }
  address = address.replace(/%.*$/, "");
  const family = isIP(address);
  if (family === 4) return address;
  if (family !== 6) return null;
  // The URL parser writes IPv6 in its canonical form (RFC 5952), mapped IPv4 as ::ffff:102:304.
  const canonical = new URL(`http://[${address}]/`).hostname.slice(1, -1);
  const mapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(canonical);
  if (!mapped) return canonical;
  const high = Number.parseInt(mapped[1] ?? "0", 16);
  const low = Number.parseInt(mapped[2] ?? "0", 16);
  return [high >> 8, high & 255, low >> 8, low & 255].join(".");
}

function trusted(address: string, trust: TrustProxy, step: number): boolean {
  if (trust.kind === "none") return false;
  if (trust.kind === "hops") return step < trust.hops;
  return trust.list.check(address, isIP(address) === 6 ? "ipv6" : "ipv4");
}

/**
 * The client's address: start at the socket's peer and step left through X-Forwarded-For
 * (`forwarded`, client first, as sent) while the address we stand on is a trusted proxy. An entry
 * that is not an address stops the walk at the last proxy that could be trusted.
 */
export function resolveClientAddress(peer: string, forwarded: readonly string[], trust: TrustProxy): string {
  let current = peer;
  for (let i = forwarded.length - 1, step = 0; i >= 0 && trusted(current, trust, step); i--, step++) {
    const next = normalizeAddress(forwarded[i] ?? "");
    if (!next) break;
    current = next;
  }
  return current;
}

/**
 * The key rate limits count an address under. An IPv6 host is usually given a whole /64 and can
 * pick any address in it, so the /64 is one client; IPv4 addresses count one by one.
 */
export function limitKey(address: string): string {
  if (isIP(address) !== 6) return address;
  const [head = "", tail] = address.split("::");
  const left = head ? head.split(":") : [];
  const right = tail ? tail.split(":") : [];
  const groups = [...left, ...Array<string>(8 - left.length - right.length).fill("0"), ...right];
  return `${groups
    .slice(0, 4)
    .map((g) => Number.parseInt(g, 16).toString(16))
    .join(":")}::/64`;
}
