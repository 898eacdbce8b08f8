// The chart a practice run plays: the chosen difficulty level of the stored chart, then folded to
// the drummer's kit (the level first, so a reduction never brings back a drum the kit folded away).
import type { Beatmap } from "../beatmap/index.ts";
import { type FoldResult, foldToKit, type KitProfile } from "./kit-profile.ts";
import { chartAtLevel, type Level } from "./levels.ts";
import { type PreparedChart, prepareChart } from "./session.ts";

/** What the run plays: a level of the chart, folded to a kit. */
export interface ChartChoice {
  level: Level;
  kit: KitProfile;
}

export function chartFor(
  beatmap: Beatmap,
  choice: ChartChoice,
): { prepared: PreparedChart; fold: FoldResult } {
  const level = chartAtLevel(beatmap, choice.level);
  const fold = foldToKit(level.HitObjects, choice.kit);
  return { prepared: prepareChart({ ...level, HitObjects: fold.notes }), fold };
}
