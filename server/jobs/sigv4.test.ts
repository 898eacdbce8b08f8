import { describe, expect, it } from "vitest";
import { EMPTY_SHA256, signRequest } from "./sigv4.ts";

// The "GET Object" example of AWS's Signature Version 4 documentation for S3
// (docs.aws.amazon.com/AmazonS3/latest/API/sig-v4-header-based-auth.html).
describe("SigV4", () => {
  it("reproduces AWS's published signature for GET /test.txt with a Range header", () => {
    const headers = signRequest(
      {
        method: "GET",
        url: new URL("https://examplebucket.s3.amazonaws.com/test.txt"),
        headers: { Range: "bytes=0-9" },
        payloadSha256: EMPTY_SHA256,
      },
      {
        accessKeyId: "AKIAIOSFODNN7EXAMPLE",
        secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        region: "us-east-1",
      },
      new Date("2013-05-24T00:00:00Z"),
    );
    expect(headers.authorization).toBe(
      "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request," +
        "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date," +
        "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41",
    );
  });
});
