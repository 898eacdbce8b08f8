// The client's address for rate limits and audit entries. Behind a proxy the first
// X-Forwarded-For entry is the client; without one, requests are grouped as "local".
export function clientAddress(headers: Headers): string {
  const forwarded = headers.get("x-forwarded-for")?.split(",")[0]?.trim();
  return forwarded || headers.get("x-real-ip") || "local";
}
