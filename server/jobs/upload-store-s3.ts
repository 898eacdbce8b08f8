// Uploaded audio in S3-compatible object storage (AWS S3, MinIO, Cloudflare R2, …), for workers on
// other machines that share no directory with the web process. Requests are signed by aws4fetch
// (SigV4); path-style addressing (<endpoint>/<bucket>/<key>) works with every S3-compatible service.
//
// No object passes through memory whole: uploads are streamed to the bucket with their length
// declared (UNSIGNED-PAYLOAD: the body is not hashed before it is sent), reads are streamed to a
// temporary file, and browsers can PUT a file straight to the bucket through a presigned URL
// (`direct`) that admits exactly the size the server agreed to. The two streaming requests go
// through node:http rather than fetch: Node 20's fetch keeps a streamed request body in memory
// until the request ends (measured: a 200 MB PUT grew the process by 196 MB; through node:http
// by about 40 MB, whatever the size).
//
// Key layout under S3_PREFIX: `<32 hex>.<ext>` for uploads a job may use (the same keys as the
// directory store), and `incoming/<owner tag>/<32 hex>.<ext>` for browser uploads not yet claimed;
// the retention sweep deletes either kind once it is a day old and no job needs it.
import { createHash } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import fs from "node:fs/promises";
import http from "node:http";
import https from "node:https";
import os from "node:os";
import path from "node:path";
import { pipeline as pipe, Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { AwsClient, AwsV4Signer } from "aws4fetch";
import type { JobsConfig } from "./config.ts";
import {
  type DirectUploads,
  HEAD_BYTES,
  newUploadKey,
  ObjectStorageError,
  type PresignedUpload,
  type StoredUpload,
  type UploadStore,
  UploadTooLargeError,
} from "./upload-store.ts";

export interface S3Config {
  /** Where this process reaches the storage, e.g. https://s3.eu-west-1.amazonaws.com or http://127.0.0.1:9000 */
  endpoint: string;
  /** Where browsers reach it, for presigned uploads (default: `endpoint`). */
  publicEndpoint?: string;
  /** Offer presigned browser uploads (default true). */
  directUploads?: boolean;
  bucket: string;
  /** Key prefix inside the bucket, e.g. "uploads/". */
  prefix?: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** The most bytes read back from one object into a temporary file (default: no bound). */
  maxObjectBytes?: number;
}

/** Object storage from the job settings, or null when S3_BUCKET is not set. */
export function s3ConfigOf(config: JobsConfig): S3Config | null {
  if (!(config.S3_BUCKET && config.S3_ENDPOINT && config.S3_ACCESS_KEY_ID && config.S3_SECRET_ACCESS_KEY))
    return null;
  return {
    endpoint: config.S3_ENDPOINT,
    ...(config.S3_PUBLIC_ENDPOINT ? { publicEndpoint: config.S3_PUBLIC_ENDPOINT } : {}),
    directUploads: config.S3_DIRECT_UPLOADS,
    bucket: config.S3_BUCKET,
    region: config.S3_REGION,
    prefix: config.S3_PREFIX,
    accessKeyId: config.S3_ACCESS_KEY_ID,
    secretAccessKey: config.S3_SECRET_ACCESS_KEY,
    maxObjectBytes: config.uploadMaxBytes,
  };
}

const UPLOAD_KEY = /^[0-9a-f]{32}\.[a-z0-9]{1,5}$/;
const INCOMING_KEY = /^incoming\/[0-9a-f]{16}\/[0-9a-f]{32}\.[a-z0-9]{1,5}$/;

/**
 * The folder of one person's browser uploads: a hash, so the bucket holds no account ids, and a
 * key handed to one person cannot be claimed by another.
 */
const ownerTag = (owner: string) =>
  createHash("sha256").update(`beatsight-upload-owner:${owner}`).digest("hex").slice(0, 16);

/**
 * Bytes counted as they pass, the first HEAD_BYTES kept, and a refusal past `max` — or, with
 * `exactly`, a refusal of any other length (a sender that stops short must fail the request, not
 * leave the storage waiting for the rest).
 */
class Meter extends Transform {
  bytes = 0;
  private readonly head = new Uint8Array(HEAD_BYTES);
  constructor(
    private readonly max: number,
    private readonly exactly?: number,
  ) {
    super();
  }
  override _transform(
    chunk: Buffer,
    _encoding: BufferEncoding,
    done: (error?: Error | null, data?: Buffer) => void,
  ) {
    if (this.bytes < HEAD_BYTES) this.head.set(chunk.subarray(0, HEAD_BYTES - this.bytes), this.bytes);
    this.bytes += chunk.length;
    if (this.bytes > this.max) done(new UploadTooLargeError(this.max));
    else if (this.exactly !== undefined && this.bytes > this.exactly)
      done(new UploadLengthError(this.exactly));
    else done(null, chunk);
  }
  override _flush(done: (error?: Error | null) => void) {
    done(
      this.exactly !== undefined && this.bytes !== this.exactly ? new UploadLengthError(this.exactly) : null,
    );
  }
  headBytes(): Uint8Array {
    return this.head.slice(0, Math.min(this.bytes, HEAD_BYTES));
  }
}

/** The body did not have the length its sender declared. */
export class UploadLengthError extends Error {
  override name = "UploadLengthError";
  constructor(declared: number) {
    super(`The upload did not have the ${declared} bytes its sender declared.`);
  }
}

/** A signed request sent with node:http(s); `body` is piped with backpressure. */
function send(
  signed: { method: string; url: URL; headers: Headers },
  body?: Readable,
): Promise<http.IncomingMessage> {
  return new Promise((resolve, reject) => {
    const request = (signed.url.protocol === "https:" ? https : http).request(
      signed.url,
      { method: signed.method, headers: Object.fromEntries(signed.headers) },
      resolve,
    );
    request.on("error", reject);
    if (body) pipeline(body, request).catch(reject);
    else request.end();
  });
}

async function textOf(response: http.IncomingMessage): Promise<string> {
  let text = "";
  for await (const chunk of response) text += (chunk as Buffer).toString();
  return text;
}

const nodeStream = (body: ReadableStream<Uint8Array>) =>
  Readable.fromWeb(body as import("node:stream/web").ReadableStream<Uint8Array>);

/** A temporary folder for the duration of `use`, removed afterwards whatever happens. */
async function withTempDir<T>(use: (dir: string) => Promise<T>): Promise<T> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), "beatsight-upload-"));
  try {
    return await use(dir);
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

export function s3UploadStore(config: S3Config): UploadStore {
  const prefix = config.prefix ?? "";
  const endpoint = config.endpoint.replace(/\/$/, "");
  const credentials = {
    accessKeyId: config.accessKeyId,
    secretAccessKey: config.secretAccessKey,
    region: config.region,
    service: "s3",
  };
  // A few retries for the small requests (5xx and 429 are retried; a streamed body never is).
  const client = new AwsClient({ ...credentials, retries: 2 });

  const objectPath = (key: string) =>
    [config.bucket, ...`${prefix}${key}`.split("/")].map(encodeURIComponent).join("/");
  const urlOf = (key: string, base = endpoint) => new URL(`${base.replace(/\/$/, "")}/${objectPath(key)}`);
  const checkKey = (key: string) => {
    if (!(UPLOAD_KEY.test(key) || INCOMING_KEY.test(key))) throw new Error(`Not an upload key: ${key}`);
  };

  /** What a person can do about a refusal, by S3 error code. */
  function explain(what: string, status: number, code: string | undefined): string {
    const at = `at ${endpoint}`;
    switch (code) {
      case "NoSuchBucket":
        return `Object storage could not ${what}: the bucket "${config.bucket}" does not exist ${at}. Create it, or correct S3_BUCKET.`;
      case "InvalidAccessKeyId":
        return `Object storage could not ${what}: it does not know the access key ${config.accessKeyId}. Check S3_ACCESS_KEY_ID.`;
      case "SignatureDoesNotMatch":
        return `Object storage could not ${what}: the secret key does not match the access key. Check S3_SECRET_ACCESS_KEY.`;
      case "AuthorizationHeaderMalformed":
      case "InvalidRegion":
        return `Object storage could not ${what}: the region does not match the bucket's. Check S3_REGION (now ${config.region}).`;
      case "AccessDenied":
        return `Object storage could not ${what}: access denied. Give the access key read, write, list and delete rights on the bucket "${config.bucket}" (or its prefix ${prefix || "/"}).`;
    }
    if (status === 403)
      return `Object storage could not ${what} (HTTP 403): check S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY, S3_REGION and the key's rights on the bucket "${config.bucket}".`;
    return `Object storage could not ${what} (HTTP ${status}${code ? ` ${code}` : ""}) ${at}.`;
  }

  function refusedWith(what: string, status: number, text: string): never {
    throw new ObjectStorageError(explain(what, status, /<Code>([^<]+)<\/Code>/.exec(text)?.[1]));
  }

  async function refused(what: string, response: Response): Promise<never> {
    refusedWith(what, response.status, await response.text().catch(() => ""));
  }

  function unreachable(what: string, error: unknown): ObjectStorageError {
    // fetch wraps the network error in a TypeError's cause; node:http throws it as it is.
    const failure = error as { code?: string; cause?: { code?: string; message?: string } };
    const why = failure.cause?.code ?? failure.code ?? failure.cause?.message ?? String(error);
    return new ObjectStorageError(
      `Object storage could not ${what}: ${endpoint} cannot be reached (${why}). Check S3_ENDPOINT and that the storage service is running and reachable from this machine.`,
      { cause: error },
    );
  }

  /** A small request (no body to stream): aws4fetch signs and sends it, retrying 5xx answers. */
  async function call(what: string, url: URL, init: RequestInit = {}): Promise<Response> {
    try {
      return await client.fetch(url, init);
    } catch (error) {
      throw unreachable(what, error);
    }
  }

  /** PUTs exactly `length` bytes from `body` under `key`; throws `meter`'s refusals. */
  async function putStream(key: string, body: Readable, meter: Meter, length: number): Promise<void> {
    const signed = await new AwsV4Signer({
      ...credentials,
      url: urlOf(key).toString(),
      method: "PUT",
      // aws4fetch leaves content-length out of the signature and sends UNSIGNED-PAYLOAD.
      headers: { "content-length": String(length), "content-type": "application/octet-stream" },
    }).sign();
    let response: http.IncomingMessage;
    try {
      response = await send(
        signed,
        pipe(body, meter, () => {}),
      );
    } catch (error) {
      if (error instanceof UploadTooLargeError || error instanceof UploadLengthError) throw error;
      throw unreachable("store the upload", error);
    }
    const text = await textOf(response);
    if (response.statusCode !== 200) refusedWith("store the upload", response.statusCode ?? 0, text);
  }

  async function del(key: string): Promise<void> {
    checkKey(key);
    const response = await call("delete an upload", urlOf(key), { method: "DELETE" });
    if (!response.ok && response.status !== 404) await refused("delete an upload", response);
    await response.body?.cancel();
  }

  /** The object's size, or null when there is none under `key`. */
  async function size(key: string): Promise<number | null> {
    const response = await call("look an upload up", urlOf(key), { method: "HEAD" });
    if (response.status === 404) return null;
    if (!response.ok) await refused("look an upload up", response);
    return Number(response.headers.get("content-length"));
  }

  /** The object's first HEAD_BYTES bytes (a range request; servers that ignore ranges are cut off). */
  async function readHead(key: string): Promise<Uint8Array> {
    const response = await call("read an upload", urlOf(key), {
      headers: { range: `bytes=0-${HEAD_BYTES - 1}` },
    });
    if (!response.ok) await refused("read an upload", response);
    const head = new Uint8Array(HEAD_BYTES);
    let got = 0;
    const reader = response.body!.getReader();
    while (got < HEAD_BYTES) {
      const { done, value } = await reader.read();
      if (done) break;
      head.set(value.subarray(0, HEAD_BYTES - got), got);
      got += Math.min(value.length, HEAD_BYTES - got);
    }
    await reader.cancel();
    return head.slice(0, got);
  }

  /** Copies `from` to `to` inside the bucket; false when `from` is not there. */
  async function copy(from: string, to: string): Promise<boolean> {
    const response = await call("copy an upload", urlOf(to), {
      method: "PUT",
      headers: { "x-amz-copy-source": `/${objectPath(from)}` },
    });
    const text = await response.text();
    if (response.status === 404) return false;
    // S3 may answer a failed copy with 200 and an <Error> body.
    const code = /<Error>[\s\S]*?<Code>([^<]+)<\/Code>/.exec(text)?.[1];
    if (code === "NoSuchKey") return false;
    if (!response.ok || code) throw new ObjectStorageError(explain("copy an upload", response.status, code));
    return true;
  }

  const direct: DirectUploads = {
    origin: new URL(config.publicEndpoint ?? endpoint).origin,

    async presignPut({
      owner,
      bytes,
      extension,
      expiresSeconds,
      now = new Date(),
    }): Promise<PresignedUpload> {
      const key = `incoming/${ownerTag(owner)}/${newUploadKey(extension)}`;
      const url = urlOf(key, config.publicEndpoint ?? endpoint);
      url.searchParams.set("X-Amz-Expires", String(expiresSeconds));
      const signed = await new AwsV4Signer({
        ...credentials,
        url: url.toString(),
        method: "PUT",
        // Signed (allHeaders): the browser must send exactly this many bytes, no more.
        headers: { "content-length": String(bytes) },
        allHeaders: true,
        signQuery: true,
        datetime: now.toISOString().replace(/[:-]|\.\d{3}/g, ""),
      }).sign();
      return {
        key,
        method: "PUT",
        url: signed.url.toString(),
        expiresAt: new Date(now.getTime() + expiresSeconds * 1000),
      };
    },

    async claim(key, { owner, maxBytes }): Promise<StoredUpload | null> {
      if (!(INCOMING_KEY.test(key) && key.startsWith(`incoming/${ownerTag(owner)}/`))) return null;
      const bytes = await size(key);
      if (bytes === null) return null;
      if (bytes > maxBytes) {
        await del(key);
        throw new UploadTooLargeError(maxBytes);
      }
      // A key of the server's own: a second claim of the same incoming key (a retried request)
      // finds nothing, and no two requests ever share, or delete, one object.
      const stored = newUploadKey(key.split(".").pop() ?? "bin");
      if (!(await copy(key, stored))) return null;
      await del(key);
      return { key: stored, bytes, head: await readHead(stored) };
    },
  };

  return {
    kind: "s3",
    direct: config.directUploads === false ? null : direct,

    async put(body, { maxBytes, extension, length }): Promise<StoredUpload> {
      if (length !== undefined && length > maxBytes) {
        await body.cancel().catch(() => undefined);
        throw new UploadTooLargeError(maxBytes);
      }
      const key = newUploadKey(extension);
      let meter = new Meter(maxBytes, length);
      try {
        if (length !== undefined) {
          await putStream(key, nodeStream(body), meter, length);
        } else {
          // No declared length (a chunked request): object storage needs one, so the body waits
          // in a temporary file, never in memory.
          await withTempDir(async (dir) => {
            const file = path.join(dir, key);
            await pipeline(nodeStream(body), meter, createWriteStream(file));
            const bytes = meter.bytes;
            meter = new Meter(maxBytes, bytes);
            await putStream(key, createReadStream(file), meter, bytes);
          });
        }
      } catch (error) {
        await del(key).catch(() => undefined);
        throw error;
      }
      return { key, bytes: meter.bytes, head: meter.headBytes() };
    },

    async withLocalFile(key, use) {
      checkKey(key);
      const signed = await new AwsV4Signer({
        ...credentials,
        url: urlOf(key).toString(),
        method: "GET",
      }).sign();
      const response = await send(signed).catch((error: unknown) => {
        throw unreachable("read an upload", error);
      });
      if (response.statusCode === 404) {
        response.resume();
        throw new ObjectStorageError(
          `The upload ${key} is no longer in object storage (deleted, or never stored).`,
        );
      }
      if (response.statusCode !== 200)
        refusedWith("read an upload", response.statusCode ?? 0, await textOf(response));
      return withTempDir(async (dir) => {
        const file = path.join(dir, path.basename(key));
        await pipeline(
          response,
          new Meter(config.maxObjectBytes ?? Number.POSITIVE_INFINITY),
          createWriteStream(file),
        );
        return use(file);
      });
    },

    delete: del,

    async listOlderThan(before) {
      const old: string[] = [];
      let token: string | undefined;
      do {
        const url = new URL(`${endpoint}/${encodeURIComponent(config.bucket)}`);
        url.searchParams.set("list-type", "2");
        if (prefix) url.searchParams.set("prefix", prefix);
        if (token) url.searchParams.set("continuation-token", token);
        const response = await call("list uploads", url);
        if (!response.ok) await refused("list uploads", response);
        const xml = await response.text();
        for (const [, entry] of xml.matchAll(/<Contents>([\s\S]*?)<\/Contents>/g)) {
          const key = /<Key>([^<]+)<\/Key>/.exec(entry ?? "")?.[1]?.slice(prefix.length);
          const modified = /<LastModified>([^<]+)<\/LastModified>/.exec(entry ?? "")?.[1];
          // Only this store's keys: anything else under the prefix is not the sweep's to delete.
          if (
            key &&
            (UPLOAD_KEY.test(key) || INCOMING_KEY.test(key)) &&
            modified &&
            new Date(modified) < before
          )
            old.push(key);
        }
        token = /<IsTruncated>true<\/IsTruncated>/.test(xml)
          ? /<NextContinuationToken>([^<]+)<\/NextContinuationToken>/.exec(xml)?.[1]
          : undefined;
      } while (token);
      return old;
    },
  };
}
