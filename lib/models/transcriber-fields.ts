// The transcriber's optional `articulations` and `calibration` manifest fields (docs/MODELS.md),
// parsed the same way by the CI's full manifest schema (manifest.ts) and the pipeline's reader
// (lib/pipeline/manifest-adapter.ts). A model without them (1.8.0) reads exactly as before.
import "../zod-csp.ts";
import { z } from "zod";
import { COMPONENTS } from "../beatmap/lanes.ts";
import { articulationChannels, minProbabilityProblem } from "../transcribe/articulations.ts";
import { piecewiseMapProblem } from "../transcribe/calibration.ts";

const piecewiseMap = z.array(z.tuple([z.number(), z.number()])).superRefine((map, ctx) => {
  const problem = piecewiseMapProblem(map);
  if (problem) ctx.addIssue({ code: "custom", message: `not a usable calibration map: ${problem}` });
});

/** Groups → channels of the `output` tensor: groups in order, each group's components in order. */
export const ArticulationsSchema = z.object({
  output: z.string().min(1),
  groups: z
    .array(
      z.object({
        class: z.string().min(1),
        components: z.array(z.enum(COMPONENTS)).min(2),
        /** Per component, the probability a hit needs to be charted as it (articulations.ts). */
        minProbability: z.array(z.number().nullable()).optional(),
      }),
    )
    .min(1),
});

/** Per-class piecewise-linear maps, plus whatever the fit records about itself (fittedOn, ece). */
export const CalibrationSchema = z.looseObject({
  confidence: z.record(z.string(), piecewiseMap).optional(),
  velocity: z.record(z.string(), piecewiseMap).optional(),
});

export type ArticulationsField = z.infer<typeof ArticulationsSchema>;
export type CalibrationField = z.infer<typeof CalibrationSchema>;

/**
 * What the two fields get wrong against the rest of the entry, as a sentence, or null: groups of
 * classes the model does not have (or twice), a component twice in a group, an output the model
 * does not list or whose last dimension is not the channel count, maps of unknown classes.
 */
export function transcriberFieldsProblem(entry: {
  name: string;
  classes: readonly string[];
  outputs: readonly { name: string; shape?: readonly (string | number)[] | undefined }[];
  articulations?: ArticulationsField | undefined;
  calibration?: CalibrationField | undefined;
}): string | null {
  const { articulations, calibration, classes } = entry;
  if (articulations) {
    const out = entry.outputs.find((o) => o.name === articulations.output);
    if (!out) {
      return `${entry.name}'s articulations read the output "${articulations.output}", which its outputs do not list.`;
    }
    const channels = articulationChannels(articulations.groups);
    const last = out.shape?.at(-1);
    if (typeof last === "number" && last !== channels) {
      return `${entry.name}'s "${articulations.output}" output has ${last} channels; its articulation groups name ${channels}.`;
    }
    const seen = new Set<string>();
    for (const g of articulations.groups) {
      if (!classes.includes(g.class)) {
        return `${entry.name} has an articulation group for "${g.class}", which is not one of its classes (${classes.join(", ")}).`;
      }
      if (seen.has(g.class)) return `${entry.name} has two articulation groups for "${g.class}".`;
      seen.add(g.class);
      if (new Set(g.components).size !== g.components.length) {
        return `${entry.name}'s articulation group for "${g.class}" names a component twice.`;
      }
      const problem = g.minProbability ? minProbabilityProblem(g.minProbability, g.components.length) : null;
      if (problem) return `${entry.name}'s articulation group for "${g.class}" ${problem}`;
    }
  }
  for (const kind of ["confidence", "velocity"] as const) {
    for (const cls of Object.keys(calibration?.[kind] ?? {})) {
      if (!classes.includes(cls)) {
        return `${entry.name}'s ${kind} calibration has a map for "${cls}", which is not one of its classes.`;
      }
    }
  }
  return null;
}
