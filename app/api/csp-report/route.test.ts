// The report endpoint through its handler: what browsers send is accepted and logged, and nothing
// anyone sends gets a 500.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { REMOTE_ADDRESS_HEADER } from "@/server/http/remote-address.mjs";
import { logger } from "@/server/log.ts";
import { POST } from "./route.ts";

let lastOctet = 0;
function report(body: BodyInit, address = `198.51.100.${++lastOctet}`): Request {
  return new Request("http://127.0.0.1:3000/api/csp-report", {
    method: "POST",
    body,
    headers: { "content-type": "application/csp-report", [REMOTE_ADDRESS_HEADER]: address },
  });
}

const violation = JSON.stringify({
  "csp-report": {
    "document-uri": "http://127.0.0.1:3000/generate",
    "blocked-uri": "eval",
    "effective-directive": "script-src",
  },
});

const warn = vi.fn();
beforeEach(() => {
  warn.mockClear();
  vi.spyOn(logger(), "child").mockReturnValue({ warn } as never);
});
afterEach(() => vi.restoreAllMocks());

describe("POST /api/csp-report", () => {
  it("logs each violation with the page and the directive, and answers 204", async () => {
    const response = await POST(report(violation));
    expect(response.status).toBe(204);
    expect(warn).toHaveBeenCalledWith(
      expect.objectContaining({
        violation: expect.objectContaining({
          documentUri: "http://127.0.0.1:3000/generate",
          directive: "script-src",
        }),
      }),
      "Content-Security-Policy violation",
    );
  });

  it("answers 4xx, never 500, to junk, oversize bodies and floods", async () => {
    expect((await POST(report("not json"))).status).toBe(400);
    expect((await POST(report('{"some":"json"}'))).status).toBe(400);
    expect((await POST(report("x".repeat(64 * 1024)))).status).toBe(413);
    const address = "203.0.113.9";
    const statuses: number[] = [];
    for (let i = 0; i < 61; i++) statuses.push((await POST(report(violation, address))).status);
    expect(statuses.slice(0, 60).every((s) => s === 204)).toBe(true);
    expect(statuses[60]).toBe(429);
    expect(warn).toHaveBeenCalledTimes(60);
  });
});
