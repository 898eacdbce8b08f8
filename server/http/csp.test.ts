import { describe, expect, it } from "vitest";
import {
  CSP_REPORT_PATH,
  documentPolicy,
  isScriptPath,
  newNonce,
  securityHeaders,
  strictTransportSecurity,
  workerScriptPolicy,
} from "./csp.ts";

/** The policy as directive name → sources, so tests read like the policy. */
function directives(policy: string): Map<string, string[]> {
  return new Map(
    policy.split("; ").map((part) => {
      const [name = "", ...sources] = part.split(" ");
      return [name, sources];
    }),
  );
}

describe("documentPolicy", () => {
  const nonce = newNonce();
  const page = directives(documentPolicy({ nonce, development: false, https: false }));

  it("runs inline scripts only with this response's nonce, files from this origin, and compiles WebAssembly", () => {
    expect(page.get("script-src")).toEqual(["'self'", `'nonce-${nonce}'`, "'wasm-unsafe-eval'"]);
    expect(page.get("script-src")).not.toContain("'unsafe-eval'");
    expect(page.get("script-src")).not.toContain("'unsafe-inline'");
  });

  it("locks down everything else to this origin, with no plugins, base, framing or foreign forms", () => {
    expect(page.get("default-src")).toEqual(["'self'"]);
    expect(page.get("connect-src")).toEqual(["'self'"]);
    expect(page.get("worker-src")).toEqual(["'self'"]);
    expect(page.get("media-src")).toEqual(["'self'", "blob:"]);
    expect(page.get("object-src")).toEqual(["'none'"]);
    expect(page.get("base-uri")).toEqual(["'none'"]);
    expect(page.get("frame-ancestors")).toEqual(["'none'"]);
    expect(page.get("form-action")).toEqual(["'self'"]);
    expect(page.get("report-uri")).toEqual([CSP_REPORT_PATH]);
  });

  it("also runs the inline code of Next's error pages, by hash, since they may answer any path", () => {
    const shells = { scripts: ["'sha256-AAAA'"], styles: ["'sha256-BBBB'"] };
    const withShells = directives(documentPolicy({ nonce, shells, development: false, https: false }));
    expect(withShells.get("script-src")).toEqual([
      "'self'",
      `'nonce-${nonce}'`,
      "'sha256-AAAA'",
      "'wasm-unsafe-eval'",
    ]);
    expect(withShells.get("style-src")).toEqual(["'self'", `'nonce-${nonce}'`, "'sha256-BBBB'"]);
  });

  it("needs the nonce for <style> elements but lets React's style attributes through", () => {
    expect(page.get("style-src")).toEqual(["'self'", `'nonce-${nonce}'`]);
    expect(page.get("style-src-attr")).toEqual(["'unsafe-inline'"]);
  });

  it("relaxes only what next dev needs, and upgrades http loads on an https origin", () => {
    const dev = directives(documentPolicy({ nonce, development: true, https: false }));
    expect(dev.get("script-src")).toContain("'unsafe-eval'");
    expect(dev.get("style-src")).toEqual(["'self'", "'unsafe-inline'"]);
    expect(page.has("upgrade-insecure-requests")).toBe(false);
    const secure = directives(documentPolicy({ nonce, development: false, https: true }));
    expect(secure.has("upgrade-insecure-requests")).toBe(true);
  });

  it("refuses a nonce that could break out of the header", () => {
    expect(() => documentPolicy({ nonce: "abc'; script-src *", development: false, https: false })).toThrow(
      /base64/,
    );
    expect(() => documentPolicy({ nonce: "", development: false, https: false })).toThrow(/base64/);
  });
});

describe("workerScriptPolicy", () => {
  it("lets a worker load same-origin scripts and compile WebAssembly, and nothing from elsewhere", () => {
    const worker = directives(workerScriptPolicy({ https: false }));
    expect(worker.get("script-src")).toEqual(["'self'", "'wasm-unsafe-eval'"]);
    expect(worker.get("connect-src")).toEqual(["'self'"]);
    expect(worker.get("default-src")).toEqual(["'self'"]);
    expect(worker.get("report-uri")).toEqual([CSP_REPORT_PATH]);
  });
});

describe("newNonce", () => {
  it("is 128 random bits in base64, different every time", () => {
    const nonces = new Set(Array.from({ length: 1000 }, () => newNonce()));
    expect(nonces.size).toBe(1000);
    for (const n of nonces) expect(Buffer.from(n, "base64")).toHaveLength(16);
  });
});

