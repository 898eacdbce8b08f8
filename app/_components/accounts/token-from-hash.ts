// Emailed links carry their token in the URL fragment (#token=…), which the browser never sends
// to the server; the page reads it here.
export function tokenFromHash(hash: string): string | null {
  return new URLSearchParams(hash.replace(/^#/, "")).get("token");
}

/** A same-site path to go to after signing in (?next=/…), never another site. */
export function safeNextPath(next: string | null): string {
  return next && /^\/(?!\/)/.test(next) && !next.includes("\\") ? next : "/me";
}
