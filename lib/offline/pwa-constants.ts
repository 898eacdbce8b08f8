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

/** Pages that work offline and are precached with each build. */
export const OFFLINE_PAGES = ["/", "/library", "/generate", PLAYER_SHELL_PATH] as const;
