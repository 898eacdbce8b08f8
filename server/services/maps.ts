// Maps: charts attached to songs. submitGenerated is how a chart made on a user's device reaches
// everyone else: the chart and the song's fingerprint travel, never the audio. The server checks
// the chart as strictly as any imported file, stores it once per content, and the song becomes
// "unverified" (it has a chart the community can now check).
import {
  type Beatmap,
  BeatmapError,
  canonicalJson,
  contentHash,
  lintBeatmap,
  shiftBeatmap,
  validateBeatmapObject,
} from "../../lib/beatmap/index.ts";
import type { Db, Prisma } from "../db/client.ts";
import { transaction } from "../db/transaction.ts";
import { claimMutation, mutationKey, recordedAnswer, recordMutation } from "./client-mutations.ts";
import { registerSong, type SongSummary } from "./songs.ts";

export class MapInputError extends Error {
  override name = "MapInputError";
}

export interface SubmitGeneratedInput {
  fingerprint: string;
  /** Seconds, as fingerprinted. */
  duration: number;
  chart: unknown;
  /**
   * Client-generated id, scoped to `userId` (server/services/client-mutations.ts): a resend returns
   * the first answer with `created: false`; the same id with a different submission is a conflict.
   */
  clientMutationId?: string;
  userId?: string | null;
}

export interface SubmitGeneratedResult {
  song: SongSummary;
  mapId: string;
  versionId: string;
  contentHash: string;
  /** False when nothing new was written: the same chart was already stored for this song, or this is a resend. */
  created: boolean;
}

/** The chart's duration may differ from the fingerprinted one by decoder padding, not more. */
const DURATION_TOLERANCE_MS = 2_000;

export async function submitGenerated(db: Db, input: SubmitGeneratedInput): Promise<SubmitGeneratedResult> {
  const key = input.clientMutationId
    ? mutationKey(
        { userId: input.userId ?? null, procedure: "maps.submitGenerated", id: input.clientMutationId },
        { fingerprint: input.fingerprint, duration: input.duration, chart: input.chart },
      )
    : null;
  if (key) {
    // A resend of an applied submission costs one lookup, not a chart check and a song match.
    const replay = await recordedAnswer<SubmitGeneratedResult>(db, key);
    if (replay) return replay;
  }
  const checked = checkChart(input.chart, input.duration);
  const { song, offsetSeconds } = await registerSong(db, {
    fingerprint: input.fingerprint,
    duration: input.duration,
    title: checked.Metadata?.Title ?? null,
    artist: checked.Metadata?.Artist ?? null,
  });
  // The chart was made from this file; the song's charts share the song's timeline, which this
  // file may start before or after (leading silence, a cut intro).
  const chart =
    Math.abs(offsetSeconds) >= 0.001
      ? shiftBeatmap(checked, -offsetSeconds * 1000, song.durationMs)
      : checked;
  const hash = await contentHash(chart);

  return transaction(
    db,
    async (tx): Promise<SubmitGeneratedResult> => {
      // Claimed first: a concurrent resend waits here for this one's commit, then answers the replay.
      if (key) {
        const replay = await claimMutation<SubmitGeneratedResult>(tx, key);
        if (replay) return replay;
      }
      // One submission per song at a time, so two identical charts arriving together are stored once.
      await tx.$queryRaw`SELECT 1 AS locked FROM (SELECT pg_advisory_xact_lock(hashtext(${`maps:${song.id}`}))) l`;
      const existing = await tx.mapVersion.findFirst({
        where: { contentHash: hash, map: { songId: song.id } },
        select: { id: true, mapId: true },
      });
      let result: SubmitGeneratedResult;
      if (existing) {
        result = { song, mapId: existing.mapId, versionId: existing.id, contentHash: hash, created: false };
      } else {
        const map = await tx.map.create({
          data: {
            songId: song.id,
            creatorId: input.userId ?? null,
            name: "Expert (AI)",
            difficulty: difficultyOf(chart),
            state: "ai_draft",
            versions: {
              create: {
                number: 1,
                source: "ai",
                authorId: input.userId ?? null,
                contentHash: hash,
                content: JSON.parse(canonicalJson(chart)) as Prisma.InputJsonValue,
                generation: (chart.Editor?.AiGenerationMetadata ?? {}) as Prisma.InputJsonValue,
              },
            },
          },
          select: { id: true, versions: { select: { id: true } } },
        });
        await tx.song.updateMany({
          where: { id: song.id, status: "pending" },
          data: { status: "unverified" },
        });
        result = { song, mapId: map.id, versionId: map.versions[0]!.id, contentHash: hash, created: true };
      }
      if (key) await recordMutation(tx, key, result);
      return result;
    },
    // Waiting for the song's lock (or a concurrent resend's commit) counts against `timeout`.
    { maxWait: 10_000, timeout: 20_000 },
  );
}

/** Schema, semantic lint and consistency with the fingerprinted audio; errors name the problem. */
export function checkChart(raw: unknown, durationSeconds: number): Beatmap {
  let chart: Beatmap;
  try {
    chart = validateBeatmapObject(raw);
  } catch (error) {
    if (error instanceof BeatmapError)
      throw new MapInputError(`The chart is not a valid .bsm: ${error.message}`);
    throw error;
  }
  const lint = lintBeatmap(chart);
  if (lint.errors.length > 0) {
    const first = lint.errors.slice(0, 3).map((e) => `${e.path}: ${e.message}`);
    throw new MapInputError(`The chart has errors: ${first.join("; ")}`);
  }
  if (!chart.Editor?.AiGenerationMetadata) {
    throw new MapInputError(
      "A generated chart must carry its generation metadata (Editor.AiGenerationMetadata).",
    );
  }
  const chartMs = chart.Audio?.Duration;
  if (chartMs === undefined)
    throw new MapInputError("The chart does not say how long its audio is (Audio.Duration).");
  if (Math.abs(chartMs - durationSeconds * 1000) > DURATION_TOLERANCE_MS) {
    throw new MapInputError(
      `The chart is for ${(chartMs / 1000).toFixed(1)} s of audio, but the fingerprinted song is ${durationSeconds.toFixed(1)} s long.`,
    );
  }
  return chart;
}

function difficultyOf(chart: Beatmap): number | null {
  const d = chart.Metadata?.Difficulty;
  return typeof d === "number" && d >= 1 && d <= 10 ? Math.round(d) : null;
}
