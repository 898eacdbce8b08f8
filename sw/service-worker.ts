/// <reference lib="webworker" />
// The service worker (built by scripts/build-sw.mjs into public/sw.js, scope /). What it does:
// - precaches the versioned app shell: every JS/CSS chunk of this build, the icons, the manifest,
//   the fingerprint engine and the pages that work offline (/, /library, /generate, a player shell);
// - answers navigations network-first and falls back to the shell when offline, so the library,
//   the player and the generate page open without a network for charts stored on the device;
// - keeps the inference runtime (.wasm) once fetched (cache-first); ONNX models are cached by the
//   page itself (lib/inference/model-store.ts) and are left alone here;
// - sends the outbox on Background Sync when the browser fires it, even with no page open.
import { cacheNames, clientsClaim, setCacheNameDetails } from "workbox-core";
import { ExpirationPlugin } from "workbox-expiration";
import {
  cleanupOutdatedCaches,
  matchPrecache,
  type PrecacheEntry,
  precacheAndRoute,
} from "workbox-precaching";
import { registerRoute, setCatchHandler } from "workbox-routing";
import { CacheFirst, NetworkFirst } from "workbox-strategies";
import { MODEL_CACHE_NAME } from "../lib/inference/model-store.ts";
import { flushOutbox } from "../lib/offline/outbox.ts";
import { CACHE_PREFIX, OUTBOX_LOCK, OUTBOX_SYNC_TAG, offlineShellFor } from "../lib/offline/pwa-constants.ts";
import { BeatSightDb } from "../lib/store/db.ts";

declare const self: ServiceWorkerGlobalScope & { __WB_MANIFEST: (PrecacheEntry | string)[] };
/** Injected by scripts/build-sw.ts: this build's id, and a hash of the inference runtime's files. */
declare const __BUILD_ID__: string;
declare const __RUNTIME_REVISION__: string;

setCacheNameDetails({ prefix: "beatsight", suffix: "v1" });
/**
 * Pages fetched by this build. Per build, because a page names the JS chunks of the build that
 * rendered it and the precache keeps only this build's chunks: an older page served offline after
 * an update would load nothing. After an update, offline pages come from the precached shells.
 */
const PAGES_CACHE = `${CACHE_PREFIX.pages}${__BUILD_ID__}`;
/** Per runtime version: the .wasm URLs carry no version, so a new onnxruntime must not meet an old one. */
const RUNTIME_WASM_CACHE = `${CACHE_PREFIX.runtime}${__RUNTIME_REVISION__}`;

/**
 * Worker scripts: answered with a response that has no URL of its own. A worker takes its location
 * from the response's URL when a service worker provides one, which would drop the `#params=`
 * fragment Turbopack's worker bootstrap reads its chunk list from ("Missing worker bootstrap
 * config"); without a response URL the worker keeps the address it was started with. Registered
 * before the precache route so it wins; the script itself still comes from the precache offline.
 */
registerRoute(
  ({ request, sameOrigin }) => sameOrigin && request.destination === "worker",
  async ({ request, url }) => {
    const bare = new URL(url.pathname, url.origin).href;
    const response = (await matchPrecache(bare)) ?? (await fetch(request));
    return new Response(await response.blob(), {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
    });
  },
);

// Only `source` (the installed app's start URL) is dropped: other queries, Next's `_rsc` above all,
// must not match a precached HTML page (a flight request answered with HTML breaks navigation).
precacheAndRoute(self.__WB_MANIFEST, { ignoreURLParametersMatching: [/^source$/, /^utm_/] });
cleanupOutdatedCaches();

// Navigations: the network when there is one (fresh pages, server data), the shell when not.
const pages = new NetworkFirst({
  cacheName: PAGES_CACHE,
  plugins: [new ExpirationPlugin({ maxEntries: 50 })],
});
registerRoute(({ request }) => request.mode === "navigate", pages);

// The ONNX Runtime's WebAssembly (tens of MB): fetched once on first use, then served from here.
registerRoute(
  ({ url, sameOrigin }) => sameOrigin && url.pathname.endsWith(".wasm"),
  new CacheFirst({ cacheName: RUNTIME_WASM_CACHE, plugins: [new ExpirationPlugin({ maxEntries: 8 })] }),
);

