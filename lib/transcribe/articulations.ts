// Articulations: a model with an articulation head says, for the onsets of some classes, which
// component of a group was struck (snare head or rimshot, closed hi-hat or pedal, crash / splash /
// china, ride bow or bell, which tom). Read at each onset's peak frame.
//
// Most groups take the most probable component (the group's first, its default, on a tie). Toms
// are different: "high", "mid" and "floor" are relative to the kit, so a model unsure of a kit's
// toms scatters one physical tom over two components, and a chart that writes one drum as two is
// worse than one that merges two. So within a song the tom hits are clustered on their expected
// position in the group (0 = first component … n − 1 = last): the most clusters whose centres lie
// at least TOM_MIN_SEPARATION apart, each cluster one drum, the drums given the components in the
// group's order nearest their centres. Hits of one drum score alike and share one component;
// the order (high above mid above floor) follows the model's scores.
//
// A group whose manifest entry carries `minProbability` is precision-first: a hit takes a
// non-default component only when that component is the most probable and its probability reaches
// the component's minimum; otherwise the default (the plain stroke). A wrong rimshot or bell mark
// costs a drummer more than a missing one. The minimums are fitted on held-out synthetic hits
// (training/articulation_eval.py). Toms keep their clustering; a model without the field charts
// by the most probable component, as before.
import { COMPONENT_LANE, LANE } from "../beatmap/index.ts";
import { TranscribeError } from "./errors.ts";
import type { Activations, ArticulationGroup, Onset } from "./types.ts";

/** Tom clusters closer than this (in group positions) are one drum. */
export const TOM_MIN_SEPARATION = 0.5;

interface GroupLayout {
  group: ArticulationGroup;
  /** First channel of the group in the head's rows. */
  offset: number;
}

/** Channels per frame of the articulation head. */
export function articulationChannels(groups: readonly ArticulationGroup[]): number {
  return groups.reduce((n, g) => n + g.components.length, 0);
}

/** Throws TranscribeError unless the head matches its groups, the frames and the model's classes. */
export function assertArticulations(a: Activations, frames: number): void {
  const head = a.articulation;
  if (!head) return;
  const channels = articulationChannels(head.groups);
  if (head.data.length !== frames * channels) {
    throw new TranscribeError(
      "invalid_activations",
      `Articulation activations hold ${head.data.length} values; ${frames} frames × ${channels} channels expected.`,
    );
  }
  const seen = new Set<string>();
  for (const g of head.groups) {
    if (!a.classes.includes(g.class)) {
      throw new TranscribeError(
        "invalid_activations",
        `An articulation group names the class "${g.class}", which the model does not have (${a.classes.join(", ")}).`,
      );
    }
    if (seen.has(g.class)) {
      throw new TranscribeError(
        "invalid_activations",
        `Two articulation groups name the class "${g.class}".`,
      );
    }
    seen.add(g.class);
    if (g.components.length < 2) {
      throw new TranscribeError(
        "invalid_activations",
        `The articulation group of "${g.class}" needs at least two components.`,
      );
    }
    const problem = g.minProbability ? minProbabilityProblem(g.minProbability, g.components.length) : null;
    if (problem) {
      throw new TranscribeError("invalid_activations", `The articulation group of "${g.class}" ${problem}`);
    }
  }
}

/**
 * What is wrong with a group's `minProbability` for `size` components, as the rest of a sentence
 * about the group, or null: one entry per component, the default's null, the others null or a
 * probability in [0, 1].
 */
export function minProbabilityProblem(min: readonly (number | null)[], size: number): string | null {
  if (min.length !== size) return `has ${min.length} minimum probabilities for ${size} components.`;
  if (min[0] !== null) return "gives its default (first) component a minimum probability; it takes null.";
  const bad = min.find((v) => v !== null && !(Number.isFinite(v) && v >= 0 && v <= 1));
  return bad === undefined ? null : `has the minimum probability ${bad}; each is null or between 0 and 1.`;
}

/** Groups whose components are all toms: relative pitch, resolved per song. */
const isPitchGroup = (g: ArticulationGroup) => g.components.every((c) => COMPONENT_LANE[c] === LANE.tom);

/**
 * Onsets with the component their class's articulation group chose (onsets of other classes, or
 * without a peak frame, unchanged). Without an articulation head, the onsets themselves.
 */
