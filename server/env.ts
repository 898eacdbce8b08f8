// Configuration, read once from the environment and validated, so a typo fails at start with a
// message that names the variable instead of surfacing later as a confusing runtime error.
import path from "node:path";
import { z } from "zod";
import { parseTrustProxy, type TrustProxy } from "./http/trust-proxy.ts";

const postgresUrl = z
  .string()
  .refine((v) => /^postgres(ql)?:\/\//.test(v), "must be a postgres:// or postgresql:// URL");

const envSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  /** External PostgreSQL. When unset the app runs its own embedded server under DATA_DIR. */
  DATABASE_URL: postgresUrl.optional(),
  /** Where the embedded database and other local state live. */
  DATA_DIR: z.string().min(1).default(".data"),
  /** Port of the embedded PostgreSQL server (only used when DATABASE_URL is unset); 0 = any free port. */
  EMBEDDED_PG_PORT: z.coerce
    .number()
    .int()
    .refine(
      (p) => p === 0 || (p >= 1024 && p <= 65535),
      "must be 0 (any free port) or between 1024 and 65535",
    )
    .default(54329),
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  /**
   * The interface the server listens on, as scripts/serve.mjs (`npm start`) resolved it: 127.0.0.1
   * by default (this machine only), 0.0.0.0 or :: for every interface. Unset when the server was
   * started some other way (then it is taken to be reachable from other machines).
   */
  LISTEN_HOST: z.string().min(1).optional(),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  /**
   * Connections this process's Prisma pool may open (server/db/client.ts); requests beyond them
   * wait their turn. With QUEUE_POOL_MAX and the job-event listener this is the process's share of
   * the server's max_connections (docs/DEPLOY.md, "Connections"). 6: API throughput on 2 cores is
   * the same from 6 to 16 (bench/connections.bench.ts); raise it when the pool's waiting gauge
   * stays above 0 (a distant server, long transactions).
   */
  DB_POOL_MAX: z.coerce.number().int().min(1).max(200).default(6),
  /** Connections pg-boss may open, in a process that runs the job system (server/queue/boss.ts); 3 seen in use. */
  QUEUE_POOL_MAX: z.coerce.number().int().min(2).max(100).default(4),
  /**
   * A worker process (`npm run worker`) serves its Prometheus metrics at /metrics on this port when
   * set (with the METRICS_TOKEN bearer token); web processes serve theirs at /api/metrics.
   */
  WORKER_METRICS_PORT: z.coerce.number().int().min(1).max(65535).optional(),
  /**
   * OpenTelemetry: when set (http://collector:4318), spans are sent there over OTLP/HTTP
   * (server/telemetry.ts, which then needs the SDK packages installed); unset, no tracing code loads.
   */
  OTEL_EXPORTER_OTLP_ENDPOINT: z
    .string()
    .refine((v) => URL.canParse(v) && /^https?:$/.test(new URL(v).protocol), "must be an http(s):// URL")
    .optional(),
  /** The service name spans carry; default beatsight-web or beatsight-worker. */
  OTEL_SERVICE_NAME: z.string().min(1).max(100).optional(),
  /**
   * The public address of the app (https://beatsight.example): the only source of absolute links
   * (emails, push, the passkey relying party) and, when https, of Secure cookies, HSTS and
   * upgrade-insecure-requests. Required in production unless the server listens on loopback only
   * (see productionProblem); unset elsewhere = the request's Host (server/auth/request-origin.ts).
   */
  APP_ORIGIN: z
    .string()
    .refine((v) => URL.canParse(v) && /^https?:$/.test(new URL(v).protocol), "must be an http(s):// URL")
    .transform((v) => new URL(v).origin)
    .optional(),
  /** Outgoing mail server (smtp://user:pass@host:587 or smtps://…). Unset = mail goes to DATA_DIR/outbox. */
  SMTP_URL: z
    .string()
    .refine((v) => /^smtps?:\/\//.test(v), "must be an smtp:// or smtps:// URL")
    .optional(),
  /** The From header of outgoing mail. */
  MAIL_FROM: z.string().min(3).default("BeatSight <no-reply@beatsight.invalid>"),
  /** "1" serves the /dev/outbox page in production too (end-to-end tests); development always has it. */
  DEV_OUTBOX: z.enum(["0", "1"]).default("0"),
  /**
   * Which proxies may say who the client is in X-Forwarded-For (server/http/trust-proxy.ts).
   * Unset or "false": none, the client is the socket's peer. A number: that many proxies in
   * front (1 = the last entry, the one the nearest proxy appended). A comma-separated list of
   * addresses or CIDR ranges: the chain is walked from the right past those proxies.
   */
  TRUST_PROXY: z
    .string()
    .optional()
    .transform((value, ctx): TrustProxy => {
      const parsed = parseTrustProxy(value);
      if ("problem" in parsed) {
        ctx.addIssue({ code: "custom", message: parsed.problem });
        return z.NEVER;
      }
      return parsed;
    }),
});

