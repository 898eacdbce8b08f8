// POST /api/csp-report: where browsers send Content-Security-Policy violations (the report-uri of
// server/http/csp.ts). Each is logged with the page and what was refused (server/http/csp-report.ts).
import { clientAddress } from "@/server/http/client-address.ts";
import { ReportLimiter, receiveReport } from "@/server/http/csp-report.ts";
import { guarded } from "@/server/http/guard.ts";

export const dynamic = "force-dynamic";

const limiter = new ReportLimiter();

// session "none": a report needs no account and no database.
export const POST = guarded({ session: "none" }, (request, { log }) =>
  receiveReport(request, {
    address: clientAddress(request.headers),
    limiter,
    log: log.child({ module: "csp" }),
  }),
);
