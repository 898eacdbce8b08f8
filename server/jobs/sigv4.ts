// AWS Signature Version 4 for S3-compatible object storage (AWS S3, MinIO, R2, …): the one piece
// of an S3 client the upload store needs, written here rather than pulling in the AWS SDK (tens of
// MB) for four requests. Checked against AWS's published example in sigv4.test.ts.
import { createHash, createHmac } from "node:crypto";

export interface SigningKey {
  accessKeyId: string;
  secretAccessKey: string;
  region: string;
  service?: string;
}

export const EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

const sha256Hex = (data: string | Uint8Array) => createHash("sha256").update(data).digest("hex");
const hmac = (key: Buffer | string, data: string) => createHmac("sha256", key).update(data).digest();

/** RFC 3986 encoding as SigV4 wants it (`/` kept in paths). */
function encode(s: string, keepSlash: boolean): string {
  return encodeURIComponent(s)
    .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%2F/g, keepSlash ? "/" : "%2F");
}

export function amzDate(date: Date): string {
  return date
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d{3}/, "");
}

/**
 * Signs a request: returns the headers to send (the given ones plus x-amz-date, x-amz-content-sha256
 * and Authorization). `payloadSha256` is the hex sha256 of the body (EMPTY_SHA256 for none).
 */
export function signRequest(
  request: { method: string; url: URL; headers: Record<string, string>; payloadSha256: string },
  key: SigningKey,
  now: Date = new Date(),
): Record<string, string> {
  const service = key.service ?? "s3";
  const stamp = amzDate(now);
  const day = stamp.slice(0, 8);
  const headers: Record<string, string> = {
    ...Object.fromEntries(Object.entries(request.headers).map(([k, v]) => [k.toLowerCase(), v.trim()])),
    host: request.url.host,
    "x-amz-date": stamp,
    "x-amz-content-sha256": request.payloadSha256,
  };
  const names = Object.keys(headers).sort();
  const canonicalQuery = [...request.url.searchParams.entries()]
    .map(([k, v]) => [encode(k, false), encode(v, false)] as const)
    .sort(([a, x], [b, y]) => (a < b ? -1 : a > b ? 1 : x < y ? -1 : x > y ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join("&");
  const canonicalRequest = [
    request.method,
    encode(decodeURIComponent(request.url.pathname), true),
    canonicalQuery,
    ...names.map((n) => `${n}:${headers[n]}`),
    "",
    names.join(";"),
    request.payloadSha256,
  ].join("\n");
  const scope = `${day}/${key.region}/${service}/aws4_request`;
  const toSign = ["AWS4-HMAC-SHA256", stamp, scope, sha256Hex(canonicalRequest)].join("\n");
  const signingKey = hmac(
    hmac(hmac(hmac(`AWS4${key.secretAccessKey}`, day), key.region), service),
    "aws4_request",
  );
  const signature = createHmac("sha256", signingKey).update(toSign).digest("hex");
  return {
    ...headers,
    authorization: `AWS4-HMAC-SHA256 Credential=${key.accessKeyId}/${scope},SignedHeaders=${names.join(";")},Signature=${signature}`,
  };
}

export { sha256Hex };