export type Env = z.infer<typeof envSchema> & { dataDir: string };

/** Every setting's name: .env.example lists each (scripts/deploy-files.test.ts checks). */
export const ENV_SETTINGS: readonly string[] = Object.keys(envSchema.shape);

export class ConfigError extends Error {
  override name = "ConfigError";
}

/** Whether a host name (or address, or Host header) names this machine only. */
export function isLoopbackHost(host: string | undefined): boolean {
  if (!host) return false;
  const name = host
    .trim()
    .toLowerCase()
    .replace(/^\[(.*)\](:\d+)?$/, "$1")
    .replace(/^([^:]*):\d+$/, "$1");
  return name === "localhost" || name === "::1" || /^127(\.\d{1,3}){3}$/.test(name);
}

/**
 * Production with no APP_ORIGIN: absolute links would have to come from the Host header, which
 * anyone who can reach the server chooses (a password-reset link pointing at their own site). That
 * is refused unless nobody else can reach it: `npm start` on a laptop listens on 127.0.0.1, and
 * there links are http://localhost:PORT or the loopback name the browser used.
 * `next build` is exempt: it runs in production mode without serving anything.
 */
function productionProblem(config: z.infer<typeof envSchema>, nextPhase: string | undefined): string | null {
  if (config.NODE_ENV !== "production" || config.APP_ORIGIN) return null;
  if (isLoopbackHost(config.LISTEN_HOST) || nextPhase === "phase-production-build") return null;
  const where = config.LISTEN_HOST
    ? `listens on ${config.LISTEN_HOST}`
    : "may be reached from other machines";
  return (
    `APP_ORIGIN: required in production, and this server ${where}. Set it to the address people ` +
    "open the app at, e.g. APP_ORIGIN=https://beatsight.example (links in emails, passkeys, Secure " +
    "cookies and HSTS follow it), or listen on this machine only with LISTEN_HOST=127.0.0.1 " +
    "(what `npm start` does by default)."
  );
}

export function parseEnv(source: Record<string, string | undefined>): Env {
  // Empty strings from `FOO= npm start` mean "unset", not "invalid".
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ""));
  const result = envSchema.safeParse(cleaned);
  if (!result.success) {
    const problems = result.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`).join("\n");
    throw new ConfigError(`Invalid configuration in environment variables:\n${problems}`);
  }
  const problem = productionProblem(result.data, source.NEXT_PHASE);
  if (problem) throw new ConfigError(`Invalid configuration in environment variables:\n  ${problem}`);
  return { ...result.data, dataDir: path.resolve(result.data.DATA_DIR) };
}

let cached: Env | undefined;

/** The validated configuration of this process (parsed on first use). */
export function env(): Env {
  cached ??= parseEnv(process.env);
  return cached;
}
