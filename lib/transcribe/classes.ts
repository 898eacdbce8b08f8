// Model class names → .bsm components. Models name their classes after the data set they were
// trained on (ENST: BD/SD/HH, MDB: KD/SD/HH, E-GMD: GM note numbers), so the default mapping
// accepts the common spellings and GM note numbers; anything else is passed in by the caller.
import { type Component, GM_NOTE_TO_COMPONENT, isComponent } from "../beatmap/index.ts";

/** Lower-case, separators removed: "Hi-Hat Closed" → "hihatclosed". */
export function normalizeClassName(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]/g, "");
}

const ALIASES: Readonly<Record<Component, readonly string[]>> = {
  kick: ["kick", "kd", "bd", "bassdrum", "kickdrum"],
  snare: ["snare", "sd", "snaredrum"],
  snare_rimshot: ["snarerimshot", "rimshot", "sdrim", "rim"],
  snare_cross_stick: ["snarecrossstick", "crossstick", "sidestick", "xstick"],
  hihat_closed: ["hihatclosed", "hh", "chh", "closedhihat", "hihat", "hhclosed", "hhc"],
  hihat_open: ["hihatopen", "ohh", "oh", "openhihat", "hhopen", "hho"],
  hihat_pedal: ["hihatpedal", "phh", "pedalhihat", "hhpedal", "hhp", "fhh"],
  tom_high: ["tomhigh", "ht", "hightom", "hitom", "tom1", "hmt"],
  tom_mid: ["tommid", "mt", "midtom", "tom2", "toms", "tom", "tt"],
  tom_floor: ["tomfloor", "ft", "lt", "floortom", "lowtom", "tom3"],
  crash: ["crash", "cy", "cc", "crash1", "cymbal", "cymbals", "cy1"],
  crash2: ["crash2", "cy2"],
  china: ["china", "chinacymbal"],
  ride: ["ride", "rd", "rc", "ridecymbal", "ridebow"],
  ride_bell: ["ridebell", "rb", "bell"],
  splash: ["splash", "spl", "splashcymbal"],
};

/** Normalised class name → component, built once from the aliases above. */
export const DEFAULT_CLASS_COMPONENTS: ReadonlyMap<string, Component> = new Map(
  (Object.entries(ALIASES) as [Component, readonly string[]][]).flatMap(([component, names]) =>
    names.map((n) => [n, component] as const),
  ),
);

/**
 * The component for a model class, or null when the class should be ignored (an explicit
 * `null` override, or a name nobody recognises). Order: caller's overrides (exact name, then
 * normalised), an exact component name, the aliases, then a GM drum note number.
 */
export function componentForClass(
  className: string,
  overrides: Record<string, Component | null> = {},
): Component | null {
  if (Object.hasOwn(overrides, className)) return overrides[className] ?? null;
  const norm = normalizeClassName(className);
  for (const [key, value] of Object.entries(overrides)) {
    if (normalizeClassName(key) === norm) return value;
  }
  if (isComponent(className)) return className;
  const alias = DEFAULT_CLASS_COMPONENTS.get(norm);
  if (alias) return alias;
  if (/^\d{2}$/.test(norm)) return GM_NOTE_TO_COMPONENT[Number(norm)] ?? null;
  return null;
}
