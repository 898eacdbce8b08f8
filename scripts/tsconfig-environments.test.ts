// Each TypeScript project (tsconfig.json lists them) keeps the other environments' globals out:
// a small file that uses the wrong one is compiled with the project's real options and must fail,
// and one that stays in its lane must pass. `npm run typecheck` compiles the project's code with
// the same options, so this is what keeps `window` out of server code and `fs` out of the browser.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import ts from "typescript";
import { afterAll, describe, expect, it } from "vitest";

const root = path.resolve(import.meta.dirname, "..");
mkdirSync(path.join(root, ".cache"), { recursive: true });
// Inside the checkout, so `@/` paths and node_modules resolve as they do for real code.
const dir = mkdtempSync(path.join(root, ".cache", "tsconfig-environments-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function optionsOf(project: string): ts.CompilerOptions {
  const parsed = ts.getParsedCommandLineOfConfigFile(
    path.join(root, project),
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (d) => {
        throw new Error(ts.flattenDiagnosticMessageText(d.messageText, "\n"));
      },
    },
  );
  if (!parsed) throw new Error(`${project} could not be read`);
  // Only the environment matters here: no declarations, no build info.
  const {
    composite: _c,
    emitDeclarationOnly: _e,
    incremental: _i,
    tsBuildInfoFile: _t,
    ...options
  } = parsed.options;
  return { ...options, noEmit: true };
}

/** The errors of one file compiled with a project's options, as "TS2304 Cannot find name 'window'". */
function errorsOf(project: string, name: string, source: string): string[] {
  const file = path.join(dir, name);
  writeFileSync(file, source);
  const program = ts.createProgram([file], optionsOf(project));
  return ts
    .getPreEmitDiagnostics(program)
    .filter((d) => d.file?.fileName === file || d.file === undefined)
    .map((d) => `TS${d.code} ${ts.flattenDiagnosticMessageText(d.messageText, " ")}`);
}

const SLOW = { timeout: 120_000 };

describe("the browser project (tsconfig.app.json)", () => {
  it("refuses Node's modules and globals, even where Next's types reference Node's", SLOW, () => {
    const errors = errorsOf(
      "tsconfig.app.json",
      "browser-uses-node.ts",
      [
        'import type { Metadata } from "next";',
        'import { readFileSync } from "node:fs";',
        "export const metadata: Metadata = {};",
        'export const text = readFileSync("x", "utf8");',
        'export const bytes = Buffer.from("x");',
      ].join("\n"),
    );
    expect(errors).toEqual([
      expect.stringMatching(/^TS2307 Cannot find module 'node:fs'/),
      expect.stringMatching(/^TS2\d+ Cannot find name 'Buffer'/),
    ]);
  });

  it("accepts the DOM", SLOW, () => {
    expect(
      errorsOf(
        "tsconfig.app.json",
        "browser-ok.ts",
        "export const here = window.location.href + document.title;",
      ),
    ).toEqual([]);
  });
});

describe("the Node project (tsconfig.node.json)", () => {
  it("refuses the DOM", SLOW, () => {
    const errors = errorsOf(
      "tsconfig.node.json",
      "server-uses-dom.ts",
      "export const here = window.location.href;",
    );
    expect(errors).toEqual([expect.stringMatching(/^TS2304 Cannot find name 'window'/)]);
  });

  it("accepts Node", SLOW, () => {
    const source =
      'import { readFileSync } from "node:fs";\nexport const read = () => readFileSync(process.cwd());';
    expect(errorsOf("tsconfig.node.json", "server-ok.ts", source)).toEqual([]);
  });
});

describe("the worker project (tsconfig.worker.json)", () => {
  it("refuses the page's document and Node", SLOW, () => {
    const errors = errorsOf(
      "tsconfig.worker.json",
      "worker-uses-page.ts",
      'export const title = document.title;\nexport const cwd = process.cwd();\nself.postMessage("ok");',
    );
    expect(errors).toEqual([
      expect.stringMatching(/^TS2\d+ Cannot find name 'document'/),
      expect.stringMatching(/^TS2\d+ Cannot find name 'process'/),
    ]);
  });
});
