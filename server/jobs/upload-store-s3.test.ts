// The S3 upload store against a small S3 stand-in served over HTTP in this process: it keeps objects
// in memory and refuses any request whose SigV4 signature does not check out with the secret.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signRequest } from "./sigv4.ts";
import { UploadTooLargeError } from "./upload-store.ts";
import { type S3Config, s3UploadStore } from "./upload-store-s3.ts";

const objects = new Map<string, { body: Buffer; modified: Date }>();
let server: http.Server;
let config: S3Config;

function signatureOk(req: http.IncomingMessage, url: URL): boolean {
  const auth = String(req.headers.authorization ?? "");
  const signed = /SignedHeaders=([^,]+)/.exec(auth)?.[1]?.split(";") ?? [];
  const headers: Record<string, string> = {};
  for (const name of signed)
    if (name !== "host" && !name.startsWith("x-amz-")) headers[name] = String(req.headers[name]);
  const date = String(req.headers["x-amz-date"]);
  const when = new Date(
    `${date.slice(0, 4)}-${date.slice(4, 6)}-${date.slice(6, 8)}T${date.slice(9, 11)}:${date.slice(11, 13)}:${date.slice(13, 15)}Z`,
  );
  const expected = signRequest(
    { method: req.method ?? "GET", url, headers, payloadSha256: String(req.headers["x-amz-content-sha256"]) },
    config,
    when,
  );
  return expected.authorization === auth;
}

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", `http://${req.headers.host}`);
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      if (!signatureOk(req, url)) {
        res.writeHead(403).end("<Error><Code>SignatureDoesNotMatch</Code></Error>");
        return;
      }
      const key = decodeURIComponent(url.pathname.replace(/^\/bucket\/?/, ""));
      if (req.method === "PUT") objects.set(key, { body: Buffer.concat(chunks), modified: new Date() });
      else if (req.method === "DELETE") objects.delete(key);
      else if (req.method === "GET" && url.searchParams.get("list-type") === "2") {
        const entries = [...objects.entries()]
          .filter(([k]) => k.startsWith(url.searchParams.get("prefix") ?? ""))
          .map(
            ([k, o]) =>
              `<Contents><Key>${k}</Key><LastModified>${o.modified.toISOString()}</LastModified></Contents>`,
          );
        res
          .writeHead(200)
          .end(`<ListBucketResult><IsTruncated>false</IsTruncated>${entries.join("")}</ListBucketResult>`);
        return;
      } else if (req.method === "GET") {
        const object = objects.get(key);
        if (!object) {
          res.writeHead(404).end("<Error><Code>NoSuchKey</Code></Error>");
          return;
        }
        res.writeHead(200).end(object.body);
        return;
      }
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  config = {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    bucket: "bucket",
    prefix: "uploads/",
    region: "us-east-1",
    accessKeyId: "TESTKEY",
    secretAccessKey: "test-secret",
  };
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const stream = (bytes: Uint8Array) =>
  new ReadableStream<Uint8Array>({
    start(controller) {
      for (let i = 0; i < bytes.length; i += 1000) controller.enqueue(bytes.subarray(i, i + 1000));
      controller.close();
    },
  });

describe("S3 upload store", () => {
  it("stores, reads back through a local file, lists by age and deletes", async () => {
    const store = s3UploadStore(config);
    const audio = new Uint8Array(5000).map((_, i) => i % 251);
    const stored = await store.put(stream(audio), { maxBytes: 10_000, extension: "mp3" });
    expect(stored.bytes).toBe(5000);
    expect([...stored.head]).toEqual([...audio.subarray(0, 64)]);
    expect(objects.has(`uploads/${stored.key}`)).toBe(true);
    const read = await store.withLocalFile(
      stored.key,
      async (file) => new Uint8Array(await (await import("node:fs/promises")).readFile(file)),
    );
    expect(read).toEqual(audio);
    expect(await store.listOlderThan(new Date(Date.now() - 60_000))).toEqual([]);
    expect(await store.listOlderThan(new Date(Date.now() + 60_000))).toEqual([stored.key]);
    await store.delete(stored.key);
    await store.delete(stored.key); // a missing object counts as deleted
    expect(objects.size).toBe(0);
  });

  it("refuses an upload past the limit without storing anything", async () => {
    const store = s3UploadStore(config);
    await expect(
      store.put(stream(new Uint8Array(3000)), { maxBytes: 2000, extension: "wav" }),
    ).rejects.toBeInstanceOf(UploadTooLargeError);
    expect(objects.size).toBe(0);
  });

  it("says clearly when the storage refuses the credentials", async () => {
    const store = s3UploadStore({ ...config, secretAccessKey: "wrong" });
    await expect(store.put(stream(new Uint8Array(10)), { maxBytes: 100, extension: "mp3" })).rejects.toThrow(
      "Object storage refused to store the upload (HTTP 403 SignatureDoesNotMatch).",
    );
  });
});

describe("choosing the store", () => {
  it("uses object storage when S3_BUCKET is set, and says what is missing when it is incomplete", async () => {
    const { parseJobsConfig } = await import("./config.ts");
    const { uploadStoreFor } = await import("./system.ts");
    expect(uploadStoreFor(parseJobsConfig({}, "/tmp/data")).kind).toBe("local");
    const s3 = parseJobsConfig(
      {
        S3_BUCKET: "bucket",
        S3_ENDPOINT: "http://127.0.0.1:9000",
        S3_ACCESS_KEY_ID: "k",
        S3_SECRET_ACCESS_KEY: "s",
      },
      "/tmp/data",
    );
    expect(uploadStoreFor(s3).kind).toBe("s3");
    expect(() => parseJobsConfig({ S3_BUCKET: "bucket" }, "/tmp/data")).toThrow(
      "S3_ENDPOINT, S3_ACCESS_KEY_ID",
    );
  });
});
