// GET /api/jobs/<id>/events: the job's status as Server-Sent Events, sent whenever it changes,
// until it ends. The status is read from ai_jobs once a second: workers may run on other machines,
// and one indexed read per watcher per second is cheaper than a LISTEN connection per watcher.
import { can, loadActor } from "@/server/auth/permissions.ts";
import { sessionFromCookies } from "@/server/auth/session.ts";
import { jobStatus } from "@/server/jobs/status.ts";
import { getRuntime } from "@/server/runtime.ts";

export const dynamic = "force-dynamic";

const POLL_MS = 1000;
const KEEPALIVE_MS = 15_000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function GET(req: Request, { params }: { params: Promise<{ id: string }> }): Promise<Response> {
  const { id } = await params;
  const { db } = await getRuntime();
  const session = await sessionFromCookies(db, req.headers.get("cookie"));
  if (!session) return Response.json({ message: "Please sign in to follow this job." }, { status: 401 });
  const watcher =
    UUID.test(id) &&
    ((await db.aiJobSubscriber.findUnique({
      where: { jobId_userId: { jobId: id, userId: session.user.id } },
    })) ||
      can(await loadActor(db, session.user.id), "jobs.admin"));
  if (!watcher)
    return Response.json({ message: "There is no job with this id among yours." }, { status: 404 });

  const encoder = new TextEncoder();
  const stream = new ReadableStream<Uint8Array>({
    async start(controller) {
      let last = "";
      let lastSent = Date.now();
      const send = (text: string) => controller.enqueue(encoder.encode(text));
      try {
        while (!req.signal.aborted) {
          const status = await jobStatus(db, id);
          if (!status) break;
          const json = JSON.stringify(status);
          if (json !== last) {
            send(`event: status\ndata: ${json}\n\n`);
            last = json;
            lastSent = Date.now();
          } else if (Date.now() - lastSent > KEEPALIVE_MS) {
            send(": keep-alive\n\n");
            lastSent = Date.now();
          }
          if (status.state === "complete" || status.state === "failed" || status.state === "cancelled") break;
          await new Promise((r) => setTimeout(r, POLL_MS));
        }
      } catch {
        // The watcher went away or the database hiccuped: the client reconnects (EventSource does).
      }
      try {
        controller.close();
      } catch {}
    },
  });
  return new Response(stream, {
    headers: {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-cache, no-transform",
      "x-accel-buffering": "no",
    },
  });
}