describe("strictTransportSecurity", () => {
  it("is two years with subdomains for an https origin, and absent otherwise", () => {
    const hsts = strictTransportSecurity("https://beatsight.example");
    expect(hsts).toBe("max-age=63072000; includeSubDomains");
    expect(Number(/max-age=(\d+)/.exec(hsts ?? "")?.[1])).toBeGreaterThanOrEqual(365 * 24 * 3600);
    expect(strictTransportSecurity("http://localhost:3000")).toBeNull();
    expect(strictTransportSecurity(undefined)).toBeNull();
  });
});

describe("isScriptPath", () => {
  it("tells worker and service-worker scripts from pages", () => {
    expect(isScriptPath("/_next/static/chunks/turbopack-worker-1hrsqshz0gfey.js")).toBe(true);
    expect(isScriptPath("/_next/static/media/ort.wasm.bundle.min.14bqmkm2z515h.mjs")).toBe(true);
    expect(isScriptPath("/sw.js")).toBe(true);
    expect(isScriptPath("/")).toBe(false);
    expect(isScriptPath("/play/abc")).toBe(false);
    expect(isScriptPath("/maps/42")).toBe(false);
  });
});

describe("securityHeaders", () => {
  const https = { appOrigin: "https://beatsight.example", development: false };
  const local = { appOrigin: undefined, development: false };

  it("gives a page one fresh nonce, in the policy Next reads and in the one the browser gets", () => {
    const first = securityHeaders("/maps/42", local);
    const second = securityHeaders("/maps/42", local);
    const nonce = first.request["x-nonce"];
    expect(first.request["Content-Security-Policy"]).toBe(first.response["Content-Security-Policy"]);
    expect(first.response["Content-Security-Policy"]).toContain(`'nonce-${nonce}'`);
    expect(second.request["x-nonce"]).not.toBe(nonce);
  });

  it("gives a prerendered page its own inline code by hash and no nonce, which it could not hold", () => {
    const staticPage = { scripts: ["'sha256-AAAA'", "'sha256-CCCC'"], styles: [] };
    const home = securityHeaders("/", { ...local, staticPage });
    expect(home.request).toEqual({});
    const policy = directives(home.response["Content-Security-Policy"] ?? "");
    expect(policy.get("script-src")).toEqual([
      "'self'",
      "'sha256-AAAA'",
      "'sha256-CCCC'",
      "'wasm-unsafe-eval'",
    ]);
    expect(policy.get("style-src")).toEqual(["'self'"]);
    expect(policy.get("object-src")).toEqual(["'none'"]);
    // next dev renders every page per request: there the nonce is right.
    expect(securityHeaders("/", { ...local, development: true, staticPage }).request["x-nonce"]).toBeTruthy();
  });

  it("gives scripts the worker policy and leaves their request alone", () => {
    const script = securityHeaders("/sw.js", local);
    expect(script.request).toEqual({});
    expect(script.response["Content-Security-Policy"]).toBe(workerScriptPolicy({ https: false }));
  });

  it("sends HSTS on pages and scripts only when the app's origin is https", () => {
    for (const path of ["/", "/_next/static/chunks/a.js"]) {
      expect(securityHeaders(path, https).response["Strict-Transport-Security"]).toMatch(
        /max-age=\d+; includeSubDomains/,
      );
      expect(securityHeaders(path, local).response["Strict-Transport-Security"]).toBeUndefined();
      expect(
        securityHeaders(path, { appOrigin: "http://192.168.1.5:3000", development: false }).response[
          "Strict-Transport-Security"
        ],
      ).toBeUndefined();
    }
    expect(securityHeaders("/", https).response["Content-Security-Policy"]).toContain(
      "upgrade-insecure-requests",
    );
  });

  it("lets pages, prerendered or not, reach the upload bucket when presigned uploads are on, and nothing else more", () => {
    const bucket = { ...local, connect: ["https://s3.example.com"] };
    const staticPage = { scripts: ["'sha256-AAAA'"], styles: [] };
    for (const headers of [
      securityHeaders("/generate", bucket),
      securityHeaders("/", { ...bucket, staticPage }),
    ]) {
      expect(directives(headers.response["Content-Security-Policy"] ?? "").get("connect-src")).toEqual([
        "'self'",
        "https://s3.example.com",
      ]);
    }
    expect(
      directives(securityHeaders("/generate", local).response["Content-Security-Policy"] ?? "").get(
        "connect-src",
      ),
    ).toEqual(["'self'"]);
    // Workers do not upload.
    expect(
      directives(securityHeaders("/sw.js", bucket).response["Content-Security-Policy"] ?? "").get(
        "connect-src",
      ),
    ).toEqual(["'self'"]);
  });
});
