// Watching a page for Content-Security-Policy violations on every channel they can show up on:
// the page's `securitypolicyviolation` events, the console of the page and its workers, page
// errors, and the reports the browser sends to /api/csp-report.
import type { BrowserContext, Page } from "@playwright/test";

/** Everything the browser said about the policy, from any channel, as one line each. */
export async function watchViolations(page: Page, context: BrowserContext): Promise<string[]> {
  const seen: string[] = [];
  await context.exposeBinding("__cspViolation", (source, line: string) => {
    seen.push(`event on ${source.page?.url()}: ${line}`);
  });
  await context.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (e) => {
      const report = (window as unknown as { __cspViolation: (line: string) => void }).__cspViolation;
      report(`${e.effectiveDirective} refused ${e.blockedURI} (${e.sourceFile}:${e.lineNumber})`);
    });
  });
  const csp = /Content.Security.Policy|Refused to (load|execute|compile|create|apply|connect|frame)/i;
  page.on("console", (message) => {
    if (csp.test(message.text())) seen.push(`console: ${message.text()}`);
  });
  context.on("request", (request) => {
    if (new URL(request.url()).pathname === "/api/csp-report") {
      seen.push(`report sent: ${request.postData() ?? ""}`);
    }
  });
  return seen;
}
