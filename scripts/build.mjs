// `npm run build`: the Next.js production build, then the service worker for it (scripts/build-sw.ts),
// whose precache manifest lists this build's files. `npm start` and `npm test` build through here.
import { spawnSync } from "node:child_process";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..");
const steps = [
  [path.join(root, "node_modules", "next", "dist", "bin", "next"), "build"],
  ["--import", "tsx", path.join(root, "scripts", "build-sw.ts")],
];
for (const args of steps) {
  const result = spawnSync(process.execPath, args, { cwd: root, stdio: "inherit" });
  if (result.status !== 0) process.exit(result.status ?? 1);
}
