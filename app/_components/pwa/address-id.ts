// The id of a page with an offline shell (lib/offline/pwa-constants.ts OFFLINE_SHELLS). Offline,
// the service worker may answer /play/<id> with the precached shell page, whose server-rendered id
// is a placeholder: then the address bar names the real one. Such pages read their data on the
// device, in effects, so nothing rendered on the server depends on the id.
import { OFFLINE_SHELLS } from "@/lib/offline/pwa-constants.ts";

/**
 * The route's own id, unless it is the shell's placeholder: then the path segment after `prefix`
 * in the address. (The route's id wins otherwise: during a client-side navigation the address
 * changes only after the new page has rendered.)
 */
export function addressId(prefix: string, routeId: string): string {
  const isShell = OFFLINE_SHELLS.some((s) => s.prefix === prefix && s.shell === `${prefix}${routeId}`);
  if (!isShell || typeof window === "undefined") return routeId;
  const { pathname } = window.location;
  const segment = pathname.startsWith(prefix) ? pathname.slice(prefix.length).split("/")[0] : "";
  return segment ? decodeURIComponent(segment) : routeId;
}
