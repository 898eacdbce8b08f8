// Names the page and the service worker (sw/service-worker.ts) must agree on.

/** Background Sync tag under which the outbox is flushed. */
export const OUTBOX_SYNC_TAG = "beatsight-outbox";

/** Web Lock held while the outbox is flushed, by pages and the worker alike: one sender at a time. */
export const OUTBOX_LOCK = "beatsight-outbox";

/**
 * A player page precached as the offline shell for every /play/<chartId>: its own id is a
 * placeholder, the player reads the real one from the address bar (app/_components/play/player.tsx).
 */
export const PLAYER_SHELL_PATH = "/play/offline-shell";

/**
 * Pages with an id in their path, each answered offline by one precached shell of that route when
 * the page itself was never cached. A route listed here must read its id from the address bar
 * (app/_components/pwa/address-id.ts) and its data from the device, never from the server render:
 * the shell's HTML carries the shell's own placeholder id.
 */
export const OFFLINE_SHELLS: readonly { prefix: string; shell: string }[] = [
  { prefix: "/play/", shell: PLAYER_SHELL_PATH },
  // The editor on a chart of this device's library (app/_components/editor/local-editor.tsx).
  { prefix: "/edit/local/", shell: "/edit/local/offline-shell" },
];

/** The shell that answers `pathname` offline, if its route has one. */
export function offlineShellFor(pathname: string): string | undefined {
  return OFFLINE_SHELLS.find((s) => pathname.startsWith(s.prefix) && pathname.length > s.prefix.length)
    ?.shell;
}

/**
 * Cache Storage names, by prefix (a build or a runtime version follows it). The worker owns these;
 * the storage view (lib/store/storage.ts) measures and clears them. The models' cache is
 * lib/inference/model-store.ts MODEL_CACHE_NAME.
 */
export const CACHE_PREFIX = {
  /** The app shell: this build's chunks and offline pages (Workbox precache). */
  app: "beatsight-precache-",
  /** Pages visited with this build. */
  pages: "beatsight-pages-",
  /** The inference runtime's .wasm, per runtime version. */
  runtime: "beatsight-wasm-",
} as const;

/** Pages that work offline and are precached with each build. */
export const OFFLINE_PAGES: readonly string[] = [
  "/",
  "/library",
  "/generate",
  ...OFFLINE_SHELLS.map((s) => s.shell),
];
