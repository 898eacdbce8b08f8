import type { Stage } from "@/lib/pipeline/progress.ts";

export const STAGE_LABEL: Record<Stage, string> = {
  decode: "Decoding the audio",
  "load-models": "Loading the models",
  separate: "Separating the drums",
  transcribe: "Transcribing the drums",
  "post-process": "Finding the beat and building the chart",
  chart: "Saving the chart",
};

export function formatEta(seconds: number | null): string {
  if (seconds === null) return "estimating time left…";
  if (seconds < 1) return "almost done";
  if (seconds < 60) return `about ${Math.ceil(seconds)} s left`;
  return `about ${Math.ceil(seconds / 60)} min left`;
}

export function formatBytes(bytes: number): string {
  if (bytes >= 1e6) return `${(bytes / 1e6).toFixed(1)} MB`;
  return `${Math.max(1, Math.round(bytes / 1e3))} kB`;
}
