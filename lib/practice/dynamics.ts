// Ghost notes and accents judged by velocity (MIDI kits report how hard a pad was struck). Each kit
// responds differently, so the hit's velocity is classed through a per-kit calibration before it
// is compared with the note's class (lib/beatmap/lanes.ts velocityClass).
import {
  ACCENT_MIN_VELOCITY,
  GHOST_MAX_VELOCITY,
  type VelocityClass,
  velocityClass,
} from "../beatmap/lanes.ts";

export interface VelocityCalibration {
  /** Hit velocities (0–1) below this are ghosts on this kit. */
  ghostMax: number;
  /** Hit velocities at or above this are accents on this kit. */
  accentMin: number;
}

export const DEFAULT_VELOCITY_CALIBRATION: VelocityCalibration = {
  ghostMax: GHOST_MAX_VELOCITY,
  accentMin: ACCENT_MIN_VELOCITY,
};

export function hitClass(
  velocity: number,
  cal: VelocityCalibration = DEFAULT_VELOCITY_CALIBRATION,
): VelocityClass {
  if (velocity < cal.ghostMax) return "ghost";
  if (velocity >= cal.accentMin) return "accent";
  return "normal";
}

export type DynamicsVerdict = "ok" | "too-loud" | "too-soft";

/** How a hit's dynamics compare with the note's: only ghosts and accents are judged strictly. */
export function judgeDynamics(
  noteVelocity: number,
  hitVelocity: number,
  cal?: VelocityCalibration,
): DynamicsVerdict {
  const want = velocityClass(noteVelocity);
  const got = hitClass(hitVelocity, cal);
  if (want === got) return "ok";
  const order: Record<VelocityClass, number> = { ghost: 0, normal: 1, accent: 2 };
  // A normal note played as a ghost or an accent is within taste; ghosts and accents are the point.
  if (want === "normal") return "ok";
  return order[got] > order[want] ? "too-loud" : "too-soft";
}

/**
 * Calibrates from a player's own ghost and accent strokes (e.g. 8 soft, 8 hard): the thresholds
 * sit halfway between the typical soft, normal and hard hits.
 */
export function calibrateVelocity(
  soft: readonly number[],
  normal: readonly number[],
  hard: readonly number[],
): VelocityCalibration | null {
  const med = (xs: readonly number[]) => {
    const s = [...xs].sort((a, b) => a - b);
    return s.length ? s[s.length >> 1]! : Number.NaN;
  };
  const [g, n, a] = [med(soft), med(normal), med(hard)];
  if (![g, n, a].every(Number.isFinite) || !(g < n && n < a)) return null;
  return { ghostMax: (g + n) / 2, accentMin: (n + a) / 2 };
}
