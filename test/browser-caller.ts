// A pretend browser for integration tests of the auth API: it sends the headers a same-origin page
// would (Host, Sec-Fetch-Site) and its socket address as scripts/serve.mjs stamps it, keeps the
// session cookie the server sets, and builds the tRPC context the way the route handler does, so
// cookies, the same-origin guard and per-address limits are real.
import { randomInt } from "node:crypto";
import { SESSION_COOKIE, sessionFromCookies } from "../server/auth/session.ts";
import type { Db } from "../server/db/client.ts";
import { REMOTE_ADDRESS_HEADER } from "../server/http/remote-address.mjs";
import { createCaller } from "../server/trpc/root.ts";

export type Caller = ReturnType<typeof createCaller>;

export class TestBrowser {
  /** The Cookie header value this browser sends, or null when it holds no session. */
  cookie: string | null = null;
  /** The raw Set-Cookie lines of the last call. */
  lastSetCookie: string[] = [];
  readonly ip = `10.${randomInt(256)}.${randomInt(256)}.${randomInt(1, 255)}`;

  constructor(
    private readonly db: Db,
    readonly host = "beatsight.test",
  ) {}

  /** Runs `fn` against the API as this browser; `headers` add to or replace the usual ones. */
  async call<T>(fn: (api: Caller) => Promise<T>, headers: Record<string, string> = {}): Promise<T> {
    const reqHeaders = new Headers({
      host: this.host,
      "sec-fetch-site": "same-origin",
      [REMOTE_ADDRESS_HEADER]: this.ip,
      "user-agent": "TestBrowser/1.0",
      ...(this.cookie ? { cookie: this.cookie } : {}),
      ...headers,
    });
    const resHeaders = new Headers();
    const session = await sessionFromCookies(this.db, reqHeaders.get("cookie"));
    const api = createCaller({ db: this.db, session, requestId: "test", headers: reqHeaders, resHeaders });
    try {
      return await fn(api);
    } finally {
      this.lastSetCookie = resHeaders.getSetCookie();
      for (const line of this.lastSetCookie) {
        const [pair = ""] = line.split(";");
        const eq = pair.indexOf("=");
        if (pair.slice(0, eq) !== SESSION_COOKIE) continue;
        const value = pair.slice(eq + 1);
        this.cookie = value && !/Max-Age=0(;|$)/.test(line) ? `${SESSION_COOKIE}=${value}` : null;
      }
    }
  }
}
