// A finished run goes to the user's account too, when the chart is on the server (it has a map
// version). Through the outbox: offline it waits; signed out since it was queued it waits for
// sign-in; sent twice it is stored once (the result's own id is the server row's id). A visitor the
// app knows to be signed out queues nothing: the run stays on the device only.
import { knownSignedOut } from "@/lib/offline/account-state.ts";
import { parseLevel } from "@/lib/practice/levels.ts";
import type { RunSummary } from "@/lib/practice/stats.ts";
import { localDb, type StoredChart, type StoredResult } from "@/lib/store/db.ts";
import { queueAndSend } from "../pwa/outbox-sync.ts";

export async function syncResult(
  chart: StoredChart,
  result: StoredResult,
  summary: RunSummary,
): Promise<void> {
  if (!chart.mapVersionId || (await knownSignedOut(localDb()))) return;
  await queueAndSend({
    id: `result-${result.id}`,
    kind: "results.submit",
    payload: {
      id: result.id,
      mapVersionId: chart.mapVersionId,
      score: Math.round(summary.score),
      accuracy: Math.min(1, Math.max(0, summary.accuracy)),
      tempo: result.rate,
      level: parseLevel(result.level),
      stats: summary as unknown as Record<string, unknown>,
      playedAt: new Date(result.createdAt).toISOString(),
    },
  });
}
