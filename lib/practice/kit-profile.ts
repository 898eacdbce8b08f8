// A kit profile: what the player owns (toms, cymbals, pedals). Every chart is folded to it, so a
// chart written for a big kit stays playable on a small one: a splash becomes a crash, a missing
// ride moves to the hi-hat, toms merge, and a single pedal drops the kicks only a double pedal
// can play. Pure.
import { COMPONENT_LANE, type Component } from "../beatmap/lanes.ts";
import type { HitObject } from "../beatmap/schema.ts";

export interface KitProfile {
  /** Rack and floor toms together: 0–3. */
  toms: 0 | 1 | 2 | 3;
  crashes: 1 | 2;
  ride: boolean;
  splash: boolean;
  china: boolean;
  /** A hi-hat pedal that is played on its own (foot chick). */
  hihatPedal: boolean;
  doublePedal: boolean;
}

export const FULL_KIT: KitProfile = {
  toms: 3,
  crashes: 2,
  ride: true,
  splash: true,
  china: true,
  hihatPedal: true,
  doublePedal: true,
};

/** Kicks closer than this need a second beater (16ths above ~150 BPM). */
export const SINGLE_PEDAL_MIN_GAP_MS = 100;

function mapComponent(c: Component, kit: KitProfile): Component | null {
  switch (c) {
    case "splash":
      return kit.splash ? c : "crash";
    case "china":
      return kit.china ? c : "crash";
    case "crash2":
      return kit.crashes >= 2 ? c : "crash";
    case "ride":
    case "ride_bell":
      return kit.ride ? c : "hihat_closed";
    case "hihat_pedal":
      return kit.hihatPedal ? c : null;
    case "tom_high":
    case "tom_mid":
    case "tom_floor":
      if (kit.toms === 0) return "snare";
      if (kit.toms === 1) return "tom_floor";
      if (kit.toms === 2) return c === "tom_floor" ? "tom_floor" : "tom_high";
      return c;
    default:
      return c;
  }
}

export function parseKitProfile(value: unknown): KitProfile {
  const v = (value ?? {}) as Record<string, unknown>;
  const bool = (x: unknown, d: boolean) => (typeof x === "boolean" ? x : d);
  return {
    toms: v.toms === 0 || v.toms === 1 || v.toms === 2 || v.toms === 3 ? v.toms : 3,
    crashes: v.crashes === 1 ? 1 : 2,
    ride: bool(v.ride, true),
    splash: bool(v.splash, true),
    china: bool(v.china, true),
    hihatPedal: bool(v.hihatPedal, true),
    doublePedal: bool(v.doublePedal, true),
  };
}

export interface FoldResult {
  notes: HitObject[];
  /** Notes moved to another component or lane. */
  moved: number;
  /** Notes dropped (pedal notes the kit cannot play, or merged duplicates). */
  dropped: number;
}

export function foldToKit(notes: readonly HitObject[], kit: KitProfile): FoldResult {
  let moved = 0;
  let dropped = 0;
  const out: HitObject[] = [];
  const sorted = [...notes].sort((a, b) => a.Time - b.Time || a.Lane - b.Lane);
  let lastKick = Number.NEGATIVE_INFINITY;
  const byKey = new Map<string, HitObject>();
  for (const n of sorted) {
    const c = mapComponent(n.Component, kit);
    if (c === null) {
      dropped++;
      continue;
    }
    if (c === "kick" && !kit.doublePedal) {
      if (n.Time - lastKick < SINGLE_PEDAL_MIN_GAP_MS) {
        dropped++;
        continue;
      }
      lastKick = n.Time;
    }
    const lane = COMPONENT_LANE[c];
    if (c !== n.Component) moved++;
    // Two notes folded onto the same lane at the same time are one stroke: keep the louder.
    const key = `${n.Time}:${lane}`;
    const twin = byKey.get(key);
    if (twin) {
      dropped++;
      if (n.Velocity > twin.Velocity) twin.Velocity = n.Velocity;
      continue;
    }
    const folded: HitObject = { ...n, Component: c, Lane: lane };
    byKey.set(key, folded);
    out.push(folded);
  }
  return { notes: out, moved, dropped };
}
