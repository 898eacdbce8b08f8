// The deployment files agree with the code: every setting the app reads is in .env.example, compose
// passes the app only settings it knows, the Dockerfile copies what exists and is not ignored, and
// the files pass their own tools (yamllint, caddy validate) where Debian packages them.
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ENV_SETTINGS } from "../server/env.ts";
import { JOBS_SETTINGS } from "../server/jobs/config.ts";
import {
  composeVariables,
  dockerfileCopies,
  dockerIgnored,
  envExampleNames,
  processEnvNames,
  readCompose,
  stageWorkdir,
} from "./deploy-files.mjs";
import { SERVER_NODE_FLAGS } from "./server-flags.mjs";

const root = path.resolve(import.meta.dirname, "..");
const read = (file: string) => readFileSync(path.join(root, file), "utf8");

/** Read from process.env by code that is not the running app's configuration. */
const NOT_SETTINGS: Record<string, string> = {
  NEXT_RUNTIME: "set by Next.js per bundle",
  NEXT_PHASE: "set by Next.js during the build",
  npm_package_version: "set by npm",
  CHROMIUM_PATH: "the test runner's browser (scripts/test.mjs)",
  __NEXT_PRIVATE_STANDALONE_CONFIG: "Next's own hand-over in scripts/serve.mjs",
};
const APP_SETTINGS = [...ENV_SETTINGS, ...JOBS_SETTINGS];
const CODE_SETTINGS = processEnvNames(["server", "lib", "app", "scripts", "cli", "bin"]).filter(
  (name) => !(name in NOT_SETTINGS),
);

type Service = { environment?: Record<string, unknown> | string[]; build?: unknown; image?: string };
const compose = readCompose() as { services: Record<string, Service> };
const appServices = Object.entries(compose.services).filter(([, s]) => s.image === "beatsight:local");
const envNames = (service: Service) =>
  Array.isArray(service.environment)
    ? service.environment.map((e) => e.split("=")[0]!)
    : Object.keys(service.environment ?? {});

describe(".env.example", () => {
  const listed = envExampleNames(read(".env.example"));

  it("lists every setting of the app's schemas and every other variable the code reads", () => {
    expect(APP_SETTINGS.length).toBeGreaterThan(40);
    const missing = [...new Set([...APP_SETTINGS, ...CODE_SETTINGS])].filter(
      (name) => !listed.includes(name),
    );
    expect(missing, "add these to .env.example with a one-line comment").toEqual([]);
  });

  it("lists nothing that neither the app nor compose.yaml reads", () => {
    const known = new Set([...APP_SETTINGS, ...CODE_SETTINGS, ...composeVariables(read("compose.yaml"))]);
    expect(listed.filter((name) => !known.has(name))).toEqual([]);
  });

  it("lists each name once, each under a comment saying what it is", () => {
    expect(listed.length).toBe(new Set(listed).size);
    const lines = read(".env.example").split("\n");
    const uncommented = lines.filter(
      (line, i) => /^#?[A-Z][A-Z0-9_]*=/.test(line) && !/^#?[A-Z]|^# /.test(lines[i - 1] ?? ""),
    );
    expect(uncommented).toEqual([]);
  });
});

describe("compose.yaml", () => {
  it("runs two web processes and two workers of the app, PostgreSQL, object storage and a TLS proxy", () => {
    const names = appServices.map(([name]) => name).sort();
    expect(names).toEqual(["web-1", "web-2", "worker-1", "worker-2"]);
    for (const [name, service] of appServices.filter(([n]) => n.startsWith("worker")))
      expect((service as { command?: string[] }).command, name).toContain("worker.mjs");
    expect(Object.keys(compose.services)).toEqual(expect.arrayContaining(["postgres", "minio", "caddy"]));
    expect(read("deploy/Caddyfile")).toMatch(/reverse_proxy web-1:3000 web-2:3000/);
  });

  it("gives the app only settings its schemas know, each listed in .env.example", () => {
    const listed = envExampleNames(read(".env.example"));
    for (const [name, service] of appServices) {
      const names = envNames(service);
      expect(names.length, name).toBeGreaterThan(0);
      expect(
        names.filter((n) => !APP_SETTINGS.includes(n)),
        `${name}: not a setting of server/env.ts or server/jobs/config.ts`,
      ).toEqual([]);
      expect(
        names.filter((n) => !listed.includes(n)),
        `${name}: missing from .env.example`,
      ).toEqual([]);
    }
  });

  it("takes every variable it substitutes from .env.example", () => {
    const listed = envExampleNames(read(".env.example"));
    expect(composeVariables(read("compose.yaml")).filter((name) => !listed.includes(name))).toEqual([]);
  });

  it("passes yamllint (duplicate keys, indentation)", () => {
    // Debian's yamllint: scripts/system-deps.sh installs it.
    expect(() =>
      execFileSync("yamllint", ["-s", "-c", "deploy/yamllint.yaml", "compose.yaml"], {
        cwd: root,
        encoding: "utf8",
      }),
    ).not.toThrow();
  });
});

