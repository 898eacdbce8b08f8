// Per-device practice settings in the local settings table: key map, calibration, preferences.

import { DEFAULT_MIX, type MixSettings, type StemMode } from "@/lib/practice/audio-engine.ts";
import { type Calibration, parseCalibration } from "@/lib/practice/calibration.ts";
import type { VelocityCalibration } from "@/lib/practice/dynamics.ts";
import {
  APPROACH_MS,
  approachMsFromLegacySpeed,
  clampApproachMs,
  isLaneOrder,
  type LaneOrder,
} from "@/lib/practice/highway.ts";
import { clampRate } from "@/lib/practice/hit-windows.ts";
import { type KeyMap, parseKeyMap } from "@/lib/practice/keymap.ts";
import { type KitProfile, parseKitProfile } from "@/lib/practice/kit-profile.ts";
import { type MidiKitMap, parseMidiKitMap } from "@/lib/practice/midi.ts";
import { localDb } from "@/lib/store/db.ts";
import { getSetting, putSetting } from "@/lib/store/results.ts";

export type Palette = "standard" | "colour-blind";

export interface PracticePrefs {
  /** Lane colours: the app's, or Okabe–Ito's colour-blind-safe set. */
  palette: Palette;
  /** Real ms a note takes from the far end of the highway to the strike line (the approach speed). */
  approachMs: number;
  /** Highway columns left to right (lib/practice/highway.ts LANE_ORDERS). */
  laneOrder: LaneOrder;
  /** Mirror the highway for a left-handed kit. */
  lefty: boolean;
  /** Bar numbers beside the highway's bar lines. */
  barNumbers: boolean;
  rate: number;
  countInBeats: number;
  mix: MixSettings;
  /** Hit flashes without fading or pulsing; undefined follows the system's reduced-motion setting. */
  reduceMotion?: boolean;
}

/** The reduced-motion choice in effect: the player's own, else the system's. */
export function reducedMotion(prefs: Pick<PracticePrefs, "reduceMotion">): boolean {
  if (prefs.reduceMotion !== undefined) return prefs.reduceMotion;
  return typeof matchMedia === "function" && matchMedia("(prefers-reduced-motion: reduce)").matches;
}

export const DEFAULT_PREFS: PracticePrefs = {
  palette: "standard",
  approachMs: APPROACH_MS.default,
  laneOrder: "standard",
  lefty: false,
  barNumbers: true,
  rate: 1,
  countInBeats: 4,
  mix: DEFAULT_MIX,
};

const KEYS = {
  keymap: "practice.keymap",
  calibration: "practice.calibration",
  prefs: "practice.prefs",
  kit: "practice.kit",
  velocity: "practice.velocityCalibration",
  midiMap: "practice.midiMap",
} as const;

const MODES: readonly StemMode[] = ["full", "drums", "drumless"];
const unit = (x: unknown, d: number) => (typeof x === "number" && x >= 0 && x <= 1 ? x : d);

export function parsePrefs(value: unknown): PracticePrefs {
  const v = (value ?? {}) as Record<string, unknown>;
  const mix = (v.mix ?? {}) as Record<string, unknown>;
  return {
    palette: v.palette === "colour-blind" ? "colour-blind" : "standard",
    approachMs:
      typeof v.approachMs === "number" && Number.isFinite(v.approachMs)
        ? clampApproachMs(v.approachMs)
        : // Settings kept before the travel time was shown in seconds held a 1–10 scroll speed.
          typeof v.scrollSpeed === "number"
          ? approachMsFromLegacySpeed(v.scrollSpeed)
          : APPROACH_MS.default,
    laneOrder: isLaneOrder(v.laneOrder) ? v.laneOrder : "standard",
    lefty: v.lefty === true,
    barNumbers: v.barNumbers !== false,
    rate: typeof v.rate === "number" ? clampRate(v.rate) : 1,
    ...(typeof v.reduceMotion === "boolean" ? { reduceMotion: v.reduceMotion } : {}),
    countInBeats:
      typeof v.countInBeats === "number" && [0, 2, 4, 8].includes(v.countInBeats) ? v.countInBeats : 4,
    mix: {
      mode: MODES.includes(mix.mode as StemMode) ? (mix.mode as StemMode) : "full",
      drums: unit(mix.drums, 1),
      accompaniment: unit(mix.accompaniment, 1),
      metronome: unit(mix.metronome, DEFAULT_MIX.metronome),
      metronomeOn: mix.metronomeOn === true,
    },
  };
}

export async function loadPracticeSettings(): Promise<{
  keymap: KeyMap;
  calibration: Calibration;
  prefs: PracticePrefs;
  kit: KitProfile;
}> {
  const db = localDb();
  const [keymap, calibration, prefs, kit] = await Promise.all([
    getSetting(db, KEYS.keymap),
    getSetting(db, KEYS.calibration),
    getSetting(db, KEYS.prefs),
    getSetting(db, KEYS.kit),
  ]);
  return {
    keymap: parseKeyMap(keymap),
    calibration: parseCalibration(calibration),
    prefs: parsePrefs(prefs),
    kit: parseKitProfile(kit),
  };
}

export const saveKeyMap = (keymap: KeyMap) => putSetting(localDb(), KEYS.keymap, keymap);
export const saveCalibration = (c: Calibration) => putSetting(localDb(), KEYS.calibration, c);
export const savePrefs = (p: PracticePrefs) => putSetting(localDb(), KEYS.prefs, p);
export const saveKit = (k: KitProfile) => putSetting(localDb(), KEYS.kit, k);

/** Velocity calibration per MIDI kit (keyed by its input names), on this device. */
export async function loadVelocityCalibration(kitKey: string): Promise<VelocityCalibration | undefined> {
  const all = (await getSetting<Record<string, VelocityCalibration>>(localDb(), KEYS.velocity)) ?? {};
  const c = all[kitKey];
  return c && typeof c.ghostMax === "number" && typeof c.accentMin === "number" ? c : undefined;
}

export async function saveVelocityCalibration(kitKey: string, c: VelocityCalibration): Promise<void> {
  const all = (await getSetting<Record<string, VelocityCalibration>>(localDb(), KEYS.velocity)) ?? {};
  await putSetting(localDb(), KEYS.velocity, { ...all, [kitKey]: c });
}

/** The pad map learned for one kit (keyed by its MIDI input names), or {} (General MIDI only). */
export async function loadMidiKitMap(kitKey: string): Promise<MidiKitMap> {
  return parseMidiKitMap(await getSetting(localDb(), `${KEYS.midiMap}.${kitKey}`));
}

export async function saveMidiKitMap(kitKey: string, map: MidiKitMap): Promise<void> {
  await putSetting(localDb(), `${KEYS.midiMap}.${kitKey}`, map);
}
