// The S3 upload store against a real S3-compatible server (test/s3.ts: s3rver in a child process,
// checking every SigV4 signature): streamed round trips whose memory stays far below the file's
// size, presigned browser uploads (accepted as signed; refused when expired, tampered with or of
// another size), claims, and refusals that say what to change.
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import fs from "node:fs/promises";
import http from "node:http";
import type { AddressInfo } from "node:net";
import v8 from "node:v8";
import vm from "node:vm";
import { AwsClient } from "aws4fetch";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startTestS3, type TestS3 } from "../../test/s3.ts";
import { directUploadOrigin, parseJobsConfig } from "./config.ts";
import { uploadStoreFor } from "./system.ts";
import { UploadTooLargeError } from "./upload-store.ts";
import { s3UploadStore } from "./upload-store-s3.ts";

let s3: TestS3;

beforeAll(async () => {
  s3 = await startTestS3();
});
afterAll(async () => {
  await s3?.stop();
});
// Each test starts from an empty bucket, whatever the one before it left.
afterEach(async () => {
  const store = s3UploadStore(s3.config);
  for (const key of await store.listOlderThan(new Date(Date.now() + 60_000))) await store.delete(key);
});

const MB = 1024 * 1024;
// A full garbage collection on demand, so that what is measured is memory the store holds, not
// garbage V8 has not collected yet (it defers that until tens of MB pile up, whatever the file size).
v8.setFlagsFromString("--expose-gc");
const gc = vm.runInNewContext("gc") as () => void;

/** `total` bytes of a repeating pattern, made as they are read (never all in memory). */
function generated(total: number, options: { collectEvery?: number } = {}): ReadableStream<Uint8Array> {
  const pattern = new Uint8Array(64 * 1024).map((_, i) => i % 251);
  let sent = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent >= total) {
        controller.close();
        return;
      }
      if (options.collectEvery && sent % options.collectEvery === 0) gc();
      const n = Math.min(pattern.length, total - sent);
      sent += n;
      // A fresh chunk each time, as a request body delivers them.
      controller.enqueue(pattern.slice(0, n));
    },
  });
}

const patternSha256 = (total: number) => {
  const hash = createHash("sha256");
  const pattern = new Uint8Array(64 * 1024).map((_, i) => i % 251);
  for (let at = 0; at < total; at += pattern.length)
    hash.update(pattern.subarray(0, Math.min(pattern.length, total - at)));
  return hash.digest("hex");
};

/** Samples resident memory and live ArrayBuffer memory (optionally collecting first) until stopped. */
function memoryWatch(options: { collect?: boolean } = {}) {
  gc();
  const start = process.memoryUsage();
  let rss = start.rss;
  let arrayBuffers = start.arrayBuffers;
  let samples = 0;
  const sample = () => {
    // A full collection costs milliseconds: one every 50 ms keeps garbage to a few MB.
    if (options.collect && ++samples % 10 === 0) gc();
    const now = process.memoryUsage();
    rss = Math.max(rss, now.rss);
    arrayBuffers = Math.max(arrayBuffers, now.arrayBuffers);
  };
  const timer = setInterval(sample, 5);
  return () => {
    clearInterval(timer);
    sample();
    return { rss: rss - start.rss, arrayBuffers: arrayBuffers - start.arrayBuffers };
  };
}

const mb = (bytes: number) => `${(bytes / MB).toFixed(1)} MB`;

/** The file's sha256 and size, read as a stream. */
async function digestOf(file: string) {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return { sha256: hash.digest("hex"), bytes: (await fs.stat(file)).size };
}

const client = () => new AwsClient({ ...s3.config, service: "s3", retries: 0 });
const objectUrl = (key: string) => `${s3.config.endpoint}/${s3.config.bucket}/${key}`;
const objectNames = async () =>
  (await fs.readdir(`${s3.dir}/${s3.config.bucket}/uploads`).catch(() => [])).sort();
const everything = async (store: ReturnType<typeof s3UploadStore>) =>
  store.listOlderThan(new Date(Date.now() + 60_000));

