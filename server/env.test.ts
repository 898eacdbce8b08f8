import { describe, expect, it } from "vitest";
import { ConfigError, isLoopbackHost, parseEnv } from "./env.ts";

describe("parseEnv", () => {
  it("defaults to the embedded database under .data on port 3000", () => {
    const env = parseEnv({});
    expect(env.DATABASE_URL).toBeUndefined();
    expect(env.PORT).toBe(3000);
    expect(env.dataDir.endsWith(".data")).toBe(true);
  });

  it("treats empty variables as unset", () => {
    expect(parseEnv({ DATABASE_URL: "" }).DATABASE_URL).toBeUndefined();
  });

  it("accepts a postgres URL and port 0 for the embedded server", () => {
    const env = parseEnv({ DATABASE_URL: "postgresql://u:p@db:5432/app", EMBEDDED_PG_PORT: "0" });
    expect(env.DATABASE_URL).toBe("postgresql://u:p@db:5432/app");
    expect(env.EMBEDDED_PG_PORT).toBe(0);
  });

  it("names every invalid variable in one clear error", () => {
    expect(() => parseEnv({ DATABASE_URL: "mysql://x", PORT: "http", EMBEDDED_PG_PORT: "80" })).toThrow(
      ConfigError,
    );
    try {
      parseEnv({ DATABASE_URL: "mysql://x", PORT: "http", EMBEDDED_PG_PORT: "80" });
    } catch (error) {
      const message = (error as Error).message;
      expect(message).toContain("DATABASE_URL: must be a postgres:// or postgresql:// URL");
      expect(message).toContain("PORT");
      expect(message).toContain("EMBEDDED_PG_PORT: must be 0 (any free port)");
    }
  });

  it("reduces APP_ORIGIN to an origin and checks the mail settings", () => {
    const env = parseEnv({
      APP_ORIGIN: "https://beatsight.example/some/path",
      SMTP_URL: "smtps://u:p@mail:465",
    });
    expect(env.APP_ORIGIN).toBe("https://beatsight.example");
    expect(env.SMTP_URL).toBe("smtps://u:p@mail:465");
    expect(env.DEV_OUTBOX).toBe("0");
    expect(() => parseEnv({ APP_ORIGIN: "beatsight.example", SMTP_URL: "http://mail" })).toThrow(
      /APP_ORIGIN: must be an http\(s\):\/\/ URL[\s\S]*SMTP_URL: must be an smtp:\/\/ or smtps:\/\/ URL/,
    );
  });
});

describe("TRUST_PROXY", () => {
  it("trusts nobody unless set, and names the variable when it makes no sense", () => {
    expect(parseEnv({}).TRUST_PROXY).toEqual({ kind: "none" });
    expect(parseEnv({ TRUST_PROXY: "1" }).TRUST_PROXY).toEqual({ kind: "hops", hops: 1 });
    expect(parseEnv({ TRUST_PROXY: "10.0.0.0/8" }).TRUST_PROXY).toMatchObject({ ranges: ["10.0.0.0/8"] });
    expect(() => parseEnv({ TRUST_PROXY: "true" })).toThrow(/TRUST_PROXY: "true" would trust every hop/);
    expect(() => parseEnv({ TRUST_PROXY: "my-proxy" })).toThrow(/TRUST_PROXY: .*"my-proxy"/);
  });
});

describe("APP_ORIGIN in production", () => {
  it("is required when the server may be reached from other machines, and the message says what to set", () => {
    expect(() => parseEnv({ NODE_ENV: "production" })).toThrow(ConfigError);
    expect(() => parseEnv({ NODE_ENV: "production", LISTEN_HOST: "0.0.0.0" })).toThrow(
      /APP_ORIGIN: required in production, and this server listens on 0\.0\.0\.0\. Set it to .*APP_ORIGIN=https:\/\/beatsight\.example.*LISTEN_HOST=127\.0\.0\.1/,
    );
    expect(() => parseEnv({ NODE_ENV: "production", LISTEN_HOST: "::" })).toThrow(/APP_ORIGIN: required/);
    expect(parseEnv({ NODE_ENV: "production", APP_ORIGIN: "https://beatsight.example" }).APP_ORIGIN).toBe(
      "https://beatsight.example",
    );
  });

  it("is optional for `npm start` on loopback, for `next build`, and outside production", () => {
    for (const host of ["127.0.0.1", "localhost", "::1"]) {
      expect(parseEnv({ NODE_ENV: "production", LISTEN_HOST: host }).APP_ORIGIN).toBeUndefined();
    }
    expect(
      parseEnv({ NODE_ENV: "production", NEXT_PHASE: "phase-production-build" }).APP_ORIGIN,
    ).toBeUndefined();
    expect(parseEnv({ NODE_ENV: "development" }).APP_ORIGIN).toBeUndefined();
    expect(parseEnv({ NODE_ENV: "test", LISTEN_HOST: "0.0.0.0" }).APP_ORIGIN).toBeUndefined();
  });
});

describe("isLoopbackHost", () => {
  it("knows this machine's names, with or without a port, and nothing else", () => {
    for (const host of ["localhost", "LOCALHOST:3000", "127.0.0.1", "127.8.9.10:80", "::1", "[::1]:3000"]) {
      expect(isLoopbackHost(host)).toBe(true);
    }
    for (const host of [
      undefined,
      "",
      "0.0.0.0",
      "::",
      "beatsight.example",
      "localhost.evil.example",
      "10.0.0.1",
    ]) {
      expect(isLoopbackHost(host)).toBe(false);
    }
  });
});
