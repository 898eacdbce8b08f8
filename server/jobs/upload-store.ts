// Where uploaded audio waits for its job: a local directory by default, S3-compatible object
// storage when configured (upload-store-s3.ts). Workers read it back by key; the retention job
// deletes it. Keys are random and made here, never taken from a client unchecked, so a key can
// always be joined to the directory safely.
import { randomBytes } from "node:crypto";
import { createWriteStream } from "node:fs";
import fs from "node:fs/promises";
import path from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";

export interface UploadStore {
  /** A directory (local) or S3-compatible object storage (upload-store-s3.ts). */
  readonly kind: "local" | "s3";
  /**
   * Streams `body` into a new object; throws UploadTooLargeError past `maxBytes` (nothing is kept).
   * `length`, when the sender declared it, lets object storage take the stream as it arrives.
   */
  put(
    body: ReadableStream<Uint8Array>,
    options: { maxBytes: number; extension: string; length?: number },
  ): Promise<StoredUpload>;
  /** A local file with the object's bytes for the duration of `use` (a download for remote stores). */
  withLocalFile<T>(key: string, use: (file: string) => Promise<T>): Promise<T>;
  /** Deletes the object; a missing one counts as deleted. */
  delete(key: string): Promise<void>;
  /** Keys of objects older than `before` (for uploads whose request never became a job). */
  listOlderThan(before: Date): Promise<string[]>;
  /** Uploads browsers send straight to the store (object storage), or null: every byte passes the web process. */
  readonly direct: DirectUploads | null;
}

/**
 * Browser uploads that bypass the web process: the server hands out a short-lived URL for one
 * object of an exact size, the browser PUTs the file there, and the server then claims it.
 */
export interface DirectUploads {
  /** Where browsers send the file (the origin the page's Content-Security-Policy must allow). */
  readonly origin: string;
  /** A URL that accepts one PUT of exactly `bytes` bytes until `expiresAt`, under a key of `owner`'s. */
  presignPut(input: {
    owner: string;
    bytes: number;
    extension: string;
    expiresSeconds: number;
    /** The signing time (tests back-date it to make an expired URL). */
    now?: Date;
  }): Promise<PresignedUpload>;
  /**
   * Takes what `owner` uploaded to `key` as an ordinary upload under a new key (so a second claim of
   * the same key finds nothing), or null when nothing of `owner`'s is there. Throws
   * UploadTooLargeError (and deletes the object) past `maxBytes`.
   */
  claim(key: string, options: { owner: string; maxBytes: number }): Promise<StoredUpload | null>;
}

export interface PresignedUpload {
  /** What the browser hands back when the upload is done. */
  key: string;
  method: "PUT";
  /** Signed for this many bytes: the browser sends the file as it is, with no headers to add. */
  url: string;
  expiresAt: Date;
}

export interface StoredUpload {
  key: string;
  bytes: number;
  /** The first bytes, for content sniffing. */
  head: Uint8Array;
}

export class UploadTooLargeError extends Error {
  override name = "UploadTooLargeError";
  constructor(readonly maxBytes: number) {
    super(`The file is larger than ${Math.round(maxBytes / 1024 / 1024)} MB, the most this server accepts.`);
  }
}

/** The storage itself failed or refused (misconfigured, unreachable): not the sender's fault. */
export class ObjectStorageError extends Error {
  override name = "ObjectStorageError";
}

const KEY = /^[0-9a-f]{32}\.[a-z0-9]{1,5}$/;
/** How many first bytes a StoredUpload carries. */
export const HEAD_BYTES = 64;

export function newUploadKey(extension: string): string {
  const ext = /^[a-z0-9]{1,5}$/.test(extension) ? extension : "bin";
  return `${randomBytes(16).toString("hex")}.${ext}`;
}

export function localUploadStore(dir: string): UploadStore {
  const fileOf = (key: string) => {
    if (!KEY.test(key)) throw new Error(`Not an upload key: ${key}`);
    return path.join(dir, key);
  };
  return {
    kind: "local",
    direct: null,
    async put(body, { maxBytes, extension }) {
      await fs.mkdir(dir, { recursive: true });
      const key = newUploadKey(extension);
      const file = fileOf(key);
      let bytes = 0;
      const head = new Uint8Array(HEAD_BYTES);
      const counted = Readable.fromWeb(body as import("node:stream/web").ReadableStream<Uint8Array>);
      counted.on("data", (chunk: Buffer) => {
        if (bytes < HEAD_BYTES) head.set(chunk.subarray(0, HEAD_BYTES - bytes), bytes);
        bytes += chunk.length;
        if (bytes > maxBytes) counted.destroy(new UploadTooLargeError(maxBytes));
      });
      try {
        await pipeline(counted, createWriteStream(file, { flags: "wx" }));
      } catch (error) {
        await fs.rm(file, { force: true });
        throw error;
      }
      return { key, bytes, head: head.subarray(0, Math.min(bytes, HEAD_BYTES)) };
    },
    async withLocalFile(key, use) {
      return use(fileOf(key));
    },
    async delete(key) {
      await fs.rm(fileOf(key), { force: true });
    },
    async listOlderThan(before) {
      let names: string[];
      try {
        names = await fs.readdir(dir);
      } catch {
        return [];
      }
      const old: string[] = [];
      for (const name of names) {
        if (!KEY.test(name)) continue;
        const info = await fs.stat(path.join(dir, name)).catch(() => null);
        if (info && info.mtime < before) old.push(name);
      }
      return old;
    },
  };
}
