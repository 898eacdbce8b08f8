// Uploaded audio in S3-compatible object storage (AWS S3, MinIO, Cloudflare R2, …), for workers on
// other machines that share no directory with the web process. Path-style addressing
// (<endpoint>/<bucket>/<key>) works with every S3-compatible service. Requests are signed with
// SigV4 (sigv4.ts); uploads are capped in memory at the configured size before they are sent.
import { randomBytes } from "node:crypto";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { EMPTY_SHA256, type SigningKey, sha256Hex, signRequest } from "./sigv4.ts";
import { newUploadKey, type StoredUpload, type UploadStore, UploadTooLargeError } from "./upload-store.ts";

export interface S3Config extends SigningKey {
  /** e.g. https://s3.eu-west-1.amazonaws.com or http://127.0.0.1:9000 */
  endpoint: string;
  bucket: string;
  /** Key prefix inside the bucket, e.g. "uploads/". */
  prefix?: string;
}

const HEAD_BYTES = 64;

export class ObjectStorageError extends Error {
  override name = "ObjectStorageError";
}

export function s3UploadStore(config: S3Config, fetchFn: typeof fetch = fetch): UploadStore {
  const prefix = config.prefix ?? "";
  const urlOf = (key = "") =>
    new URL(`${config.endpoint.replace(/\/$/, "")}/${config.bucket}/${key ? prefix + key : ""}`);

  async function send(method: string, url: URL, body?: Uint8Array, extra: Record<string, string> = {}) {
    const payloadSha256 = body ? sha256Hex(body) : EMPTY_SHA256;
    const headers = signRequest({ method, url, headers: extra, payloadSha256 }, config);
    delete headers.host; // fetch sets it
    const response = await fetchFn(url, {
      method,
      headers,
      ...(body ? { body: body as Uint8Array<ArrayBuffer> } : {}),
    });
    return response;
  }

  async function fail(what: string, response: Response): Promise<never> {
    const text = await response.text().catch(() => "");
    const code = /<Code>([^<]+)<\/Code>/.exec(text)?.[1];
    throw new ObjectStorageError(
      `Object storage refused to ${what} (HTTP ${response.status}${code ? ` ${code}` : ""}).`,
    );
  }

  return {
    kind: "s3",
    async put(body, { maxBytes, extension }): Promise<StoredUpload> {
      const chunks: Uint8Array[] = [];
      let bytes = 0;
      const reader = body.getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        bytes += value.length;
        if (bytes > maxBytes) {
          await reader.cancel().catch(() => undefined);
          throw new UploadTooLargeError(maxBytes);
        }
        chunks.push(value);
      }
      const data = new Uint8Array(bytes);
      let at = 0;
      for (const c of chunks) {
        data.set(c, at);
        at += c.length;
      }
      const key = newUploadKey(extension);
      const response = await send("PUT", urlOf(key), data, { "content-type": "application/octet-stream" });
      if (!response.ok) await fail("store the upload", response);
      return { key, bytes, head: data.slice(0, HEAD_BYTES) };
    },

    async withLocalFile(key, use) {
      const response = await send("GET", urlOf(key));
      if (!response.ok) await fail("read the upload", response);
      const dir = await fs.mkdtemp(path.join(os.tmpdir(), "beatsight-upload-"));
      const file = path.join(dir, `${randomBytes(4).toString("hex")}-${path.basename(key)}`);
      try {
        await fs.writeFile(file, new Uint8Array(await response.arrayBuffer()));
        return await use(file);
      } finally {
        await fs.rm(dir, { recursive: true, force: true });
      }
    },

    async delete(key) {
      const response = await send("DELETE", urlOf(key));
      if (!response.ok && response.status !== 404) await fail("delete the upload", response);
    },

    async listOlderThan(before) {
      const old: string[] = [];
      let token: string | undefined;
      do {
        const url = urlOf();
        url.searchParams.set("list-type", "2");
        if (prefix) url.searchParams.set("prefix", prefix);
        if (token) url.searchParams.set("continuation-token", token);
        const response = await send("GET", url);
        if (!response.ok) await fail("list uploads", response);
        const xml = await response.text();
        for (const [, entry] of xml.matchAll(/<Contents>([\s\S]*?)<\/Contents>/g)) {
          const key = /<Key>([^<]+)<\/Key>/.exec(entry ?? "")?.[1];
          const modified = /<LastModified>([^<]+)<\/LastModified>/.exec(entry ?? "")?.[1];
          if (key && modified && new Date(modified) < before) old.push(key.slice(prefix.length));
        }
        token = /<IsTruncated>true<\/IsTruncated>/.test(xml)
          ? /<NextContinuationToken>([^<]+)<\/NextContinuationToken>/.exec(xml)?.[1]
          : undefined;
      } while (token);
      return old;
    },
  };
}
