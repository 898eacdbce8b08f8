// Reading the deployment files (Dockerfile, .dockerignore, .env.example, compose.yaml) the way
// their tools do, far enough to check them against the code: scripts/deploy-files.test.ts, and
// scripts/build.mjs after a build (the Dockerfile's COPY of the build output).
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..");

/** COPY instructions of a Dockerfile: their sources, and the stage they copy from (null: the context). */
export function dockerfileCopies(text) {
  const joined = text.replace(/\\\r?\n/g, " ");
  const copies = [];
  for (const line of joined.split(/\r?\n/)) {
    const match = /^\s*COPY\s+(.*)$/i.exec(line);
    if (!match) continue;
    const words = match[1].trim().split(/\s+/);
    const flags = words.filter((w) => w.startsWith("--"));
    const paths = words.filter((w) => !w.startsWith("--"));
    const from = flags.find((f) => f.startsWith("--from="))?.slice("--from=".length) ?? null;
    copies.push({ from, sources: paths.slice(0, -1), destination: paths.at(-1) });
  }
  return copies;
}

/** The build stage's working directory (where its COPY --from sources are relative to). */
export function stageWorkdir(text, stage) {
  let current = null;
  let workdir = "/";
  for (const line of text.split(/\r?\n/)) {
    const from = /^\s*FROM\s+\S+(?:\s+AS\s+(\S+))?/i.exec(line);
    if (from) {
      current = from[1] ?? null;
      workdir = "/";
    }
    const dir = /^\s*WORKDIR\s+(\S+)/i.exec(line);
    if (dir && current === stage) workdir = dir[1];
    if (current === stage && /^\s*(RUN|CMD|ENTRYPOINT)/i.test(line)) return workdir;
  }
  return workdir;
}

/**
 * The Dockerfile's `COPY --from=build` sources that the build in `distName` did not produce: the
 * image's build stage runs `npm run build` with the default .next, so `.next/` stands for it.
 */
export function missingBuildOutputs(distName, dockerfile = path.join(root, "Dockerfile")) {
  const text = readFileSync(dockerfile, "utf8");
  const workdir = stageWorkdir(text, "build");
  const missing = [];
  for (const copy of dockerfileCopies(text).filter((c) => c.from === "build")) {
    for (const source of copy.sources) {
      const relative = path.posix.relative(workdir, source).replace(/^\.next(?=\/|$)/, distName);
      if (!existsSync(path.join(root, relative))) missing.push(source);
    }
  }
  return missing;
}

/** Whether .dockerignore's patterns (simple ones: names, folders, * globs, ! exceptions) leave `file` out. */
export function dockerIgnored(file, ignoreText) {
  let ignored = false;
  for (const raw of ignoreText.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith("#")) continue;
    const negated = line.startsWith("!");
    const pattern = (negated ? line.slice(1) : line).replace(/^\/|\/$/g, "");
    const regex = new RegExp(
      `^${pattern
        .split("*")
        .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
        .join("[^/]*")}(/.*)?$`,
    );
    if (regex.test(file)) ignored = !negated;
  }
  return ignored;
}

/** Setting names in .env.example: `NAME=value` (set) and `#NAME=value` (default shown) lines. */
export function envExampleNames(text) {
  const names = [];
  for (const line of text.split(/\r?\n/)) {
    const match = /^#?([A-Z][A-Z0-9_]*)=/.exec(line);
    if (match) names.push(match[1]);
  }
  return names;
}

/** compose.yaml as a value, parsed by PyYAML (Debian's python3-yaml, which yamllint installs). */
export function readCompose(file = path.join(root, "compose.yaml")) {
  const python = existsSync("/usr/bin/python3") ? "/usr/bin/python3" : "python3";
  const script = "import json, sys, yaml; print(json.dumps(yaml.safe_load(open(sys.argv[1]))))";
  try {
    return JSON.parse(execFileSync(python, ["-c", script, file], { encoding: "utf8" }));
  } catch (error) {
    throw new Error(
      `compose.yaml could not be read with Python's yaml module (${error instanceof Error ? error.message : String(error)}). ` +
        "Install it: bash scripts/system-deps.sh (Debian's yamllint and python3-yaml).",
    );
  }
}

/** `${NAME…}` substitutions in a compose file's text ($$ escapes excluded). */
export function composeVariables(text) {
  return [...new Set([...text.matchAll(/(?<!\$)\$\{([A-Z][A-Z0-9_]*)/g)].map((m) => m[1]))];
}

/** Names the non-test sources under `dirs` read from process.env (dotted or with a quoted key). */
export function processEnvNames(dirs) {
  const names = new Set();
  const visit = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!["node_modules", "generated", "fixtures"].includes(entry.name)) visit(full);
      } else if (/\.(ts|tsx|mjs|js)$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name)) {
        const text = readFileSync(full, "utf8");
        for (const m of text.matchAll(
          /process\.env(?:\.([A-Za-z_][A-Za-z0-9_]*)|\["([A-Za-z_][A-Za-z0-9_]*)"\])/g,
        ))
          names.add(m[1] ?? m[2]);
      }
    }
  };
  for (const dir of dirs) visit(path.join(root, dir));
  return [...names];
}