/**
 * Offline and not cached: a page with an id in its path answers with its route's shell (which reads
 * the id from the address bar), the generate page with itself, anything else with the library,
 * whose charts are all on the device.
 */
setCatchHandler(async ({ request, url }) => {
  if (request.mode !== "navigate") return Response.error();
  const path = (url as URL).pathname;
  const fallback = offlineShellFor(path) ?? (path === "/generate" ? "/generate" : "/library");
  return (await matchPrecache(fallback)) ?? Response.error();
});

/**
 * A device that made generation available offline keeps it across an update that changes the
 * runtime: the new worker fetches the new runtime's files before it takes over (best effort; the
 * page fetches them on first use otherwise).
 */
self.addEventListener("install", (event) => {
  event.waitUntil(
    (async () => {
      const older = (await caches.keys()).filter(
        (n) => n.startsWith(CACHE_PREFIX.runtime) && n !== RUNTIME_WASM_CACHE,
      );
      const urls = new Set<string>();
      for (const name of older) {
        for (const request of await (await caches.open(name)).keys()) urls.add(request.url);
      }
      if (urls.size === 0) return;
      const cache = await caches.open(RUNTIME_WASM_CACHE);
      await Promise.all([...urls].map((url) => cache.add(url).catch(() => undefined)));
    })(),
  );
});

// A new version waits (the page shows "Update available — reload") until the user chooses it.
self.addEventListener("message", (event) => {
  if (event.data?.type === "SKIP_WAITING") void self.skipWaiting();
});

self.addEventListener("activate", (event) => {
  // Caches of earlier designs (unknown names) go; the models' cache is the page's and stays.
  const keep = new Set([
    cacheNames.precache,
    cacheNames.runtime,
    PAGES_CACHE,
    RUNTIME_WASM_CACHE,
    MODEL_CACHE_NAME,
  ]);
  event.waitUntil(
    caches
      .keys()
      .then((names) => Promise.all(names.filter((n) => !keep.has(n)).map((n) => caches.delete(n)))),
  );
});
clientsClaim();

interface SyncEvent extends ExtendableEvent {
  readonly tag: string;
}
self.addEventListener("sync", (event) => {
  const sync = event as SyncEvent;
  if (sync.tag !== OUTBOX_SYNC_TAG) return;
  sync.waitUntil(
    (async () => {
      // The same lock the pages take: an entry is never sent by two flushes at once.
      const report = await navigator.locks.request(OUTBOX_LOCK, () => flushOutbox(new BeatSightDb()));
      // Open pages refresh their view of the outbox.
      for (const client of await self.clients.matchAll({ type: "window" })) {
        client.postMessage({ type: "OUTBOX_FLUSHED", sent: report.sent.length });
      }
      // A retryable failure rejects, so the browser tries the sync again later.
      if (report.remaining > 0) throw new Error("Some changes could not be sent yet.");
    })(),
  );
});

// Web Push from the server (server/notifications/push-channel.ts): a finished server job, a budget
// alert. Clicking the notification focuses an open BeatSight tab or opens the page it names.
self.addEventListener("push", (event) => {
  let data: { title?: string; body?: string; url?: string; id?: string } = {};
  try {
    data = event.data?.json() ?? {};
  } catch {
    data = { body: event.data?.text() };
  }
  event.waitUntil(
    self.registration.showNotification(data.title ?? "BeatSight", {
      body: data.body ?? "",
      tag: data.id,
      data: { url: data.url ?? "/" },
      icon: "/icons/icon-192.png",
    }),
  );
});

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const url = new URL((event.notification.data as { url?: string } | null)?.url ?? "/", self.location.origin)
    .href;
  event.waitUntil(
    (async () => {
      for (const client of await self.clients.matchAll({ type: "window" })) {
        if (client.url === url && "focus" in client) return void (await client.focus());
      }
      await self.clients.openWindow(url);
    })(),
  );
});
