// Run after changing dependencies: `node scripts/lock-platform-entries.mjs`.
//
// The npm registry reachable here lacks some platform-specific optional packages (Next's SWC
// binaries for macOS/Windows, a Biome binary). `npm install` then leaves them out of
// package-lock.json, and `npm ci` rejects the lock as out of sync. This adds the entries a full
// registry would have written (version, platform constraints, public tarball URL), so `npm ci`
// accepts the lock here — it skips them by os/cpu — and installs them on the platforms they are for.
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

const lockPath = path.resolve(import.meta.dirname, "..", "package-lock.json");
const lock = JSON.parse(readFileSync(lockPath, "utf8"));
const packages = lock.packages;

// Platform of a binary package, from its conventional name (e.g. swc-darwin-arm64, cli-win32-x64-msvc).
function platformOf(name) {
  const m = /-(darwin|linux|win32|freebsd|android)-(x64|arm64|ia32|arm)(?:-(gnu|musl|msvc|gnueabihf))?$/.exec(
    name,
  );
  if (!m) return null;
  const entry = { os: [m[1]], cpu: [m[2]] };
  if (m[3] === "gnu" || m[3] === "musl") entry.libc = [m[3] === "gnu" ? "glibc" : "musl"];
  return entry;
}

let added = 0;
for (const [key, pkg] of Object.entries(packages)) {
  for (const [dep, range] of Object.entries(pkg.optionalDependencies ?? {})) {
    const nested = `${key}/node_modules/${dep}`;
    const hoisted = `node_modules/${dep}`;
    if (packages[nested] || packages[hoisted]) continue;
    const platform = platformOf(dep);
    if (!platform || !/^\d+\.\d+\.\d+/.test(range)) continue;
    const base = dep.split("/").pop();
    packages[hoisted] = {
      version: range,
      resolved: `https://registry.npmjs.org/${dep}/-/${base}-${range}.tgz`,
      ...(pkg.dev ? { dev: true } : {}),
      optional: true,
      ...platform,
    };
    added++;
  }
}
lock.packages = Object.fromEntries(
  Object.entries(packages).sort(([a], [b]) => (a === "" ? -1 : b === "" ? 1 : a.localeCompare(b))),
);
writeFileSync(lockPath, `${JSON.stringify(lock, null, 2)}\n`);
console.log(`lock-platform-entries: added ${added} platform package entries`);
