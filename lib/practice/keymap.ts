// Keyboard lanes: which key plays which lane. Stored per device (settings table); codes are
// KeyboardEvent.code so the layout (QWERTY, AZERTY) does not move the lanes.
import { LANE_COUNT } from "../beatmap/lanes.ts";

/** Lane → key codes. Home row for hands, space for the kick. */
export type KeyMap = string[][];

export const DEFAULT_KEYMAP: KeyMap = [
  ["KeyS"], // crash
  ["KeyD"], // hi-hat
  ["KeyF"], // snare
  ["Space"], // kick
  ["KeyJ"], // tom
  ["KeyK"], // ride
  ["KeyL"], // splash
];

/** Code → lane, for the input handler. A code bound twice plays the first lane it is bound to. */
export function laneByCode(map: KeyMap): Map<string, number> {
  const out = new Map<string, number>();
  map.forEach((codes, lane) => {
    for (const c of codes) if (!out.has(c)) out.set(c, lane);
  });
  return out;
}

/** Reads a stored key map, falling back to the default for anything malformed. */
export function parseKeyMap(value: unknown): KeyMap {
  if (!Array.isArray(value) || value.length !== LANE_COUNT) return DEFAULT_KEYMAP.map((c) => [...c]);
  return value.map((codes, lane) =>
    Array.isArray(codes) && codes.every((c) => typeof c === "string" && c.length > 0 && c.length < 32)
      ? (codes as string[]).slice(0, 4)
      : [...DEFAULT_KEYMAP[lane]!],
  );
}

/** Binds `code` to `lane` alone (removing it from any other lane). */
export function bindKey(map: KeyMap, lane: number, code: string): KeyMap {
  return map.map((codes, l) => (l === lane ? [code] : codes.filter((c) => c !== code)));
}

/** "KeyS" → "S", "Space" → "Space", "Digit1" → "1". */
export function keyLabel(code: string): string {
  if (code.startsWith("Key")) return code.slice(3);
  if (code.startsWith("Digit")) return code.slice(5);
  if (code.startsWith("Numpad")) return `Num ${code.slice(6)}`;
  return code;
}