describe("S3 upload store on a real S3-compatible server", () => {
  it("streams 30 MB in and out without holding it (peak memory growth reported), and 120 MB with RSS far below the file", async () => {
    const store = s3UploadStore({ ...s3.config, maxObjectBytes: 200 * MB });
    // The first request sets up what every later one reuses (signing keys, sockets, code).
    const warm = await store.put(generated(MB), { maxBytes: MB, extension: "wav", length: MB });
    await store.withLocalFile(warm.key, digestOf);
    await store.delete(warm.key);

    const size = 30 * MB;
    let stop = memoryWatch();
    const stored = await store.put(generated(size, { collectEvery: 2 * MB }), {
      maxBytes: 50 * MB,
      extension: "wav",
      length: size,
    });
    const put = stop();
    expect(stored.bytes).toBe(size);
    expect([...stored.head]).toEqual(Array.from({ length: 64 }, (_, i) => i % 251));
    stop = memoryWatch({ collect: true });
    expect(await store.withLocalFile(stored.key, digestOf)).toEqual({
      sha256: patternSha256(size),
      bytes: size,
    });
    const get = stop();
    console.info(
      `30 MB through the S3 store: peak RSS growth ${mb(put.rss)} storing, ${mb(get.rss)} reading back; live ArrayBuffers at most ${mb(put.arrayBuffers)} and ${mb(get.arrayBuffers)}`,
    );
    // A store that buffered the upload would hold all 30 MB of it (the hand-written one held twice
    // that). Reading back is checked at 120 MB below: it is too fast for collections every 50 ms to
    // keep up with its garbage, so its live figure here is reported, not asserted.
    expect(put.arrayBuffers).toBeLessThan(size / 4);

    expect(await everything(store)).toEqual([stored.key]);
    await store.delete(stored.key);
    await store.delete(stored.key); // a missing object counts as deleted
    expect(await everything(store)).toEqual([]);
    await expect(store.withLocalFile(stored.key, async () => 0)).rejects.toThrow(
      "is no longer in object storage",
    );

    // Resident memory grows by a constant (V8's young generation and garbage not yet collected:
    // about 5 to 50 MB), not with the file: at 120 MB, and with no collection forced, it stays far
    // below. Node 20's fetch, which keeps a streamed request body until the request ends, grows by
    // the whole file here.
    const large = 120 * MB;
    stop = memoryWatch();
    const big = await store.put(generated(large), { maxBytes: large, extension: "wav", length: large });
    const bigPut = stop();
    stop = memoryWatch();
    expect(await store.withLocalFile(big.key, digestOf)).toEqual({
      sha256: patternSha256(large),
      bytes: large,
    });
    const bigGet = stop();
    console.info(
      `120 MB through the S3 store: peak RSS growth ${mb(bigPut.rss)} storing, ${mb(bigGet.rss)} reading back`,
    );
    expect(bigPut.rss).toBeLessThan(large / 2);
    expect(bigGet.rss).toBeLessThan(large / 2);
    await store.delete(big.key);
  });

  it("stores a body of undeclared length through a temporary file, and lists uploads by age", async () => {
    const store = s3UploadStore(s3.config);
    const stored = await store.put(generated(MB + 123), { maxBytes: 2 * MB, extension: "mp3" });
    expect(stored.bytes).toBe(MB + 123);
    expect(await store.listOlderThan(new Date(Date.now() - 60_000))).toEqual([]);
    expect(await everything(store)).toEqual([stored.key]);
    await store.delete(stored.key);
  });

  it("refuses a body past the limit (keeping nothing), and one longer or shorter than it declared", async () => {
    const store = s3UploadStore(s3.config);
    await expect(
      store.put(generated(3000), { maxBytes: 2000, extension: "wav", length: 3000 }),
    ).rejects.toBeInstanceOf(UploadTooLargeError);
    await expect(store.put(generated(3000), { maxBytes: 2000, extension: "wav" })).rejects.toBeInstanceOf(
      UploadTooLargeError,
    );
    expect(await everything(store)).toEqual([]);
    expect(await objectNames()).toEqual([]);
    // These two are cut off mid-request. S3 and MinIO store nothing from an incomplete PUT; s3rver
    // keeps what arrived (racing the store's clean-up), so only the refusal is checked here.
    await expect(
      store.put(generated(500), { maxBytes: 2000, extension: "wav", length: 1000 }),
    ).rejects.toThrow("did not have the 1000 bytes its sender declared");
    await expect(
      store.put(generated(1500), { maxBytes: 2000, extension: "wav", length: 1000 }),
    ).rejects.toThrow("did not have the 1000 bytes its sender declared");
  });

  it("leaves objects it did not make alone when listing for the retention sweep", async () => {
    const store = s3UploadStore(s3.config);
    const put = await client().fetch(objectUrl("uploads/README.txt"), { method: "PUT", body: "notes" });
    expect(put.status).toBe(200);
    expect(await everything(store)).toEqual([]);
    await client().fetch(objectUrl("uploads/README.txt"), { method: "DELETE" });
  });
});

