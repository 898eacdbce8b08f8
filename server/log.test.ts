import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { createLogger } from "./log.ts";
import { withRequestContext } from "./request-context.ts";

function capture() {
  const lines: Record<string, unknown>[] = [];
  const raw: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split("\n").filter(Boolean)) {
        raw.push(line);
        lines.push(JSON.parse(line));
      }
      done();
    },
  });
  return { log: createLogger("info", stream), lines, raw };
}

describe("log lines and the request context", () => {
  it("name the request and job they were written for, even from deep inside an await", async () => {
    const { log, lines } = capture();
    const worker = log.child({ module: "worker" });
    await withRequestContext({ requestId: "req-abc-123", jobId: "job-1" }, async () => {
      await new Promise((r) => setTimeout(r, 1));
      worker.info("step");
    });
    worker.info("outside");
    expect(lines[0]).toMatchObject({
      module: "worker",
      requestId: "req-abc-123",
      jobId: "job-1",
      msg: "step",
    });
    expect(lines[1]).not.toHaveProperty("requestId");
  });

  it("never repeat a requestId the logger or the line already carries", () => {
    const { log, raw } = capture();
    withRequestContext({ requestId: "req-abc-123" }, () => {
      log.child({ requestId: "req-abc-123" }).info("bound");
      log.info({ requestId: "given" }, "given");
    });
    expect(raw[0]?.match(/"requestId"/g)).toHaveLength(1);
    expect(raw[1]?.match(/"requestId"/g)).toHaveLength(1);
    expect(JSON.parse(raw[1] ?? "{}").requestId).toBe("given");
  });

  it("leave out what the context does not know (a job no request queued)", () => {
    const { log, lines } = capture();
    withRequestContext({ requestId: undefined, jobId: "job-2" }, () => log.info("resent"));
    expect(lines[0]).toMatchObject({ jobId: "job-2" });
    expect(lines[0]).not.toHaveProperty("requestId");
  });
});
