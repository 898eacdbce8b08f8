// GET /api/jobs/<id>/events: the job's status as Server-Sent Events, sent whenever it changes,
// until it ends. Workers may run on other machines, so changes arrive through PostgreSQL: the
// process's one LISTEN connection (server/jobs/job-events.ts) wakes this stream, which reads the
// status again — on its job's change, or any job's while it is queued (its place moves).
import { can, loadActor } from "@/server/auth/permissions.ts";
import { errorAnswer, guarded } from "@/server/http/guard.ts";
import { StreamSlots } from "@/server/http/stream-slots.ts";
import { jobEventHub } from "@/server/jobs/job-events.ts";
import { jobStatus } from "@/server/jobs/status.ts";
import { getRuntime } from "@/server/runtime.ts";

export const dynamic = "force-dynamic";

/** Streams per person: a few tabs following a few jobs. Per process in all: see StreamSlots. */
const streams = new StreamSlots(6, 2_000);

const KEEPALIVE_MS = 15_000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const GET = guarded(
  { session: "required", signInMessage: "Please sign in to follow this job." },
  async (req, { db, session }, { params }: { params: Promise<{ id: string }> }) => {
    const { id } = await params;
    const watcher =
      UUID.test(id) &&
      ((await db.aiJobSubscriber.findUnique({
        where: { jobId_userId: { jobId: id, userId: session.user.id } },
      })) ||
        can(await loadActor(db, session.user.id), "jobs.admin"));
    if (!watcher) return errorAnswer(404, "not-found", "There is no job with this id among yours.");
    const release = streams.acquire(session.user.id);
    if (!release) {
      return errorAnswer(
        429,
        "too-many-streams",
        "Too many job updates are open for your account; close other BeatSight tabs following jobs and reload.",
        { "retry-after": "10" },
      );
    }
    req.signal.addEventListener("abort", release, { once: true });

    const events = jobEventHub((await getRuntime()).databaseUrl);
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
            if (status.state === "complete" || status.state === "failed" || status.state === "cancelled")
              break;
            await events.wait(id, { anyJob: status.state === "queued", signal: req.signal });
          }
        } catch {
          // The watcher went away or the database hiccuped: the client reconnects (EventSource does).
        }
        release();
        try {
          controller.close();
        } catch {}
      },
      cancel() {
        release();
      },
    });
    return new Response(stream, {
      headers: {
        "content-type": "text/event-stream; charset=utf-8",
        "cache-control": "no-cache, no-transform",
        "x-accel-buffering": "no",
      },
    });
  },
);
