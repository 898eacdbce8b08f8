// How a server job's status reads to a person. Shared by the generate page, the job page and tests.
import type { Stage } from "@/lib/pipeline/progress.ts";
import { formatEta, STAGE_LABEL } from "../generate/format.ts";

export interface JobStatusView {
  state: "queued" | "processing" | "complete" | "failed" | "cancelled";
  position: number | null;
  etaSeconds: number | null;
  stage: string | null;
  progress: number;
  message: string | null;
}

export function describeJobStatus(s: JobStatusView): string {
  switch (s.state) {
    case "queued":
      return `Queued — ${s.position === 1 ? "next in line" : `position ${s.position ?? "?"} in the queue`} · ${formatEta(s.etaSeconds)}${s.message ? ` (${s.message})` : ""}`;
    case "processing": {
      const stage = STAGE_LABEL[s.stage as Stage] ?? "Working";
      return `Processing — ${stage}, ${Math.round(s.progress * 100)}% · ${formatEta(s.etaSeconds)}`;
    }
    case "complete":
      return "Complete — the chart is ready.";
    case "failed":
      return `Failed — ${s.message ?? "the server could not chart this song."}`;
    case "cancelled":
      return "Cancelled.";
  }
}
