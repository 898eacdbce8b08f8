// The report endpoint through its route handler (and so through the request guard): what a
// browser sends is accepted, and nothing anyone sends gets a 500.
import { describe, expect, it } from "vitest";
import { REMOTE_ADDRESS_HEADER } from "@/server/http/remote-address.mjs";
import { POST } from "./route.ts";

let lastOctet = 0;
function report(body: BodyInit, headers: Record<string, string> = {}): Request {
  return new Request("http://127.0.0.1:3000/api/csp-report", {
    method: "POST",
    body,
    headers: {
      "content-type": "application/csp-report",
      "sec-fetch-site": "same-origin",
      [REMOTE_ADDRESS_HEADER]: `198.51.100.${++lastOctet}`,
      ...headers,
    },
  });
}

describe("POST /api/csp-report", () => {
  it("takes a report as Chromium sends it", async () => {
    const violation = {
      "csp-report": {
        "document-uri": "http://127.0.0.1:3000/",
        "blocked-uri": "inline",
        "effective-directive": "script-src-elem",
      },
    };
    expect((await POST(report(JSON.stringify(violation)))).status).toBe(204);
  });

  it("answers 4xx, never 500, to junk and oversize bodies", async () => {
    expect((await POST(report("not json"))).status).toBe(400);
    expect((await POST(report('{"some":"json"}'))).status).toBe(400);
    expect((await POST(report("x".repeat(64 * 1024)))).status).toBe(413);
  });
});
