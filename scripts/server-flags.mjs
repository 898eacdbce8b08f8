// Node flags for every web server process the project starts (`npm start`, `npm run start:prod`,
// the Dockerfile, the e2e and bench servers), so what is measured is what runs.
//
// V8's young generation is sized for browsers: a server answering hundreds of small requests a
// second allocates short-lived objects (Request, headers, JSON) fast enough to run a scavenge
// every few milliseconds. 32 MB semi-spaces cut the web process's CPU per `songs.identify` by
// 18 % (2.52 against 3.06 ms, docs/BENCHMARKS.md "Load (issue 29)") for at most ~64 MB more memory.
// package.json's start:prod and the Dockerfile's CMD repeat it literally (they cannot import).
export const SERVER_NODE_FLAGS = ["--max-semi-space-size=32"];
