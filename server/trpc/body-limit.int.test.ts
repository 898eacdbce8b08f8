// The tRPC route refuses bodies over 4 MiB (app/api/trpc/[trpc]/route.ts): by the declared
// Content-Length before reading anything, and by counting when a body comes without a length. A
// body with a truthful length goes to tRPC as it is.
import { describe, expect, it } from "vitest";
import { POST } from "../../app/api/trpc/[trpc]/route.ts";
import { migratedDatabaseForFile } from "../../test/db.ts";
import { runtimeOnTestDatabase } from "../../test/runtime.ts";
import { trpcPostRequest } from "../../test/trpc-request.ts";
import { createTestUser } from "../../test/users.ts";

const database = migratedDatabaseForFile();
runtimeOnTestDatabase(database);

const MiB = 1024 * 1024;

function rename(cookie: string, body: BodyInit, headers: Record<string, string> = {}) {
  return POST(trpcPostRequest("auth.updateProfile", { cookie, body, headers }));
}

/** A body that arrives in 64 KiB chunks with no length, as a chunked upload does. */
function chunkedJson(bytes: number): ReadableStream<Uint8Array> {
  const chunk = new Uint8Array(64 * 1024).fill(0x20); // spaces: valid JSON whitespace
  let sent = 0;
  return new ReadableStream({
    pull(controller) {
      if (sent >= bytes) return controller.close();
      controller.enqueue(chunk);
      sent += chunk.length;
    },
  });
}

describe("the tRPC route's body limit", () => {
  it("answers a declared length over 4 MiB with 413 and a message, without calling the procedure", async () => {
    const user = await createTestUser(database().db);
    const res = await rename(user.cookie, "{}", { "content-length": String(5 * MiB) });
    expect(res.status).toBe(413);
    expect(JSON.stringify(await res.json())).toMatch(/larger than 4 MB/);
  });

  it("counts a body sent without a length and stops past 4 MiB", async () => {
    const user = await createTestUser(database().db);
    const res = await rename(user.cookie, chunkedJson(5 * MiB));
    expect(res.status).toBe(413);
  });

  it("passes a body with a truthful length to the procedure as it is", async () => {
    const user = await createTestUser(database().db);
    const body = JSON.stringify({ json: { displayName: "Length Known" } });
    const res = await rename(user.cookie, body, { "content-length": String(Buffer.byteLength(body)) });
    expect(res.status).toBe(200);
    const chunked = await rename(
      user.cookie,
      new Blob([JSON.stringify({ json: { displayName: "No Length" } })]).stream(),
    );
    expect(chunked.status).toBe(200);
  });
});
