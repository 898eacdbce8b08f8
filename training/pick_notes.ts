// The app's notes from activations written by training/app_notes.py (check_port): lib/transcribe's
// peak picking, articulations and calibration (pickPeaks) and its limb rules (resolveSimultaneous),
// on the notes inside the audio, as lib/transcribe/chart.ts runs them. Prints the kept notes as JSON.
//
//   node --import tsx training/pick_notes.ts <activations.json>
import { readFileSync } from "node:fs";
import { resolveSimultaneous } from "../lib/transcribe/limbs.ts";
import { pickPeaks } from "../lib/transcribe/peaks.ts";
import type { Activations, PeakPickSettings } from "../lib/transcribe/types.ts";

const file = process.argv[2];
if (!file) {
  console.error("usage: node --import tsx training/pick_notes.ts <activations.json>");
  process.exit(2);
}
const input = JSON.parse(readFileSync(file, "utf8"));
// The articulation head and the calibration maps arrive as the manifest spells them; spread in so
// this reads the same against a lib/transcribe with or without them.
const activations: Activations = {
  fps: input.fps,
  classes: input.classes,
  onset: Float32Array.from(input.onset),
  velocity: Float32Array.from(input.velocity),
  ...(input.articulation
    ? { articulation: { groups: input.articulation.groups, data: Float32Array.from(input.articulation.data) } }
    : {}),
};
const settings: PeakPickSettings = {
  thresholds: input.thresholds,
  ...(input.calibration ? { calibration: input.calibration } : {}),
};
const { onsets } = pickPeaks(activations, settings);
const { kept } = resolveSimultaneous(onsets.filter((o) => o.timeMs >= 0 && o.timeMs < input.durationMs));
console.log(
  JSON.stringify(
    kept.map((o) => ({
      timeMs: o.timeMs,
      className: o.className,
      component: o.component,
      velocity: o.velocity,
      confidence: o.confidence,
    })),
  ),
);
