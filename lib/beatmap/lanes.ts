// The 7-lane layout and the drum components that sit on each lane. This is the one place the
// rest of the app (practice player, editor, transcription post-processing) reads lanes from.

/** Lane indices of the standard 7-lane layout, left to right on the note highway. */
export const LANE = {
  crash: 0,
  hihat: 1,
  snare: 2,
  kick: 3,
  tom: 4,
  ride: 5,
  splash: 6,
} as const;

export type LaneName = keyof typeof LANE;
export type Lane = (typeof LANE)[LaneName];
export const LANE_COUNT = 7;
export const LANE_NAMES: readonly LaneName[] = ["crash", "hihat", "snare", "kick", "tom", "ride", "splash"];

/** Human-readable lane labels (UI and error messages). */
export const LANE_LABELS: Readonly<Record<Lane, string>> = {
  0: "Crash",
  1: "Hi-hat",
  2: "Snare",
  3: "Kick",
  4: "Tom",
  5: "Ride",
  6: "Splash",
};

/**
 * Components: what is struck and how (the articulation). A component always sits on one lane;
 * the lane is stored too so players need no lookup, and validation checks they agree.
 */
export const COMPONENTS = [
  "crash",
  "crash2",
  "china",
  "hihat_closed",
  "hihat_open",
  "hihat_pedal",
  "snare",
  "snare_rimshot",
  "snare_cross_stick",
  "kick",
  "tom_high",
  "tom_mid",
  "tom_floor",
  "ride",
  "ride_bell",
  "splash",
] as const;

export type Component = (typeof COMPONENTS)[number];

export const COMPONENT_LANE: Readonly<Record<Component, Lane>> = {
  crash: 0,
  crash2: 0,
  china: 0,
  hihat_closed: 1,
  hihat_open: 1,
  hihat_pedal: 1,
  snare: 2,
  snare_rimshot: 2,
  snare_cross_stick: 2,
  kick: 3,
  tom_high: 4,
  tom_mid: 4,
  tom_floor: 4,
  ride: 5,
  ride_bell: 5,
  splash: 6,
};

/** The component used when only a lane is known (osu!mania import, editor lane reassignment). */
export const LANE_DEFAULT_COMPONENT: Readonly<Record<Lane, Component>> = {
  0: "crash",
  1: "hihat_closed",
  2: "snare",
  3: "kick",
  4: "tom_mid",
  5: "ride",
  6: "splash",
};

/** Cymbals can be choked; drums cannot. */
export const CYMBAL_COMPONENTS: ReadonlySet<Component> = new Set<Component>([
  "crash",
  "crash2",
  "china",
  "splash",
  "ride",
  "ride_bell",
  "hihat_closed",
  "hihat_open",
]);

/** Limbs: the hi-hat pedal and kick are played with feet, the rest with hands. */
export function isFootComponent(c: Component): boolean {
  return c === "kick" || c === "hihat_pedal";
}

export function isComponent(value: string): value is Component {
  return (COMPONENTS as readonly string[]).includes(value);
}

/**
 * Velocity classes shared by every format that only knows ghost / normal / accent
 * (Clone Hero, notes.mid dynamics). Exporters write the class's representative velocity,
 * so a round trip keeps the class.
 */
export const GHOST_MAX_VELOCITY = 0.4;
export const ACCENT_MIN_VELOCITY = 0.85;
export type VelocityClass = "ghost" | "normal" | "accent";
export const VELOCITY_OF_CLASS: Readonly<Record<VelocityClass, number>> = {
  ghost: 0.3,
  normal: 0.7,
  accent: 1,
};

export function velocityClass(velocity: number): VelocityClass {
  if (velocity < GHOST_MAX_VELOCITY) return "ghost";
  if (velocity >= ACCENT_MIN_VELOCITY) return "accent";
  return "normal";
}
