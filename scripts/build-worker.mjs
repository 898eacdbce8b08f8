// Compiles the job worker (server/queue/worker-main.ts) to one plain JavaScript file, so a production
// worker starts with `node worker.mjs`: no tsx, no TypeScript compiled at each start. Our own code
// (server/, lib/, the generated Prisma client) is bundled; packages stay imports, resolved from the
// node_modules beside the file (scripts/complete-standalone.mjs copies the ones it uses).
import path from "node:path";
import { build } from "esbuild";

const root = path.resolve(import.meta.dirname, "..");

/** Bundles the worker into `outfile`; returns its size in bytes. */
export async function buildWorker(outfile) {
  const result = await build({
    entryPoints: [path.join(root, "server", "queue", "worker-main.ts")],
    outfile,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    // Packages with native binaries (onnxruntime-node, argon2), wasm (Prisma's query compiler) or
    // their own file layout (the embedded PostgreSQL) must load from node_modules as installed.
    packages: "external",
    sourcemap: "linked",
    // A production build, as Next inlines it in the server's bundle (server/env.ts checks APP_ORIGIN).
    define: { "process.env.NODE_ENV": '"production"' },
    logLevel: "warning",
    metafile: true,
    // The server's `@/…` imports resolve through tsconfig.json's paths, as in Next's build.
    tsconfig: path.join(root, "tsconfig.json"),
  });
  return result.metafile.outputs[path.relative(process.cwd(), outfile)]?.bytes ?? 0;
}