export function assignArticulations(onsets: readonly Onset[], a: Activations): Onset[] {
  const head = a.articulation;
  if (!head) return [...onsets];
  const channels = articulationChannels(head.groups);
  const layouts = new Map<string, GroupLayout>();
  let offset = 0;
  for (const group of head.groups) {
    layouts.set(group.class, { group, offset });
    offset += group.components.length;
  }
  const probabilities = (o: Onset, layout: GroupLayout): number[] => {
    const base = o.frame! * channels + layout.offset;
    return layout.group.components.map((_, k) => head.data[base + k] ?? 0);
  };
  const out = [...onsets];
  for (const layout of layouts.values()) {
    const members = out.flatMap((o, i) =>
      o.className === layout.group.class && o.frame !== undefined ? [i] : [],
    );
    if (members.length === 0) continue;
    const probs = members.map((i) => probabilities(out[i]!, layout));
    const min = layout.group.minProbability;
    const choice = isPitchGroup(layout.group)
      ? pitchClusters(probs)
      : probs.map((p) => (min ? precisionFirst(p, min) : argmax(p)));
    members.forEach((i, k) => {
      out[i] = { ...out[i]!, component: layout.group.components[choice[k]!]! };
    });
  }
  return out;
}

/** Index of the largest value; the first on a tie (the group's default comes first). */
function argmax(p: readonly number[]): number {
  let best = 0;
  for (let k = 1; k < p.length; k++) if (p[k]! > p[best]!) best = k;
  return best;
}

/** The most probable component if it is the default or reaches its minimum; else the default. */
function precisionFirst(p: readonly number[], min: readonly (number | null)[]): number {
  const best = argmax(p);
  const floor = min[best] ?? null;
  return floor === null || p[best]! >= floor ? best : 0;
}

/** Expected position of a hit in the group's order (0 … n − 1). */
function positionOf(p: readonly number[]): number {
  let sum = 0;
  let weighted = 0;
  p.forEach((v, k) => {
    sum += v;
    weighted += k * v;
  });
  return sum > 0 ? weighted / sum : (p.length - 1) / 2;
}

/** The component index of each tom hit, consistent across the song (see the header). */
export function pitchClusters(probs: readonly (readonly number[])[]): number[] {
  if (probs.length === 0) return [];
  const size = probs[0]!.length;
  const positions = probs.map(positionOf);
  const centres = clusterCentres(positions, size);
  const slots = nearestIncreasingSlots(centres, size);
  return positions.map((x) => {
    let best = 0;
    for (let c = 1; c < centres.length; c++) {
      if (Math.abs(x - centres[c]!) < Math.abs(x - centres[best]!)) best = c;
    }
    return slots[best]!;
  });
}

/**
 * Centres (ascending) of a 1-D k-means with the largest k ≤ maxK whose clusters are all used and
 * whose neighbouring centres are at least TOM_MIN_SEPARATION apart.
 */
function clusterCentres(values: readonly number[], maxK: number): number[] {
  const sorted = [...values].sort((x, y) => x - y);
  for (let k = Math.min(maxK, sorted.length); k > 1; k--) {
    const centres = kMeans1d(sorted, k);
    if (!centres) continue;
    if (centres.every((c, i) => i === 0 || c - centres[i - 1]! >= TOM_MIN_SEPARATION)) return centres;
  }
  return [sorted.reduce((s, v) => s + v, 0) / sorted.length];
}

/** Lloyd's algorithm from quantile starts (deterministic); null when a cluster ends up empty. */
function kMeans1d(sorted: readonly number[], k: number): number[] | null {
  let centres = Array.from({ length: k }, (_, i) => sorted[Math.floor(((i + 0.5) / k) * sorted.length)]!);
  for (let iteration = 0; iteration < 50; iteration++) {
    const sums = new Array<number>(k).fill(0);
    const counts = new Array<number>(k).fill(0);
    for (const v of sorted) {
      let best = 0;
      for (let c = 1; c < k; c++) if (Math.abs(v - centres[c]!) < Math.abs(v - centres[best]!)) best = c;
      sums[best]! += v;
      counts[best]!++;
    }
    if (counts.some((n) => n === 0)) return null;
    const next = sums.map((s, c) => s / counts[c]!);
    const moved = next.some((c, i) => Math.abs(c - centres[i]!) > 1e-9);
    centres = next;
    if (!moved) break;
  }
  return centres;
}

/** Strictly increasing slots 0 … size − 1, one per centre, nearest the centres in total. */
function nearestIncreasingSlots(centres: readonly number[], size: number): number[] {
  let best: number[] = [];
  let bestCost = Number.POSITIVE_INFINITY;
  const pick = (from: number, chosen: number[]) => {
    if (chosen.length === centres.length) {
      const cost = chosen.reduce((s, slot, i) => s + Math.abs(centres[i]! - slot), 0);
      if (cost < bestCost - 1e-12) {
        bestCost = cost;
        best = [...chosen];
      }
      return;
    }
    for (let slot = from; slot < size; slot++) pick(slot + 1, [...chosen, slot]);
  };
  pick(0, []);
  return best;
}
