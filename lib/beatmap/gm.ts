// General MIDI percussion (channel 10) note numbers and how they map onto components.
import type { Component } from "./lanes.ts";

/** GM drum channel, zero-based as MIDI libraries count it (channel 10 to people). */
export const GM_DRUM_CHANNEL = 9;

/** Import: every GM note we understand. Notes not listed are skipped with a warning. */
export const GM_NOTE_TO_COMPONENT: Readonly<Record<number, Component>> = {
  35: "kick", // acoustic bass drum
  36: "kick", // bass drum 1
  37: "snare_cross_stick", // side stick
  38: "snare", // acoustic snare
  40: "snare_rimshot", // electric snare: EZdrummer / Superior / Addictive Drums put the rimshot here
  41: "tom_floor", // low floor tom
  43: "tom_floor", // high floor tom
  45: "tom_mid", // low tom
  47: "tom_mid", // low-mid tom
  48: "tom_high", // hi-mid tom
  50: "tom_high", // high tom
  42: "hihat_closed",
  44: "hihat_pedal",
  46: "hihat_open",
  49: "crash", // crash cymbal 1
  57: "crash2", // crash cymbal 2
  52: "china",
  55: "splash",
  51: "ride", // ride cymbal 1 (bow)
  59: "ride", // ride cymbal 2
  53: "ride_bell",
};

/** Export: one GM note per component (the first of each pair above). */
export const COMPONENT_TO_GM_NOTE: Readonly<Record<Component, number>> = {
  kick: 36,
  snare_cross_stick: 37,
  snare: 38,
  snare_rimshot: 40,
  tom_floor: 43,
  tom_mid: 47,
  tom_high: 48,
  hihat_closed: 42,
  hihat_pedal: 44,
  hihat_open: 46,
  crash: 49,
  crash2: 57,
  china: 52,
  splash: 55,
  ride: 51,
  ride_bell: 53,
};
