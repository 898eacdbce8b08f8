// `npm test`: every check the project has, in order — typecheck, lint, unit tests, integration
// tests on a throwaway PostgreSQL, production build, e2e tests in Debian's Chromium. All steps run
// (except e2e after a failed build) so one run shows every problem; the last line counts tests.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..");
const bin = (name) => path.join(root, "node_modules", ".bin", name);
const cache = path.join(root, ".cache");
mkdirSync(cache, { recursive: true });
const chromium = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

const counts = { passed: 0, failed: 0 };
const summary = [];

function run(title, command, args, { countFrom, env = {} } = {}) {
  console.log(`\n━━ ${title} ━━`);
  if (countFrom) rmSync(countFrom.file, { force: true });
  const started = Date.now();
  const result = spawnSync(command, args, {
    cwd: root,
    stdio: "inherit",
    env: { ...process.env, FORCE_COLOR: "1", ...env },
  });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  const ok = result.status === 0;
  let detail = "";
  if (countFrom) {
    const tally = countFrom.read(countFrom.file);
    if (tally) {
      counts.passed += tally.passed;
      counts.failed += tally.failed;
      detail = ` (${tally.passed} passed, ${tally.failed} failed)`;
    } else if (!ok) {
      counts.failed += 1; // the runner died before reporting: count it as a failure, never as nothing
      detail = " (runner failed before reporting)";
    }
  } else {
    counts[ok ? "passed" : "failed"] += 1;
  }
  summary.push(`${ok ? "✓" : "✗"} ${title} ${seconds}s${detail}`);
  return ok;
}

const vitestTally = (file) => {
  if (!existsSync(file)) return null;
  const r = JSON.parse(readFileSync(file, "utf8"));
  return { passed: r.numPassedTests, failed: r.numFailedTests + (r.success ? 0 : r.numFailedTestSuites) };
};
const playwrightTally = (file) => {
  if (!existsSync(file)) return null;
  const s = JSON.parse(readFileSync(file, "utf8")).stats;
  return { passed: s.expected + s.flaky, failed: s.unexpected };
};

const typechecked = run("typecheck", bin("tsc"), ["-b", "tsconfig.json"]);
run("lint", bin("biome"), ["check", "."]);
for (const project of ["unit", "integration"]) {
  const file = path.join(cache, `vitest-${project}.json`);
  run(
    `${project} tests`,
    bin("vitest"),
    ["run", "--project", project, "--reporter=default", "--reporter=json", `--outputFile.json=${file}`],
    {
      countFrom: { file, read: vitestTally },
    },
  );
}
// The build typechecks too unless told this run already did (and passed): once is enough.
const built = run("production build", process.execPath, [path.join(root, "scripts", "build.mjs")], {
  env: typechecked ? { BEATSIGHT_TYPECHECKED: "1" } : {},
});
if (!existsSync(chromium)) {
  console.error(
    `\n✗ e2e tests need Chromium at ${chromium} and it is not there.\n` +
      "  Install it: sudo apt-get install chromium   (or: bash scripts/system-deps.sh)\n" +
      "  Elsewhere, where browser downloads work: npx playwright install chromium, then set CHROMIUM_PATH.\n",
  );
  counts.failed += 1;
  summary.push("✗ e2e tests: Chromium missing");
} else if (!built) {
  counts.failed += 1;
  summary.push("✗ e2e tests: not run because the build failed");
} else {
  const file = path.join(cache, "playwright-results.json");
  run("e2e tests", bin("playwright"), ["test"], { countFrom: { file, read: playwrightTally } });
}

console.log(`\n━━ summary ━━\n${summary.join("\n")}`);
console.log(`\ntests: ${counts.passed} passed, ${counts.failed} failed`);
process.exit(counts.failed > 0 ? 1 : 0);
