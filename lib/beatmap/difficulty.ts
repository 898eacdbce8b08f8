// Automatic lower difficulties from an Expert chart, in the spirit of Rock Band / Clone Hero
// reductions: thin the cymbal ostinato first, then kicks, then fills; keep the crash on the
// downbeat, each note's instrument (a tom stays that tom, a ride stays the ride) and the groove's
// backbone (kick on 1 and 3, snare on the backbeat). Ghost notes go at every reduced level.
//
// Notes are placed on the chart's tempo grid by the beat a drummer counts (pulse.ts): quarter notes
// in 4/4 and 3/4, dotted quarters in 6/8 and 12/8, swung 8ths on the triplet's last third. A note
// takes the nearest grid position, so a played (unquantised) chart keeps its groove too;
// scripts/measure-levels.ts measures the levels on real parts.
import { compareHitObjects } from "./canonical.ts";
import { type Component, velocityClass } from "./lanes.ts";
import { isCompound, pulseOf, Sections } from "./pulse.ts";
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

/** Where in the beat a note falls: on it, on its 8th (swung or compound), a triplet, or finer. */
type Subdivision = "pulse" | "eighth" | "triplet" | "fine";

// Positions within one pulse, per kind of section. 16ths and finer are "fine" (Expert only).
const STRAIGHT: readonly [number, Subdivision][] = [
  [0, "pulse"],
  [1 / 4, "fine"],
  [1 / 3, "triplet"],
  [1 / 2, "eighth"],
  [2 / 3, "triplet"],
  [3 / 4, "fine"],
  [1, "pulse"],
];
const SWING: readonly [number, Subdivision][] = [
  [0, "pulse"],
  [1 / 4, "fine"],
  [1 / 3, "triplet"],
  [1 / 2, "fine"],
  [2 / 3, "eighth"],
  [3 / 4, "fine"],
  [5 / 6, "fine"],
  [1, "pulse"],
];
const COMPOUND: readonly [number, Subdivision][] = [
  [0, "pulse"],
  [1 / 6, "fine"],
  [1 / 3, "eighth"],
  [1 / 2, "triplet"],
  [2 / 3, "eighth"],
  [5 / 6, "fine"],
  [1, "pulse"],
];

interface Rule {
  /** The subdivisions a note of this role may sit on to survive. */
  keep: Record<Role, readonly Subdivision[]>;
  /** Most hand-played notes at one moment. */
  maxHands: number;
  /** Kicks only on the bar's strong beats (1 and 3 of four, the one elsewhere). */
  strongKicksOnly: boolean;
  keepFlams: boolean;
}

const HARD: readonly Subdivision[] = ["pulse", "eighth", "triplet"];
const RULES: Readonly<Record<ReducedDifficulty, Rule>> = {
  hard: {
    keep: { kick: HARD, snare: HARD, tom: HARD, cymbal: HARD, crash: HARD },
    maxHands: 2,
    strongKicksOnly: false,
    keepFlams: true,
  },
  medium: {
    keep: {
      kick: ["pulse"],
      snare: ["pulse", "eighth"],
      tom: ["pulse", "eighth"],
      cymbal: ["pulse"],
      crash: ["pulse"],
    },
    maxHands: 2,
    strongKicksOnly: false,
    keepFlams: false,
  },
  easy: {
    keep: { kick: ["pulse"], snare: ["pulse"], tom: ["pulse"], cymbal: ["pulse"], crash: ["pulse"] },
    maxHands: 1,
    strongKicksOnly: true,
    keepFlams: false,
  },
};

/** Which hand note survives when there are too many at once (lower wins): the backbeat over a passing crash. */
const HAND_PRIORITY = { downbeatCrash: 0, snare: 1, tom: 2, crash: 3, cymbal: 4 } as const;

const SIMULTANEOUS_MS = 5;

interface Placed {
  note: HitObject;
  role: Role;
  sub: Subdivision;
  /** Pulse within the bar (0 = the downbeat) and pulses per bar. */
  pulse: number;
  pulses: number;
  /** Distance to that grid position, ms. */
  errorMs: number;
  /** Length of the pulse here, ms. */
  pulseMs: number;
}

