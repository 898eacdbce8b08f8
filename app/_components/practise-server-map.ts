"use client";
// "Practise it" for a chart on the server: its newest version goes into the device's library (so it
// plays offline from then on, and runs sync to the account), then the player opens. From the intake
// page the drummer's own file goes along, with where song identity placed it on the chart.
import { useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useCallback, useState } from "react";
import { saveChart } from "@/lib/store/charts.ts";
import { localDb } from "@/lib/store/db.ts";
import { isQuotaError, QUOTA_MESSAGE } from "@/lib/store/storage.ts";
import { setPendingAudio } from "./play/pending-audio.ts";
import { useTRPC } from "./trpc.tsx";

/** The recording to play along with: the dropped file and SongMatch.offsetSeconds. */
export interface OwnRecording {
  file: File;
  offsetSeconds: number;
}

export function usePractiseServerMap(): {
  practise: (mapId: string, recording?: OwnRecording) => Promise<void>;
  busy: boolean;
  error: string | null;
} {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const router = useRouter();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const practise = useCallback(
    async (mapId: string, recording?: OwnRecording) => {
      setBusy(true);
      setError(null);
      try {
        const map = await queryClient.fetchQuery(trpc.maps.get.queryOptions({ mapId }));
        const newest = [...map.versions].sort((a, b) => b.number - a.number)[0];
        if (!newest) throw new Error("This chart has no published version yet.");
        const version = await queryClient.fetchQuery(
          trpc.maps.version.queryOptions({ versionId: newest.id }),
        );
        const chart = await saveChart(localDb(), {
          beatmap: version.chart,
          origin: "server",
          songId: version.songId,
          mapVersionId: version.id,
          ...(recording ? { audioOffsetMs: Math.round(recording.offsetSeconds * 1000) } : {}),
        });
        if (recording) setPendingAudio(chart.id, recording.file);
        router.push(`/play/${chart.id}`);
      } catch (e) {
        setError(isQuotaError(e) ? QUOTA_MESSAGE : e instanceof Error ? e.message : String(e));
        setBusy(false);
      }
    },
    [queryClient, router, trpc],
  );
  return { practise, busy, error };
}
