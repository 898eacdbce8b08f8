// Shared by the importers: turns notes read from another format into a checked Beatmap.
import { compareHitObjects, roundMs } from "./canonical.ts";
import { BeatmapError } from "./errors.ts";
import { COMPONENT_LANE, type Component } from "./lanes.ts";
import { LIMITS } from "./limits.ts";
import { createBeatmap } from "./parse.ts";
import { type Beatmap, type HitObject, MAX_TIME_MS, type Timing } from "./schema.ts";

export interface ImportResult {
  beatmap: Beatmap;
  /** What the source had that the chart could not keep, for people. */
  warnings: string[];
}

export interface ExportResult<T> {
  data: T;
  /** What the chart had that the format cannot hold, for people. */
  warnings: string[];
}

/** Counts notes as an importer adds them, failing early on hostile input. */
export class NoteSink {
  readonly notes: HitObject[] = [];
  constructor(private readonly source: string) {}

  add(timeMs: number, component: Component, velocity: number, extra: Partial<HitObject> = {}): HitObject {
    if (!Number.isFinite(timeMs) || timeMs > MAX_TIME_MS) {
      throw new BeatmapError(
        "invalid_schema",
        `The ${this.source} has a note ${Number.isFinite(timeMs) ? `${(timeMs / 3_600_000).toFixed(1)} hours` : "infinitely far"} into the song; its timing is corrupt.`,
      );
    }
    if (this.notes.length >= LIMITS.maxHitObjects) {
      throw new BeatmapError(
        "too_many_notes",
        `The ${this.source} has more than ${LIMITS.maxHitObjects} drum notes, more than a chart may hold.`,
      );
    }
    const note: HitObject = {
      Time: roundMs(Math.max(0, timeMs)),
      Component: component,
      Lane: COMPONENT_LANE[component],
      Velocity: Math.min(1, Math.max(0, velocity)),
      ...extra,
    };
    this.notes.push(note);
    return note;
  }
}

export function buildImported(input: {
  title: string;
  artist?: string;
  creator?: string;
  audioFilename?: string;
  previewTime?: number;
  timing: Timing;
  notes: HitObject[];
}): Beatmap {
  const notes = [...input.notes].sort(compareHitObjects);
  const components = [...new Set(notes.map((n) => n.Component))];
  return createBeatmap({
    Metadata: {
      Title: input.title.slice(0, LIMITS.maxStringLength),
      Artist: (input.artist ?? "").slice(0, LIMITS.maxStringLength),
      Creator: (input.creator ?? "").slice(0, LIMITS.maxStringLength),
      Tags: [],
      ...(input.previewTime !== undefined && input.previewTime >= 0
        ? { PreviewTime: input.previewTime }
        : {}),
    },
    Audio: { Filename: (input.audioFilename ?? "").slice(0, LIMITS.maxStringLength) },
    Timing: input.timing,
    DrumKit: { Components: components, Layout: "standard-7" },
    HitObjects: notes,
  });
}
