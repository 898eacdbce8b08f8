// The security and fault suite (issue 29): black-box requests against started production servers
// of this checkout, each with its own embedded PostgreSQL — never the shared e2e server, whose
// limits and database these tests exhaust and kill. No browser: what an attacker or a failing
// machine does arrives as plain HTTP. docs/SECURITY.md lists what is limited and why.
import { randomBytes, randomInt } from "node:crypto";
import { expect, test } from "@playwright/test";
import { compressFingerprint } from "../lib/fingerprint/compress.ts";
import { type AppServer, killEmbeddedPostgres, startAppServer } from "../test/app-server.ts";

test.describe.configure({ mode: "serial" });
test.setTimeout(300_000);

interface Answer {
  status: number;
  headers: Headers;
  body: string;
}

async function post(
  server: AppServer,
  path: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<Answer> {
  const res = await fetch(`${server.url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
  return { status: res.status, headers: res.headers, body: await res.text() };
}

const trpc = (server: AppServer, procedure: string, input: unknown, headers: Record<string, string> = {}) =>
  post(server, `/api/trpc/${procedure}`, { json: input }, headers);

const SAME_ORIGIN = { "sec-fetch-site": "same-origin" };
const newEmail = () => `sec-${randomBytes(4).toString("hex")}@example.test`;
const PASSWORD = "correct horse battery staple";

/** A Chromaprint fingerprint of 60 s of nothing in particular: each one a different "song". */
function randomFingerprint(): { fingerprint: string; duration: number } {
  const raw = Array.from({ length: 400 }, () => randomInt(2 ** 32) >>> 0);
  return { fingerprint: compressFingerprint(raw), duration: 60 };
}

/** The confirmation token mailed to `email`, read from the dev outbox page (DEV_OUTBOX=1). */
async function confirmationToken(server: AppServer, email: string): Promise<string | null> {
  const html = await (await fetch(`${server.url}/dev/outbox`)).text();
  const mail = html.split("<article").find((article) => article.includes(email));
  return mail ? (/verify-email#token=([A-Za-z0-9_-]+)/.exec(mail)?.[1] ?? null) : null;
}

/** Signs up and confirms the address through the emailed link, as a person would. */
async function signUp(server: AppServer, email: string, from: Record<string, string>): Promise<void> {
  const answer = await trpc(server, "auth.signUp", { email, password: PASSWORD, displayName: "Owner" }, from);
  expect(answer.status, answer.body).toBe(200);
  // The mail is sent just after the answer (constant-time sign-up).
  let token: string | null = null;
  await expect
    .poll(async () => (token = await confirmationToken(server, email)), { timeout: 15_000 })
    .toBeTruthy();
  const confirmed = await trpc(server, "auth.verifyEmail", { token }, from);
  expect(confirmed.status, confirmed.body).toBe(200);
}

test.describe("a server reached directly (TRUST_PROXY unset)", () => {
  let server: AppServer;
  test.beforeAll(async () => {
    server = await startAppServer();
  });
  test.afterAll(async () => {
    await server?.stop();
  });

  test("rotating X-Forwarded-For does not escape the sign-in limits", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 40; i++) {
      const forged = { ...SAME_ORIGIN, "x-forwarded-for": `198.51.100.${i + 1}` };
      statuses.push(
        (await trpc(server, "auth.signIn", { email: newEmail(), password: "wrong-password-1" }, forged))
          .status,
      );
    }
    // At most 20 wrong passwords per address in 15 minutes (server/auth/limits.ts), whatever the header says.
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(20);
    expect(statuses.filter((s) => s >= 500)).toEqual([]);
  });

  test("every route refuses cross-site writes, and uploads need a session", async () => {
    const evil = { origin: "https://evil.example", "sec-fetch-site": "cross-site" };
    for (const path of ["/api/jobs/upload", "/api/trpc/comments.add", "/api/trpc/auth.signUp"]) {
      const answer = await post(server, path, {}, evil);
      expect(answer.status, path).toBe(403);
      expect(JSON.parse(answer.body).error.code).toBe("cross-site");
      expect(answer.headers.get("x-request-id")).toBeTruthy();
    }
    const anonymous = await post(server, "/api/jobs/upload", {}, SAME_ORIGIN);
    expect(anonymous.status).toBe(401);
    expect(JSON.parse(anonymous.body).error.message).toMatch(/sign in/i);
  });

  test("one request cannot carry a thousand writes", async () => {
    const calls = Array.from({ length: 1000 }, () => "comments.add").join(",");
    const inputs = Object.fromEntries(
      Array.from({ length: 1000 }, (_, i) => [i, { json: { mapId: "x", body: "spam" } }]),
    );
    const answer = await post(server, `/api/trpc/${calls}?batch=1`, inputs, SAME_ORIGIN);
    expect(answer.status).toBe(400);
  });

  test("anonymous health says how things are, never where", async () => {
    const res = await fetch(`${server.url}/api/health`);
    expect(res.status).toBe(200);
    const body = await res.text();
    expect(body).not.toMatch(/127\.0\.0\.1|localhost|postgres(ql)?:\/\/|password|:\d{4,5}\b/i);
  });

  test("pages carry a Content-Security-Policy: a fresh nonce, or a prerendered page's own hashes", async () => {
    const first = (await fetch(`${server.url}/health`)).headers.get("content-security-policy") ?? "";
    const second = (await fetch(`${server.url}/health`)).headers.get("content-security-policy") ?? "";
    expect(first).toMatch(/script-src[^;]*'nonce-[A-Za-z0-9+/=]+'/);
    expect(first).toContain("object-src 'none'");
    expect(first).not.toBe(second);
    const home = (await fetch(`${server.url}/`)).headers.get("content-security-policy") ?? "";
    expect(home).toMatch(/script-src 'self' 'sha256-[A-Za-z0-9+/=]+'/);
    expect(home).not.toContain("'nonce-");
    expect(home).not.toContain("'unsafe-inline' ");
  });
});

test.describe("a server behind a proxy (TRUST_PROXY=1)", () => {
  let server: AppServer;
  test.beforeAll(async () => {
    server = await startAppServer({ env: { TRUST_PROXY: "1", DEV_OUTBOX: "1" } });
  });
  test.afterAll(async () => {
    await server?.stop();
  });

  test("guessing an account's password from one place does not lock its owner out", async () => {
    const email = newEmail();
    const owner = { ...SAME_ORIGIN, "x-forwarded-for": "198.51.100.7" };
    const attacker = { ...SAME_ORIGIN, "x-forwarded-for": "203.0.113.5" };
    await signUp(server, email, owner);
    const attempts: number[] = [];
    for (let i = 0; i < 8; i++) {
      attempts.push(
        (await trpc(server, "auth.signIn", { email, password: `guess-${i}-wrong` }, attacker)).status,
      );
    }
    // The attacker is slowed, then refused…
    expect(attempts).toContain(429);
    // …while the owner, elsewhere, signs in with the right password.
    const mine = await trpc(server, "auth.signIn", { email, password: PASSWORD }, owner);
    expect(mine.status, mine.body).toBe(200);
    expect(mine.headers.getSetCookie().join("\n")).toMatch(/bs_session=[A-Za-z0-9_-]{43}/);
  });

  test("the embedded database killed during a write burst: no acknowledged write is lost, no 500s", async () => {
    const acknowledged: { fingerprint: string; duration: number }[] = [];
    const statuses = new Map<number, number>();
    let killedPid: number | null = null;
    const writes = Array.from({ length: 240 }, (_, i) => i);
    // Eight writers in parallel; the database is SIGKILLed after the 60th answer.
    let answered = 0;
    const writer = async () => {
      for (;;) {
        const i = writes.shift();
        if (i === undefined) return;
        const song = randomFingerprint();
        const from = { ...SAME_ORIGIN, "x-forwarded-for": `10.9.${i >> 8}.${i & 255}` };
        const answer = await trpc(server, "songs.register", { ...song, title: `Burst ${i}` }, from);
        statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
        if (answer.status === 200) acknowledged.push(song);
        if (answer.status === 503) expect(Number(answer.headers.get("retry-after"))).toBeGreaterThan(0);
        if (++answered === 60) killedPid = killEmbeddedPostgres(server.dataDir, "SIGKILL");
        // Pace the burst so it spans the outage and the recovery.
        await new Promise((r) => setTimeout(r, 40));
      }
    };
    await Promise.all(Array.from({ length: 8 }, writer));
    expect(killedPid).not.toBeNull();
    expect([...statuses.keys()].filter((s) => s !== 200 && s !== 503)).toEqual([]);
    expect(statuses.get(503) ?? 0).toBeGreaterThan(0);

    // The server heals by itself…
    await expect
      .poll(async () => (await fetch(`${server.url}/api/health`)).status, { timeout: 90_000 })
      .toBe(200);
    // …and every write it acknowledged is there: registering it again finds the stored fingerprint.
    let lost = 0;
    for (const [i, song] of acknowledged.entries()) {
      const from = { ...SAME_ORIGIN, "x-forwarded-for": `10.8.${i >> 8}.${i & 255}` };
      const again = await trpc(server, "songs.register", { ...song, title: "again" }, from);
      expect(again.status, again.body).toBe(200);
      if (JSON.parse(again.body).result.data.json.created !== false) lost++;
    }
    console.log(
      `write burst: ${acknowledged.length} acknowledged, ${statuses.get(503) ?? 0} answered 503, ${lost} acknowledged writes lost`,
    );
    expect(lost).toBe(0);
    expect(acknowledged.length).toBeGreaterThan(60);
  });
});
