// Sharing a chart made on a device, as the generate page's "share" does: maps.submitGenerated with
// the recording's fingerprint and length, the chart's Audio section taken from the recording and
// marked as AI-generated on WASM.
import { type APIRequestContext, expect } from "@playwright/test";
import type { Beatmap } from "../../lib/beatmap/schema.ts";
import { fpcalcCompressed, fpcalcRaw } from "../../lib/fingerprint/test-support.ts";

export interface SharedChart {
  mapId: string;
  songId: string;
  /** The chart as sent (with its Audio and Editor sections). */
  chart: Beatmap;
}

/**
 * Shares `chart` for the recording in `wav` through `request` (relative URLs resolve against its
 * baseURL). `audio.filename` names the recording in the chart; `audio.withFingerprint` also puts
 * its fingerprint there, as the generate page does for a chart made from the file.
 */
export async function shareGeneratedChart(
  request: APIRequestContext,
  wav: string,
  chart: Beatmap,
  audio: { filename: string; withFingerprint?: boolean },
): Promise<SharedChart> {
  const { duration } = fpcalcRaw(wav);
  const fingerprint = fpcalcCompressed(wav);
  const sent: Beatmap = {
    ...chart,
    Audio: {
      Filename: audio.filename,
      Duration: Math.round(duration * 1000),
      ...(audio.withFingerprint ? { Fingerprint: fingerprint } : {}),
    },
    Editor: { AiGenerationMetadata: { backend: "wasm" } },
  };
  const shared = await request.post("/api/trpc/maps.submitGenerated", {
    headers: { "content-type": "application/json" },
    data: { json: { fingerprint, duration, chart: sent } },
  });
  const body = await shared.text();
  expect(shared.ok(), body).toBe(true);
  const answer = JSON.parse(body) as { result: { data: { json: { mapId: string; song: { id: string } } } } };
  return { mapId: answer.result.data.json.mapId, songId: answer.result.data.json.song.id, chart: sent };
}
