// Imported (for its effect) by every lib module that defines zod schemas, before it defines any.
// Zod compiles object parsers with `new Function` when the runtime allows it, and finds out by
// trying once, when the first object schema is made. Browsers under the app's Content-Security-
// Policy (server/http/csp.ts: no 'unsafe-eval') refuse, and report the refused probe as a violation
// even though zod catches it. Pages, workers and the service worker therefore tell zod not to try
// (the compiled parsers could not run there anyway); Node keeps them.
import { config } from "zod";

if ("window" in globalThis || "WorkerGlobalScope" in globalThis) config({ jitless: true });
