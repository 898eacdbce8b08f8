// Violation reports of the Content-Security-Policy (server/http/csp.ts), as browsers send them to
// CSP_REPORT_PATH: parsed, stripped of anything personal, and logged, so a policy that blocks a
// real part of the app shows up in the log instead of as a silently broken page. The endpoint is
// open to anyone, so everything about it is bounded: body size, reports per address, fields kept.
import type { Logger } from "pino";
import { z } from "zod";
import { limitKey } from "./trust-proxy.ts";

/** A report is a few hundred bytes; a batch of them a few KiB. */
export const MAX_REPORT_BYTES = 16 * 1024;

/** One violation, as much of it as the log needs. */
export interface Violation {
  documentUri: string;
  blockedUri: string;
  directive: string;
  disposition: string;
  sourceFile?: string;
  line?: number;
  sample?: string;
}

const text = z.string().max(4096).optional();
const line = z.number().int().nonnegative().optional();

/** `Content-Type: application/csp-report`, from report-uri. */
const legacyReport = z.object({
  "csp-report": z.object({
    "document-uri": text,
    "blocked-uri": text,
    "violated-directive": text,
    "effective-directive": text,
    disposition: text,
    "source-file": text,
    "line-number": line,
    "script-sample": text,
  }),
});

/** `Content-Type: application/reports+json`, from report-to: a batch, csp-violation among others. */
const reportingApiBatch = z.array(
  z.object({
    type: z.string(),
    body: z
      .object({
        documentURL: text,
        blockedURL: text,
        effectiveDirective: text,
        disposition: text,
        sourceFile: text,
        lineNumber: line,
        sample: text,
      })
      .optional(),
  }),
);

/**
 * Addresses without their query and fragment (a page's address may hold a reset token), and
 * keywords such as "inline" or "eval" as they are.
 */
function scrub(uri: string | undefined): string {
  if (!uri) return "";
  if (!URL.canParse(uri)) return uri.slice(0, 64);
  const url = new URL(uri);
  return url.protocol === "blob:" || url.protocol === "data:" ? url.protocol : `${url.origin}${url.pathname}`;
}

function violation(fields: {
  documentUri: string | undefined;
  blockedUri: string | undefined;
  directive: string | undefined;
  disposition: string | undefined;
  sourceFile: string | undefined;
  line: number | undefined;
  sample: string | undefined;
}): Violation {
  return {
    documentUri: scrub(fields.documentUri),
    blockedUri: scrub(fields.blockedUri),
    directive: fields.directive?.split(" ")[0] ?? "",
    disposition: fields.disposition ?? "enforce",
    ...(fields.sourceFile ? { sourceFile: scrub(fields.sourceFile) } : {}),
    ...(fields.line !== undefined ? { line: fields.line } : {}),
    // The first characters of the refused code, which browsers already cut to 40.
    ...(fields.sample ? { sample: fields.sample.slice(0, 40) } : {}),
  };
}

/** The violations in a report body of either format; null when it is neither. */
export function parseViolations(body: unknown): Violation[] | null {
  const legacy = legacyReport.safeParse(body);
  if (legacy.success) {
    const r = legacy.data["csp-report"];
    return [
      violation({
        documentUri: r["document-uri"],
        blockedUri: r["blocked-uri"],
        directive: r["effective-directive"] ?? r["violated-directive"],
        disposition: r.disposition,
        sourceFile: r["source-file"],
        line: r["line-number"],
        sample: r["script-sample"],
      }),
    ];
  }
  const batch = reportingApiBatch.safeParse(body);
  if (batch.success) {
    return batch.data.flatMap((report) =>
      report.type === "csp-violation" && report.body
        ? [
            violation({
              documentUri: report.body.documentURL,
              blockedUri: report.body.blockedURL,
              directive: report.body.effectiveDirective,
              disposition: report.body.disposition,
              sourceFile: report.body.sourceFile,
              line: report.body.lineNumber,
              sample: report.body.sample,
            }),
          ]
        : [],
    );
  }
  return null;
}

/**
 * The body as text, or null when it is larger than MAX_REPORT_BYTES: read no further than that,
 * whatever Content-Length says.
 */
export async function readCapped(request: Request, maxBytes = MAX_REPORT_BYTES): Promise<string | null> {
  const declared = Number(request.headers.get("content-length"));
  if (declared > maxBytes) return null;
  if (!request.body) return "";
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => {});
      return null;
    }
    chunks.push(value);
  }
  return new TextDecoder().decode(Buffer.concat(chunks));
}

/**
 * Per address, in this process's memory (a report costs a log line, not a database write, so a
 * shared count is not worth a query): a page with a real problem reports each blocked load, so a
 * few dozen a minute are honest; beyond that reports are dropped rather than filling the log.
 */
export class ReportLimiter {
  private readonly windows = new Map<string, { start: number; count: number }>();

  constructor(
    private readonly perMinute = 60,
    private readonly now: () => number = Date.now,
  ) {}

  /** Counts one report from `address`; false when it is over the limit. */
  allow(address: string): boolean {
    const key = limitKey(address);
    const t = this.now();
    const window = this.windows.get(key);
    if (!window || t - window.start >= 60_000) {
      // Bounded memory under a flood from many addresses: ended windows go first.
      if (this.windows.size >= 10_000) {
        for (const [k, w] of this.windows) if (t - w.start >= 60_000) this.windows.delete(k);
        if (this.windows.size >= 10_000) return false;
      }
      this.windows.set(key, { start: t, count: 1 });
      return true;
    }
    if (window.count >= this.perMinute) return false;
    window.count++;
    return true;
  }
}

/**
 * One POST to the report endpoint, from `address`: each violation logged, and an empty answer —
 * 204, or 400/413/429 for what is not a report, too big or too many; never a 500, since no browser
 * does anything with the answer.
 */
export async function receiveReport(
  request: Request,
  context: { address: string; limiter: ReportLimiter; log: Pick<Logger, "warn"> },
): Promise<Response> {
  const { address, limiter, log } = context;
  try {
    if (!limiter.allow(address)) return new Response(null, { status: 429 });
    const body = await readCapped(request);
    if (body === null) return new Response(null, { status: 413 });
    let json: unknown;
    try {
      json = JSON.parse(body);
    } catch {
      return new Response(null, { status: 400 });
    }
    const violations = parseViolations(json);
    if (violations === null) return new Response(null, { status: 400 });
    for (const violation of violations) log.warn({ violation, address }, "Content-Security-Policy violation");
    return new Response(null, { status: 204 });
  } catch (error) {
    // A body that breaks off while being read, say: not worth a 500.
    log.warn({ err: error, address }, "CSP report not read");
    return new Response(null, { status: 400 });
  }
}
