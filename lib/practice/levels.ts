// The four difficulty levels a drummer picks from: Expert is the chart as charted, the others its
// reductions (lib/beatmap/difficulty.ts). Every chart has all four, whoever made it.

import { reduceDifficulty } from "../beatmap/difficulty.ts";
import { notesPerSecond } from "../beatmap/difficulty-checks.ts";
import type { Beatmap } from "../beatmap/index.ts";

export const LEVELS = ["easy", "medium", "hard", "expert"] as const;
export type Level = (typeof LEVELS)[number];

/** What a result or a remembered choice without a level means: the chart as charted. */
export const DEFAULT_LEVEL: Level = "expert";

export const LEVEL_LABELS: Readonly<Record<Level, string>> = {
  easy: "Easy",
  medium: "Medium",
  hard: "Hard",
  expert: "Expert",
};

export function isLevel(value: unknown): value is Level {
  return typeof value === "string" && (LEVELS as readonly string[]).includes(value);
}

/** A stored or sent level; anything else (old data, nothing) is Expert. */
export function parseLevel(value: unknown): Level {
  return isLevel(value) ? value : DEFAULT_LEVEL;
}

// Reducing a long chart takes a few ms; the pages ask for the same chart at every level again
// on each render, so each chart's levels are made once.
const made = new WeakMap<Beatmap, Map<Level, Beatmap>>();

/** The chart at `level` (Expert: the chart itself). */
export function chartAtLevel(b: Beatmap, level: Level): Beatmap {
  if (level === "expert") return b;
  let levels = made.get(b);
  if (!levels) {
    levels = new Map();
    made.set(b, levels);
  }
  let reduced = levels.get(level);
  if (!reduced) {
    reduced = reduceDifficulty(b, level);
    levels.set(level, reduced);
  }
  return reduced;
}

export interface LevelSummary {
  level: Level;
  notes: number;
  /** Notes per second from the first note to the last. */
  notesPerSecond: number;
}

/** Each level's size, easiest first: what the chooser shows so a drummer can pick. */
export function levelSummaries(b: Beatmap): LevelSummary[] {
  return LEVELS.map((level) => {
    const chart = chartAtLevel(b, level);
    return { level, notes: chart.HitObjects.length, notesPerSecond: notesPerSecond(chart) };
  });
}

/** "4.2 notes/s" */
export const formatRate = (notesPerSecond: number): string => `${notesPerSecond.toFixed(1)} notes/s`;