describe("presigned browser uploads", () => {
  const audio = new Uint8Array(5000).map((_, i) => (i * 7) % 256);

  it("a presigned PUT from plain fetch succeeds; the upload is claimed once, by its owner only", async () => {
    const store = s3UploadStore(s3.config);
    const direct = store.direct!;
    expect(direct.origin).toBe(new URL(s3.config.endpoint).origin);
    const url = await direct.presignPut({
      owner: "user-1",
      bytes: audio.length,
      extension: "mp3",
      expiresSeconds: 60,
    });
    expect(url.key).toMatch(/^incoming\/[0-9a-f]{16}\/[0-9a-f]{32}\.mp3$/);
    expect(new URL(url.url).searchParams.get("X-Amz-SignedHeaders")).toBe("content-length;host");

    const put = await fetch(url.url, {
      method: url.method,
      body: audio,
      headers: { "content-type": "audio/mpeg" },
    });
    expect(put.status).toBe(200);

    expect(await direct.claim(url.key, { owner: "user-2", maxBytes: 10_000 })).toBeNull();
    const claimed = await direct.claim(url.key, { owner: "user-1", maxBytes: 10_000 });
    expect(claimed).toMatchObject({ bytes: audio.length, head: audio.slice(0, 64) });
    expect(claimed!.key).toMatch(/^[0-9a-f]{32}\.mp3$/);
    // The incoming object became the claimed one: a retried claim finds nothing.
    expect(await direct.claim(url.key, { owner: "user-1", maxBytes: 10_000 })).toBeNull();
    expect(await everything(store)).toEqual([claimed!.key]);
    const back = await store.withLocalFile(claimed!.key, (file) => fs.readFile(file));
    expect(new Uint8Array(back)).toEqual(audio);
    await store.delete(claimed!.key);
  });

  it("refuses an expired URL, a tampered one, and a body of another size", async () => {
    const store = s3UploadStore(s3.config);
    const direct = store.direct!;
    const expired = await direct.presignPut({
      owner: "user-1",
      bytes: audio.length,
      extension: "mp3",
      expiresSeconds: 60,
      now: new Date(Date.now() - 10 * 60_000),
    });
    const late = await fetch(expired.url, { method: "PUT", body: audio });
    expect(late.status).toBe(403);
    expect(await late.text()).toMatch(/AccessDenied[\s\S]*Request has expired/);

    const good = await direct.presignPut({
      owner: "user-1",
      bytes: audio.length,
      extension: "mp3",
      expiresSeconds: 60,
    });
    const tampered = new URL(good.url);
    tampered.pathname = tampered.pathname.replace(/[0-9a-f]{32}\.mp3$/, `${"0".repeat(32)}.mp3`);
    const forged = await fetch(tampered, { method: "PUT", body: audio });
    expect(forged.status).toBe(403);
    expect(await forged.text()).toContain("SignatureDoesNotMatch");

    const bigger = await fetch(good.url, { method: "PUT", body: new Uint8Array(audio.length + 1) });
    expect(bigger.status).toBe(403);
    expect(await bigger.text()).toContain("SignatureDoesNotMatch");

    expect(await everything(store)).toEqual([]);
  });

  it("a claim past the size limit is refused and the object deleted", async () => {
    const store = s3UploadStore(s3.config);
    const url = await store.direct!.presignPut({
      owner: "u",
      bytes: audio.length,
      extension: "wav",
      expiresSeconds: 60,
    });
    expect((await fetch(url.url, { method: "PUT", body: audio })).status).toBe(200);
    await expect(store.direct!.claim(url.key, { owner: "u", maxBytes: 1000 })).rejects.toBeInstanceOf(
      UploadTooLargeError,
    );
    expect(await everything(store)).toEqual([]);
  });

  it("the bucket CORS rule in docs/SERVER_JOBS.md admits the site's PUT and no other origin", async () => {
    const store = s3UploadStore(s3.config);
    const url = await store.direct!.presignPut({
      owner: "u",
      bytes: 10,
      extension: "mp3",
      expiresSeconds: 60,
    });
    const preflight = (origin: string) =>
      fetch(url.url, {
        method: "OPTIONS",
        headers: {
          origin,
          "access-control-request-method": "PUT",
          "access-control-request-headers": "content-type",
        },
      });
    const ours = await preflight("http://app.test");
    expect(ours.status).toBe(200);
    expect(ours.headers.get("access-control-allow-methods")).toContain("PUT");
    expect((await preflight("http://elsewhere.test")).status).toBe(403);
  });
});

