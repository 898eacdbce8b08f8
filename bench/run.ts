// `npm run bench`: runs every bench/*.bench.ts in turn (or those named on the command line).
// Each benchmark prints its own ratios against a reference run side by side; figures that matter
// are copied into docs/BENCHMARKS.md with the date and machine.
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import path from "node:path";

const dir = import.meta.dirname;
const wanted = process.argv.slice(2);
const benches = readdirSync(dir)
  .filter((f) => f.endsWith(".bench.ts"))
  .filter((f) => wanted.length === 0 || wanted.some((w) => f.includes(w)))
  .sort();
if (benches.length === 0) {
  console.error(`No benchmarks match ${wanted.join(", ") || "bench/*.bench.ts"}.`);
  process.exit(1);
}
let failed = 0;
for (const bench of benches) {
  console.log(`\n━━ ${bench} ━━`);
  const result = spawnSync(process.execPath, ["--import", "tsx", path.join(dir, bench)], {
    stdio: "inherit",
  });
  if (result.status !== 0) failed++;
}
process.exit(failed > 0 ? 1 : 0);