/** Places each note on the felt-beat grid of its section. */
export function placeOnGrid(b: Beatmap): (note: HitObject) => Omit<Placed, "note" | "role"> {
  const tempo = TempoMap.fromTiming(b.Timing);
  const sections = Sections.fromTiming(b.Timing);
  return (note) => {
    const { ts, feel } = sections.at(note.Time);
    const pulse = pulseOf(ts);
    const { inMeasure, measureBeats } = tempo.measurePosition(tempo.msToBeat(note.Time));
    const pulses = Math.max(1, Math.round(measureBeats / pulse));
    const inPulses = inMeasure / pulse;
    const frac = inPulses - Math.floor(inPulses);
    const grid = isCompound(ts) ? COMPOUND : feel === "swing" ? SWING : STRAIGHT;
    let best = grid[0]!;
    for (const g of grid) if (Math.abs(g[0] - frac) < Math.abs(best[0] - frac)) best = g;
    // Further from every position than a played note strays (32nds, quintuplets): Expert only.
    const pulseMs = (60_000 / tempo.bpmAt(note.Time)) * pulse;
    const errorMs = Math.abs(best[0] - frac) * pulseMs;
    const sub = errorMs > Math.max(50, 0.1 * pulseMs) ? "fine" : best[1];
    return {
      sub,
      pulse: Math.round(Math.floor(inPulses) + (best[0] === 1 ? 1 : 0)) % pulses,
      pulses,
      errorMs,
      pulseMs,
    };
  };
}

/**
 * Drags and grace notes: a note struck just before another on the same drum (within an 8th of the
 * beat) and further from the grid than it leads into that note; it goes with the 32nds.
 */
function markGraces(placed: Placed[]): void {
  const last = new Map<number, Placed>();
  for (const p of placed) {
    const before = last.get(p.note.Lane);
    const gap = before ? p.note.Time - before.note.Time : 0;
    if (before && gap > SIMULTANEOUS_MS && gap < before.pulseMs / 8 && before.errorMs > p.errorMs) {
      before.sub = "fine";
    }
    last.set(p.note.Lane, p);
  }
}

/** 1 and 3 of four (2/2, 4/4, 12/8), the one elsewhere. */
const isStrong = (p: Pick<Placed, "pulse" | "pulses">) => p.pulse === 0 || (p.pulses === 4 && p.pulse === 2);

export function reduceDifficulty(b: Beatmap, level: ReducedDifficulty): Beatmap {
  const rule = RULES[level];
  const place = placeOnGrid(b);

  const placed: Placed[] = [...b.HitObjects]
    .sort(compareHitObjects)
    .map((h) => ({ note: h, role: roleOf(h.Component), ...place(h) }));
  markGraces(placed);
  const kept: Placed[] = [];
  for (const p of placed) {
    const h = p.note;
    const downbeatCrash = p.role === "crash" && p.sub === "pulse" && p.pulse === 0;
    if (!downbeatCrash) {
      if (velocityClass(h.Velocity) === "ghost") continue;
      if (h.Component === "hihat_pedal") continue; // a foot ostinato under the hands: first to go
      if (!rule.keep[p.role].includes(p.sub)) continue;
      if (p.role === "kick" && rule.strongKicksOnly && !isStrong(p)) continue;
    }
    const copy: HitObject = { ...h };
    if (!rule.keepFlams) delete copy.Flam;
    kept.push({ ...p, note: copy });
  }

  // Resolve each moment: a crash replaces the hi-hat / ride it lands with, then cap the hands.
  const priority = (p: Placed): number =>
    p.role === "crash" && p.pulse === 0 && p.sub === "pulse"
      ? HAND_PRIORITY.downbeatCrash
      : HAND_PRIORITY[p.role as Exclude<Role, "kick">];
  const out: HitObject[] = [];
  for (let i = 0; i < kept.length; ) {
    let j = i;
    while (j < kept.length && kept[j]!.note.Time - kept[i]!.note.Time <= SIMULTANEOUS_MS) j++;
    const group = kept.slice(i, j);
    i = j;
    const crashed = group.some((p) => p.role === "crash");
    const hands = group
      .filter((p) => p.role !== "kick" && !(crashed && p.role === "cymbal"))
      .sort((x, y) => priority(x) - priority(y))
      .slice(0, rule.maxHands);
    const kicks = group.filter((p) => p.role === "kick").slice(0, 1);
    out.push(...kicks.map((p) => p.note), ...hands.map((p) => p.note));
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
