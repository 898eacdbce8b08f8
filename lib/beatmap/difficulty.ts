// Automatic lower difficulties from an Expert chart, in the spirit of Rock Band / Clone Hero
// reductions: thin the cymbal ostinato first, then kicks, then fills; keep the crash on the
// downbeat, each note's instrument (a tom stays that tom, a ride stays the ride) and the groove's
// backbone (kick on the beat, snare on the backbeat). Ghost notes go at every reduced level.
import { compareHitObjects } from "./canonical.ts";
import { type Component, velocityClass } from "./lanes.ts";
import type { Beatmap, HitObject } from "./schema.ts";
import { TempoMap } from "./tempo.ts";

export type ReducedDifficulty = "hard" | "medium" | "easy";

type Role = "kick" | "snare" | "tom" | "cymbal" | "crash";

function roleOf(c: Component): Role {
  if (c === "kick") return "kick";
  if (c.startsWith("snare")) return "snare";
  if (c.startsWith("tom")) return "tom";
  if (c === "crash" || c === "crash2" || c === "china" || c === "splash") return "crash";
  return "cymbal"; // hi-hat (incl. pedal) and ride: the time-keeping ostinato
}

interface Rule {
  /** Grids (notes per beat) a note of this role may sit on to survive. */
  grid: Record<Role, readonly number[]>;
  /** Most hand-played notes at one moment. */
  maxHands: number;
  /** Drop a kick that lands with a snare. */
  dropKickUnderSnare: boolean;
  keepFlams: boolean;
}

const RULES: Readonly<Record<ReducedDifficulty, Rule>> = {
  hard: {
    grid: { kick: [2, 3], snare: [2, 3], tom: [2, 3], cymbal: [2, 3], crash: [2, 3] },
    maxHands: 2,
    dropKickUnderSnare: false,
    keepFlams: true,
  },
  medium: {
    grid: { kick: [1], snare: [2], tom: [2], cymbal: [1], crash: [1] },
    maxHands: 2,
    dropKickUnderSnare: false,
    keepFlams: false,
  },
  easy: {
    grid: { kick: [1], snare: [1], tom: [1], cymbal: [1], crash: [1] },
    maxHands: 1,
    dropKickUnderSnare: true,
    keepFlams: false,
  },
};

/** Which hand note survives when there are too many at once (lower wins). */
const HAND_PRIORITY: Record<Exclude<Role, "kick">, number> = { crash: 0, snare: 1, tom: 2, cymbal: 3 };

const SIMULTANEOUS_MS = 5;

export function reduceDifficulty(b: Beatmap, level: ReducedDifficulty): Beatmap {
  const rule = RULES[level];
  const tempo = TempoMap.fromTiming(b.Timing);
  const onGrid = (ms: number, divisions: readonly number[]): boolean => {
    const beat = tempo.msToBeat(ms);
    return divisions.some((div) => {
      const snapped = tempo.beatToMs(Math.round(beat * div) / div);
      const subdivisionMs = 60_000 / tempo.bpmAt(ms) / div;
      return Math.abs(snapped - ms) <= Math.min(25, subdivisionMs * 0.2);
    });
  };
  const isDownbeat = (ms: number): boolean => {
    const { inMeasure, measureBeats } = tempo.measurePosition(tempo.msToBeat(ms));
    const beatMs = 60_000 / tempo.bpmAt(ms);
    return Math.min(inMeasure, measureBeats - inMeasure) * beatMs <= 25;
  };

  const kept: HitObject[] = [];
  for (const h of [...b.HitObjects].sort(compareHitObjects)) {
    const role = roleOf(h.Component);
    const downbeatCrash = role === "crash" && isDownbeat(h.Time);
    if (!downbeatCrash) {
      if (velocityClass(h.Velocity) === "ghost") continue;
      if (h.Component === "hihat_pedal") continue; // a foot ostinato under the hands: first to go
      if (!onGrid(h.Time, rule.grid[role])) continue;
    }
    const copy: HitObject = { ...h };
    if (!rule.keepFlams) delete copy.Flam;
    kept.push(copy);
  }

  // Resolve each moment: a crash replaces the hi-hat / ride it lands with, then cap the hands.
  const out: HitObject[] = [];
  for (let i = 0; i < kept.length; ) {
    let j = i;
    while (j < kept.length && kept[j]!.Time - kept[i]!.Time <= SIMULTANEOUS_MS) j++;
    const group = kept.slice(i, j);
    i = j;
    const roles = new Set(group.map((h) => roleOf(h.Component)));
    let hands = group
      .filter((h) => roleOf(h.Component) !== "kick")
      .filter((h) => !(roles.has("crash") && roleOf(h.Component) === "cymbal"))
      .sort(
        (x, y) =>
          HAND_PRIORITY[roleOf(x.Component) as Exclude<Role, "kick">] -
          HAND_PRIORITY[roleOf(y.Component) as Exclude<Role, "kick">],
      );
    hands = hands.slice(0, rule.maxHands);
    let kicks = group.filter((h) => roleOf(h.Component) === "kick").slice(0, 1);
    if (rule.dropKickUnderSnare && hands.some((h) => roleOf(h.Component) === "snare")) kicks = [];
    out.push(...kicks, ...hands);
  }
  out.sort(compareHitObjects);

  const label = level[0]!.toUpperCase() + level.slice(1);
  // Timing is the chart's, untouched: the same grid, each section's Confidence and Feel included.
  return {
    ...b,
    Metadata: { ...b.Metadata, Difficulty: label },
    DrumKit: { ...b.DrumKit, Components: [...new Set(out.map((h) => h.Component))] },
    HitObjects: out,
  };
}
