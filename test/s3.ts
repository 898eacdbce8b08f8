// A real S3-compatible server for tests: s3rver (the maintained @20minutes fork, which checks SigV4
// signatures, presigned URLs included, and their expiry) in a child process on a free port, storing
// objects in a throwaway folder. A child rather than in this process, so that what a test measures
// of this process's memory is the client's alone.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { S3Config } from "../server/jobs/upload-store-s3.ts";

export interface TestS3 {
  /** Settings for s3UploadStore: this server, its bucket, a test key pair. */
  config: S3Config;
  /** The same as job settings (S3_*), for code that reads them from the environment. */
  env: Record<string, string>;
  /** The folder the server keeps its objects in. */
  dir: string;
  stop(): Promise<void>;
}

/** The bucket's CORS rule, as docs/SERVER_JOBS.md tells operators to set it. */
export const TEST_CORS_XML = `<CORSConfiguration>
  <CORSRule>
    <AllowedOrigin>http://app.test</AllowedOrigin>
    <AllowedMethod>PUT</AllowedMethod>
    <AllowedHeader>content-type</AllowedHeader>
    <MaxAgeSeconds>3600</MaxAgeSeconds>
  </CORSRule>
</CORSConfiguration>`;

const CHILD = `
const S3rver = require("@20minutes/s3rver");
const { DUMMY_ACCOUNT } = require("@20minutes/s3rver/lib/models/account");
const [directory, bucket, keyId, secret, cors] = process.argv.slice(1);
DUMMY_ACCOUNT.createKeyPair(keyId, secret);
new S3rver({ address: "127.0.0.1", port: 0, silent: true, directory,
  configureBuckets: [{ name: bucket, configs: [cors] }] })
  .run()
  .then(({ port }) => process.stdout.write(JSON.stringify({ port }) + "\\n"))
  .catch((error) => { console.error(error); process.exit(1); });
`;

export async function startTestS3(bucket = "beatsight-test"): Promise<TestS3> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "beatsight-s3-"));
  const accessKeyId = "BEATSIGHTTEST";
  const secretAccessKey = "beatsight-test-secret";
  const child: ChildProcess = spawn(
    process.execPath,
    ["-e", CHILD, dir, bucket, accessKeyId, secretAccessKey, TEST_CORS_XML],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const port = await new Promise<number>((resolve, reject) => {
    let out = "";
    child.stdout?.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      const line = out.split("\n")[0];
      if (out.includes("\n") && line) resolve((JSON.parse(line) as { port: number }).port);
    });
    child.once("exit", (code) =>
      reject(new Error(`The test S3 server exited (${code}) before it listened:\n${stderr}`)),
    );
  });
  const endpoint = `http://127.0.0.1:${port}`;
  const config: S3Config = {
    endpoint,
    bucket,
    prefix: "uploads/",
    region: "us-east-1",
    accessKeyId,
    secretAccessKey,
  };
  return {
    config,
    env: {
      S3_ENDPOINT: endpoint,
      S3_BUCKET: bucket,
      S3_REGION: "us-east-1",
      S3_PREFIX: "uploads/",
      S3_ACCESS_KEY_ID: accessKeyId,
      S3_SECRET_ACCESS_KEY: secretAccessKey,
    },
    dir,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once("exit", resolve));
        child.kill();
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
