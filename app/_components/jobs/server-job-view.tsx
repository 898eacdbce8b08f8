"use client";
// A server job followed live: Server-Sent Events from /api/jobs/<id>/events (EventSource
// reconnects by itself), then, when complete, the chart is fetched and kept in this device's
// library exactly like a chart generated in the browser, so /play and offline use work the same.
import { useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useEffect, useRef, useState } from "react";
import type { Beatmap } from "@/lib/beatmap/index.ts";
import { saveChart } from "@/lib/store/charts.ts";
import { localDb, type StoredChart } from "@/lib/store/db.ts";
import { ErrorMessage } from "../error-message.tsx";
import { GridNotice } from "../grid-notice.tsx";
import { useTRPC } from "../trpc.tsx";
import { describeJobStatus, type JobStatusView } from "./job-status-text.ts";
import { PushOptIn } from "./push-opt-in.tsx";

export function ServerJobView({ jobId, initial = null }: { jobId: string; initial?: JobStatusView | null }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [status, setStatus] = useState<JobStatusView | null>(initial);
  const [chart, setChart] = useState<StoredChart | null>(null);
  const [error, setError] = useState<string | null>(null);
  const saving = useRef(false);

  useEffect(() => {
    const events = new EventSource(`/api/jobs/${jobId}/events`);
    events.addEventListener("status", (e) => {
      const next = JSON.parse((e as MessageEvent<string>).data) as JobStatusView;
      setStatus(next);
      if (next.state === "complete" || next.state === "failed" || next.state === "cancelled") events.close();
    });
    events.onerror = () => {
      // Closed by the server after the last status, or a network blip (EventSource retries).
      if (events.readyState === EventSource.CLOSED)
        setError("Lost the connection to the server; reload to see the job.");
    };
    return () => events.close();
  }, [jobId]);

  useEffect(() => {
    if (status?.state !== "complete" || saving.current) return;
    saving.current = true;
    queryClient
      .fetchQuery(trpc.jobs.result.queryOptions({ id: jobId }))
      .then((result) =>
        saveChart(localDb(), {
          beatmap: result.chart as unknown as Beatmap,
          origin: "server",
          ...(result.songId ? { songId: result.songId } : {}),
        }),
      )
      .then(setChart)
      .catch((e: unknown) => setError(e instanceof Error ? e.message : String(e)));
  }, [status?.state, jobId, queryClient, trpc]);

  const live = status && (status.state === "queued" || status.state === "processing");
  return (
    <div className="server-job">
      {status ? (
        <>
          {live ? (
            <progress max={100} value={Math.round(status.progress * 100)} aria-labelledby={`job-${jobId}`} />
          ) : null}
          <p id={`job-${jobId}`} role="status" aria-live="polite" data-testid="job-status">
            {describeJobStatus(status)}
          </p>
        </>
      ) : (
        <p role="status">Connecting to the server…</p>
      )}
      {live ? <PushOptIn /> : null}
      {chart ? (
        <>
          <p data-testid="job-result">
            <strong>Chart ready:</strong> {chart.noteCount} notes. It is saved in your{" "}
            <Link href="/library">library</Link>.{" "}
            <Link className="button" href={`/play/${chart.id}`}>
              Practise it
            </Link>
          </p>
          <GridNotice
            timing={chart.beatmap.Timing}
            endMs={chart.beatmap.Audio.Duration ?? chart.beatmap.HitObjects.at(-1)?.Time ?? 0}
            fixHref={`/edit/local/${chart.id}?tools=timing`}
          />
        </>
      ) : null}
      <ErrorMessage error={error} />
    </div>
  );
}