describe("deploy/Caddyfile", () => {
  it("is a valid Caddy configuration", () => {
    // Debian's caddy (scripts/system-deps.sh); validating loads every module without listening.
    const out = execFileSync(
      "caddy",
      ["validate", "--config", "deploy/Caddyfile", "--adapter", "caddyfile"],
      {
        cwd: root,
        encoding: "utf8",
        stdio: ["ignore", "pipe", "pipe"],
        env: { ...process.env, HOME: "/tmp" },
      },
    );
    expect(out).toMatch(/Valid configuration/);
  });
});

describe("Dockerfile", () => {
  const text = read("Dockerfile");
  const copies = dockerfileCopies(text);

  it("copies into the final image only the build's standalone folder", () => {
    const finalCopies = copies.filter((c) => c.from !== null);
    expect(finalCopies.map((c) => c.sources)).toEqual([["/src/.next/standalone"]]);
    expect(stageWorkdir(text, "build")).toBe("/src");
    // scripts/build.mjs checks after each build that these sources exist (missingBuildOutputs).
  });

  it("copies from the build context only files that exist and .dockerignore keeps", () => {
    const ignore = read(".dockerignore");
    const sources = copies.filter((c) => c.from === null).flatMap((c) => c.sources);
    expect(sources).toContain("package-lock.json");
    for (const source of sources.filter((s) => s !== ".")) {
      expect(existsSync(path.join(root, source)), `${source} exists`).toBe(true);
      expect(dockerIgnored(source, ignore), `${source} is not in .dockerignore`).toBe(false);
    }
  });

  it("runs as a non-root user, checks /api/health and installs FFmpeg and fpcalc", () => {
    const final = text.slice(text.lastIndexOf("\nFROM "));
    expect(final).toMatch(/^USER (?!root)\S+/m);
    expect(final).toMatch(/^HEALTHCHECK .*\n?.*\/api\/health/m);
    expect(final).toMatch(/ffmpeg/);
    expect(final).toMatch(/libchromaprint-tools/);
  });

  it("starts the web server with the same Node flags as npm start and the tests (scripts/server-flags.mjs)", () => {
    const cmd = text.match(/^CMD \[(.*)\]$/m)?.[1] ?? "";
    const startProd = (JSON.parse(read("package.json")) as { scripts: Record<string, string> }).scripts[
      "start:prod"
    ];
    for (const flag of SERVER_NODE_FLAGS) {
      expect(cmd, "the Dockerfile's CMD").toContain(`"${flag}"`);
      expect(startProd, "package.json start:prod").toContain(flag);
    }
  });

  it("leaves installed and built files, data and secrets out of the context", () => {
    const ignore = read(".dockerignore");
    for (const file of ["node_modules/next/package.json", ".next/BUILD_ID", ".data/pg", ".env", ".git/HEAD"])
      expect(dockerIgnored(file, ignore), file).toBe(true);
    for (const file of [
      "app/page.tsx",
      "public/models/manifest.json",
      ".env.example",
      "prisma/schema.prisma",
    ])
      expect(dockerIgnored(file, ignore), file).toBe(false);
  });
});

describe("the readers", () => {
  it("parse continued COPY lines, flags and stages", () => {
    const copies = dockerfileCopies(
      "FROM a AS build\nWORKDIR /w\nRUN x\nFROM b\nCOPY --from=build --chown=1:1 \\\n  /w/out ./\nCOPY a b ./c/\n",
    );
    expect(copies).toEqual([
      { from: "build", sources: ["/w/out"], destination: "./" },
      { from: null, sources: ["a", "b"], destination: "./c/" },
    ]);
  });

  it("match .dockerignore patterns with exceptions", () => {
    const ignore = ".env\n.env.*\n!.env.example\npublic/ort\n*.tsbuildinfo\n";
    expect(dockerIgnored(".env.local", ignore)).toBe(true);
    expect(dockerIgnored(".env.example", ignore)).toBe(false);
    expect(dockerIgnored("public/ort/a.wasm", ignore)).toBe(true);
    expect(dockerIgnored("public/orte", ignore)).toBe(false);
    expect(dockerIgnored("x.tsbuildinfo", ignore)).toBe(true);
  });

  it("find compose substitutions but not escaped $$ shell variables", () => {
    // Built from pieces: a "${" in a plain string reads as a mistaken template to the linter.
    const ref = (body: string) => `\${${body}}`;
    const text = [`a: ${ref("A:?x")}`, `b: "$${ref("B")}"`, `c: ${ref("C:-d")}`].join("\n");
    expect(composeVariables(text)).toEqual(["A", "C"]);
  });
});
