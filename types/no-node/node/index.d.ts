// Stands in for @types/node in the browser and worker projects (their `typeRoots` point here).
// Declarations those projects read — the server's types behind the tRPC AppRouter, Next's own
// types — say `/// <reference types="node" />`; resolved to the real package, that would declare
// `process`, `Buffer` and every `node:` module for the whole browser program, and an `fs` import in
// browser code would typecheck. Resolved here, it declares nothing.
export {};
