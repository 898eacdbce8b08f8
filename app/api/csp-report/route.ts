// POST /api/csp-report: where browsers send Content-Security-Policy violations (the report-uri of
// server/http/csp.ts). Each is logged with the page and what was refused; the answer is always an
// empty 2xx/4xx, never a 500, since no browser does anything with it.
import { clientAddress } from "@/server/http/client-address.ts";
import { parseViolations, ReportLimiter, readCapped } from "@/server/http/csp-report.ts";
import { guarded } from "@/server/http/guard.ts";

export const dynamic = "force-dynamic";

const limiter = new ReportLimiter();

// session "none": a report needs no account and no database.
export const POST = guarded({ session: "none" }, async (request, { log: requestLog }) => {
  const log = requestLog.child({ module: "csp" });
  try {
    const address = clientAddress(request.headers);
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
    // A report that cannot even be read is not worth a 500 (and a browser would not care).
    log.warn({ err: error }, "CSP report not read");
    return new Response(null, { status: 400 });
  }
});
