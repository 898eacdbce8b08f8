import { describe, expect, it, vi } from "vitest";
import { MAX_REPORT_BYTES, parseViolations, ReportLimiter, readCapped, receiveReport } from "./csp-report.ts";

describe("parseViolations", () => {
  it("reads a report-uri report, keeping no query string (it may hold a token)", () => {
    const violations = parseViolations({
      "csp-report": {
        "document-uri": "https://beatsight.example/reset-password?token=secret#x",
        "blocked-uri": "inline",
        "violated-directive": "script-src-elem",
        "effective-directive": "script-src-elem",
        disposition: "enforce",
        "source-file": "https://beatsight.example/_next/static/chunks/a.js?v=1",
        "line-number": 12,
        "script-sample": "alert(document.cookie)".repeat(5),
      },
    });
    expect(violations).toEqual([
      {
        documentUri: "https://beatsight.example/reset-password",
        blockedUri: "inline",
        directive: "script-src-elem",
        disposition: "enforce",
        sourceFile: "https://beatsight.example/_next/static/chunks/a.js",
        line: 12,
        sample: "alert(document.cookie)alert(document.coo",
      },
    ]);
  });

  it("reads the csp-violation entries of a Reporting API batch and skips the other kinds", () => {
    const violations = parseViolations([
      { type: "deprecation", body: {} },
      {
        type: "csp-violation",
        body: {
          documentURL: "https://beatsight.example/play/1",
          blockedURL: "blob:https://beatsight.example/1234",
          effectiveDirective: "worker-src",
          disposition: "enforce",
        },
      },
    ]);
    expect(violations).toEqual([
      {
        documentUri: "https://beatsight.example/play/1",
        blockedUri: "blob:",
        directive: "worker-src",
        disposition: "enforce",
      },
    ]);
  });

  it("refuses anything else", () => {
    expect(parseViolations({ hello: "world" })).toBeNull();
    expect(parseViolations("csp-report")).toBeNull();
    expect(parseViolations({ "csp-report": { "line-number": "twelve" } })).toBeNull();
  });
});

describe("readCapped", () => {
  const post = (body: BodyInit, headers: Record<string, string> = {}) =>
    new Request("http://localhost/api/csp-report", { method: "POST", body, headers });

  it("reads a body up to the cap and stops beyond it, whatever Content-Length claims", async () => {
    expect(await readCapped(post("x".repeat(MAX_REPORT_BYTES)))).toHaveLength(MAX_REPORT_BYTES);
    expect(await readCapped(post("x".repeat(MAX_REPORT_BYTES + 1)))).toBeNull();
    expect(await readCapped(post("{}", { "content-length": String(MAX_REPORT_BYTES + 1) }))).toBeNull();
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        controller.enqueue(new Uint8Array(4096)); // never ends on its own
      },
    });
    expect(
      await readCapped(
        new Request("http://localhost/", { method: "POST", body: stream, duplex: "half" } as RequestInit),
      ),
    ).toBeNull();
  });
});

describe("ReportLimiter", () => {
  it("allows a few dozen reports a minute per address (an IPv6 /64 is one address), then drops them", () => {
    let now = 0;
    const limiter = new ReportLimiter(3, () => now);
    expect([1, 2, 3, 4].map(() => limiter.allow("2001:db8::1"))).toEqual([true, true, true, false]);
    expect(limiter.allow("2001:db8::ffff")).toBe(false);
    expect(limiter.allow("192.0.2.1")).toBe(true);
    now += 60_000;
    expect(limiter.allow("2001:db8::1")).toBe(true);
  });
});

describe("receiveReport", () => {
  const violation = JSON.stringify({
    "csp-report": {
      "document-uri": "http://127.0.0.1:3000/generate",
      "blocked-uri": "eval",
      "effective-directive": "script-src",
    },
  });
  const post = (body: BodyInit) =>
    new Request("http://127.0.0.1:3000/api/csp-report", { method: "POST", body });

  it("logs each violation with the page, the directive and the address, and answers 204", async () => {
    const log = { warn: vi.fn() };
    const response = await receiveReport(post(violation), {
      address: "192.0.2.7",
      limiter: new ReportLimiter(),
      log,
    });
    expect(response.status).toBe(204);
    expect(log.warn).toHaveBeenCalledWith(
      {
        violation: expect.objectContaining({
          documentUri: "http://127.0.0.1:3000/generate",
          directive: "script-src",
        }),
        address: "192.0.2.7",
      },
      "Content-Security-Policy violation",
    );
  });

  it("answers 4xx and logs nothing for junk, oversize bodies and floods (junk counts against the limit)", async () => {
    const log = { warn: vi.fn() };
    const context = { address: "203.0.113.9", limiter: new ReportLimiter(2), log };
    expect((await receiveReport(post("not json"), context)).status).toBe(400);
    expect((await receiveReport(post("[1]"), context)).status).toBe(400);
    expect(
      (
        await receiveReport(post("x".repeat(MAX_REPORT_BYTES + 1)), {
          ...context,
          limiter: new ReportLimiter(),
        })
      ).status,
    ).toBe(413);
    expect(log.warn).not.toHaveBeenCalled();
    expect((await receiveReport(post(violation), context)).status).toBe(429);
    expect(log.warn).not.toHaveBeenCalled();
  });

  it("answers 400, not 500, when the body breaks off", async () => {
    const log = { warn: vi.fn() };
    const broken = new ReadableStream<Uint8Array>({
      pull(controller) {
        controller.error(new Error("connection reset"));
      },
    });
    const request = new Request("http://127.0.0.1:3000/api/csp-report", {
      method: "POST",
      body: broken,
      duplex: "half",
    } as RequestInit);
    expect(
      (await receiveReport(request, { address: "192.0.2.8", limiter: new ReportLimiter(), log })).status,
    ).toBe(400);
    expect(log.warn).toHaveBeenCalledWith(
      expect.objectContaining({ address: "192.0.2.8" }),
      "CSP report not read",
    );
  });
});
