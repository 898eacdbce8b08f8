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
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  /**
   * The public address of the app (https://beatsight.example). Links in emails and the passkey
   * relying party (its host name) come from it; unset = taken from each request's Host header,
   * which is right for local use but should be pinned in production.
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

export class ConfigError extends Error {
  override name = "ConfigError";
}

export function parseEnv(source: Record<string, string | undefined>): Env {
  // Empty strings from `FOO= npm start` mean "unset", not "invalid".
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ""));
  const result = envSchema.safeParse(cleaned);
  if (!result.success) {
    const problems = result.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`).join("\n");
    throw new ConfigError(`Invalid configuration in environment variables:\n${problems}`);
  }
  return { ...result.data, dataDir: path.resolve(result.data.DATA_DIR) };
}

let cached: Env | undefined;

/** The validated configuration of this process (parsed on first use). */
export function env(): Env {
  cached ??= parseEnv(process.env);
  return cached;
}