describe("refusals say what to change", () => {
  const put = (store: ReturnType<typeof s3UploadStore>) =>
    store.put(generated(10), { maxBytes: 100, extension: "mp3", length: 10 });

  it("a wrong secret, an unknown key, a missing bucket, an unreachable endpoint", async () => {
    await expect(put(s3UploadStore({ ...s3.config, secretAccessKey: "wrong" }))).rejects.toThrow(
      "the secret key does not match the access key. Check S3_SECRET_ACCESS_KEY.",
    );
    await expect(put(s3UploadStore({ ...s3.config, accessKeyId: "NOBODY" }))).rejects.toThrow(
      "it does not know the access key NOBODY. Check S3_ACCESS_KEY_ID.",
    );
    await expect(put(s3UploadStore({ ...s3.config, bucket: "no-such-bucket" }))).rejects.toThrow(
      `the bucket "no-such-bucket" does not exist at ${s3.config.endpoint}. Create it, or correct S3_BUCKET.`,
    );
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const gone = s3UploadStore({ ...s3.config, endpoint: `http://127.0.0.1:${port}` });
    await expect(put(gone)).rejects.toThrow(
      `http://127.0.0.1:${port} cannot be reached (ECONNREFUSED). Check S3_ENDPOINT`,
    );
    await expect(gone.listOlderThan(new Date())).rejects.toThrow("cannot be reached (ECONNREFUSED)");
    expect(await objectNames()).toEqual([]);
  });
});

describe("choosing the store", () => {
  it("object storage when S3_BUCKET is set, presigned uploads unless S3_DIRECT_UPLOADS=0, and what is missing when incomplete", () => {
    expect(uploadStoreFor(parseJobsConfig({}, "/tmp/data"))).toMatchObject({ kind: "local", direct: null });
    const settings = {
      S3_BUCKET: "bucket",
      S3_ENDPOINT: "http://minio:9000",
      S3_ACCESS_KEY_ID: "k",
      S3_SECRET_ACCESS_KEY: "s",
    };
    const s3Config = parseJobsConfig(settings, "/tmp/data");
    expect(uploadStoreFor(s3Config).kind).toBe("s3");
    expect(uploadStoreFor(s3Config).direct?.origin).toBe("http://minio:9000");
    expect(directUploadOrigin(s3Config)).toBe("http://minio:9000");
    const published = parseJobsConfig(
      { ...settings, S3_PUBLIC_ENDPOINT: "https://s3.example.com/" },
      "/tmp/data",
    );
    expect(uploadStoreFor(published).direct?.origin).toBe("https://s3.example.com");
    expect(directUploadOrigin(published)).toBe("https://s3.example.com");
    const through = parseJobsConfig({ ...settings, S3_DIRECT_UPLOADS: "0" }, "/tmp/data");
    expect(uploadStoreFor(through)).toMatchObject({ kind: "s3", direct: null });
    expect(directUploadOrigin(through)).toBeNull();
    expect(directUploadOrigin(parseJobsConfig({}, "/tmp/data"))).toBeNull();
    expect(
      directUploadOrigin(parseJobsConfig({ ...settings, BEATSIGHT_SERVER_JOBS: "0" }, "/tmp/data")),
    ).toBeNull();
    expect(() => parseJobsConfig({ S3_BUCKET: "bucket" }, "/tmp/data")).toThrow(
      "S3_ENDPOINT, S3_ACCESS_KEY_ID",
    );
  });
});
