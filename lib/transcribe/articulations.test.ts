import { describe, expect, it } from "vitest";
import { COMPONENT_LANE, type Component, contentHash, velocityClass } from "../beatmap/index.ts";
import {
  articulationChannels,
  assignArticulations,
  minProbabilityProblem,
  pitchClusters,
} from "./articulations.ts";
import { applyPiecewise, piecewiseMapProblem } from "./calibration.ts";
import { buildChart } from "./chart.ts";
import { TranscribeError } from "./errors.ts";
import { pickPeaks } from "./peaks.ts";
import { type KnownHit, rng, rockBar, synthesizeActivations, synthSong } from "./synthetic.ts";
import type { Activations, ArticulationGroup, PeakPickSettings } from "./types.ts";

/** The groups transcriber 1.9.0 ships (docs/MODELS.md; the issue 33 contract). */
const GROUPS: ArticulationGroup[] = [
  { class: "snare", components: ["snare", "snare_rimshot"] },
  { class: "hihat_closed", components: ["hihat_closed", "hihat_pedal"] },
  { class: "tom", components: ["tom_high", "tom_mid", "tom_floor"] },
  { class: "crash", components: ["crash", "splash", "china"] },
  { class: "ride", components: ["ride", "ride_bell"] },
];
const CLASSES_18 = ["kick", "snare", "hihat_closed", "hihat_open", "tom", "crash", "ride"];
const CLASSES_19 = [...CLASSES_18, "snare_cross_stick"];
const THRESHOLDS: Record<string, number> = {
  kick: 0.75,
  snare: 0.75,
  hihat_closed: 0.7,
  hihat_open: 0.7,
  tom: 0.8,
  crash: 0.7,
  ride: 0.75,
  snare_cross_stick: 0.7,
};

interface ArticulatedHit extends KnownHit {
  /** The component struck, or per-component probabilities of its group as the head reports them. */
  component?: Component;
  probs?: number[];
}

/**
 * Onset and velocity heads from the hits, and an articulation head that reports each group's
 * default everywhere except around a hit (± 2 frames), where it reports the hit's component.
 */
function activationsWith(hits: readonly ArticulatedHit[], classes = CLASSES_19, fps = 50): Activations {
  const durationMs = Math.max(...hits.map((h) => h.timeMs)) + 1000;
  const a = synthesizeActivations(hits, { classes, durationMs, fps, withVelocity: true });
  const channels = articulationChannels(GROUPS);
  const frames = a.onset.length / classes.length;
  const data = new Float32Array(frames * channels);
  let offset = 0;
  const offsets = GROUPS.map((g) => {
    const o = offset;
    offset += g.components.length;
    return o;
  });
  for (let f = 0; f < frames; f++) for (const o of offsets) data[f * channels + o] = 1;
  for (const h of hits) {
    const g = GROUPS.findIndex((x) => x.class === h.cls);
    if (g < 0) continue;
    const group = GROUPS[g]!;
    const probs =
      h.probs ??
      group.components.map((c) =>
        c === (h.component ?? group.components[0]) ? 0.9 : 0.1 / (group.components.length - 1),
      );
    const centre = Math.round((h.timeMs / 1000) * fps);
    for (let f = centre - 2; f <= centre + 2; f++) {
      probs.forEach((p, k) => {
        data[f * channels + offsets[g]! + k] = p;
      });
    }
  }
  return { ...a, articulation: { groups: GROUPS, data } };
}

const hit = (timeMs: number, cls: string, extra: Partial<ArticulatedHit> = {}): ArticulatedHit => ({
  timeMs,
  cls,
  height: 0.95,
  velocity: 0.7,
  ...extra,
});
const settings: PeakPickSettings = { thresholds: THRESHOLDS, minGapMs: 40 };
const components = (a: Activations, s: PeakPickSettings = settings) =>
  pickPeaks(a, s).onsets.map((o) => o.component);

describe("articulations from the model's head", () => {
  it("gives each grouped class's onset the component the head chose at its peak", () => {
    const hits = [
      hit(500, "snare"),
      hit(1000, "snare", { component: "snare_rimshot" }),
      hit(1500, "hihat_closed"),
      hit(2000, "hihat_closed", { component: "hihat_pedal" }),
      hit(2500, "crash"),
      hit(3000, "crash", { component: "splash" }),
      hit(3500, "crash", { component: "china" }),
      hit(4000, "ride"),
      hit(4500, "ride", { component: "ride_bell" }),
      hit(5000, "hihat_open"),
      hit(5500, "kick"),
    ];
    expect(components(activationsWith(hits))).toEqual([
      "snare",
      "snare_rimshot",
      "hihat_closed",
      "hihat_pedal",
      "crash",
      "splash",
      "china",
      "ride",
      "ride_bell",
      "hihat_open",
      "kick",
    ]);
  });

  it("keeps the group's default on a tie, and the class's default without a head", () => {
    const tie = activationsWith([hit(500, "ride", { probs: [0.5, 0.5] })]);
    expect(components(tie)).toEqual(["ride"]);
    const { articulation: _, ...withoutHead } = activationsWith([
      hit(500, "snare", { component: "snare_rimshot" }),
      hit(1000, "tom", { component: "tom_floor" }),
      hit(1500, "crash", { component: "china" }),
    ]);
    expect(components(withoutHead)).toEqual(["snare", "tom_mid", "crash"]);
  });

  it("charts the cross-stick class on the snare lane; at one instant the more confident of the two stays", () => {
    const a = activationsWith([
      hit(500, "snare_cross_stick"),
      hit(1000, "snare", { height: 0.8 }),
      hit(1003, "snare_cross_stick", { height: 0.97 }),
    ]);
    const r = buildChart({
      activations: a,
      settings,
      audio: { durationMs: 2000, sampleRate: 22_050 },
      generation: { models: [], backend: "test", stageSeconds: {}, thresholds: {}, createdAt: "x" },
    });
    expect(r.beatmap.HitObjects.map((h) => [h.Component, h.Lane])).toEqual([
      ["snare_cross_stick", 2],
      ["snare_cross_stick", 2],
    ]);
    expect(r.limbs.dropped.map((d) => [d.onset.component, d.reason])).toEqual([["snare", "same_lane"]]);
  });

  it("puts a splash on the splash lane and a pedal hi-hat on a foot", () => {
    const a = activationsWith([
      hit(500, "crash", { component: "splash" }),
      hit(500, "hihat_closed", { component: "hihat_pedal" }),
      hit(500, "snare"),
      hit(500, "ride"),
    ]);
    const r = buildChart({
      activations: a,
      settings,
      audio: { durationMs: 2000, sampleRate: 22_050 },
      generation: { models: [], backend: "test", stageSeconds: {}, thresholds: {}, createdAt: "x" },
    });
    // Splash, snare and ride are three hands: the weakest goes; the pedal is a foot and stays.
    const kept = r.beatmap.HitObjects.map((h) => h.Component);
    expect(kept).toContain("hihat_pedal");
    expect(r.beatmap.HitObjects.find((h) => h.Component === "splash")?.Lane ?? 6).toBe(COMPONENT_LANE.splash);
    expect(r.limbs.dropped.every((d) => d.reason === "too_many_hands")).toBe(true);
  });

  it("refuses a head that does not match its groups, the frames or the classes", () => {
    const a = activationsWith([hit(500, "snare")]);
    const head = a.articulation!;
    expect(() =>
      pickPeaks({ ...a, articulation: { ...head, data: head.data.subarray(1) } }, settings),
    ).toThrow(/Articulation activations hold/);
    const other = {
      ...a,
      articulation: {
        groups: [{ class: "cowbell", components: ["ride", "ride_bell"] }],
        data: new Float32Array((a.onset.length / CLASSES_19.length) * 2),
      },
    } as Activations;
    expect(() => pickPeaks(other, settings)).toThrow(TranscribeError);
    expect(() => pickPeaks(other, settings)).toThrow(/cowbell/);
  });
});

describe("minimum probabilities (precision first)", () => {
  /** GROUPS with a minimum for the rimshot, the bell, and splash / china; the toms' too, ignored. */
  const withMinimums = (a: Activations): Activations => {
    const min: Record<string, (number | null)[]> = {
      snare: [null, 0.8],
      ride: [null, 0.7],
      crash: [null, 0.6, 1],
      tom: [null, 0.99, 0.99],
    };
    const groups = GROUPS.map((g) => (min[g.class] ? { ...g, minProbability: min[g.class] } : g));
    return { ...a, articulation: { ...a.articulation!, groups } };
  };
  const hits = [
    hit(500, "snare", { probs: [0.25, 0.75] }),
    hit(1000, "snare", { probs: [0.15, 0.85] }),
    hit(1500, "ride", { probs: [0.35, 0.65] }),
    hit(2000, "ride", { probs: [0.28, 0.72] }),
    hit(2500, "crash", { probs: [0.1, 0.7, 0.2] }),
    hit(3000, "crash", { probs: [0.05, 0.05, 0.9] }),
    hit(3500, "hihat_closed", { probs: [0.4, 0.6] }),
  ];

  it("charts a non-default component only at or above its minimum, else the group's default", () => {
    expect(components(withMinimums(activationsWith(hits)))).toEqual([
      "snare",
      "snare_rimshot",
      "ride",
      "ride_bell",
      "splash",
      "crash",
      "hihat_pedal",
    ]);
  });

  it("charts the most probable component without the field, as models before it", () => {
    expect(components(activationsWith(hits))).toEqual([
      "snare_rimshot",
      "snare_rimshot",
      "ride_bell",
      "ride_bell",
      "splash",
      "china",
      "hihat_pedal",
    ]);
  });

  it("leaves the toms to their per-song clustering", () => {
    const toms = [0, 1, 2, 3].map((i) =>
      hit(500 + i * 400, "tom", { probs: i < 2 ? [0.9, 0.05, 0.05] : [0.05, 0.05, 0.9] }),
    );
    const plain = components(activationsWith(toms));
    expect(plain).toEqual(["tom_high", "tom_high", "tom_floor", "tom_floor"]);
    expect(components(withMinimums(activationsWith(toms)))).toEqual(plain);
  });

  it("refuses minimums that do not fit the group", () => {
    const a = activationsWith([hit(500, "ride")]);
    const bad = (minProbability: (number | null)[]) => ({
      ...a,
      articulation: {
        ...a.articulation!,
        groups: GROUPS.map((g) => (g.class === "ride" ? { ...g, minProbability } : g)),
      },
    });
    expect(() => pickPeaks(bad([null]), settings)).toThrow(/1 minimum probabilities for 2 components/);
    expect(() => pickPeaks(bad([0.5, 0.5]), settings)).toThrow(/default \(first\) component/);
    expect(() => pickPeaks(bad([null, 1.5]), settings)).toThrow(/minimum probability 1.5/);
    expect(minProbabilityProblem([null, 0.74], 2)).toBeNull();
  });
});

describe("toms by relative pitch", () => {
  const random = rng(33);
  /** A tom hit whose head leans towards `position` (0 high … 2 floor) with noise of ± spread. */
  const tomProbs = (position: number, spread: number) => {
    const x = Math.max(0, Math.min(2, position + (random() * 2 - 1) * spread));
    const p = [0, 1, 2].map((k) => Math.exp(-((x - k) ** 2) / 0.18));
    const sum = p.reduce((s, v) => s + v, 0);
    return p.map((v) => v / sum);
  };

  it("writes one physical tom as one component even when the head wavers between two", () => {
    // One drum the model hears as "high or mid", about evenly: per-hit argmax would split it.
    const probs = Array.from({ length: 24 }, () => {
      const high = 0.5 + (random() * 2 - 1) * 0.15;
      return [high, 0.95 - high, 0.05];
    });
    const argmaxes = new Set(probs.map((p) => p.indexOf(Math.max(...p))));
    expect(argmaxes).toEqual(new Set([0, 1]));
    expect(new Set(pitchClusters(probs)).size).toBe(1);
  });

  it("keeps two toms apart, in the head's order, and three when there are three", () => {
    const two = [
      ...Array.from({ length: 10 }, () => tomProbs(0.2, 0.3)),
      ...Array.from({ length: 10 }, () => tomProbs(1.9, 0.3)),
    ];
    const twoSlots = pitchClusters(two);
    expect(new Set(twoSlots.slice(0, 10))).toEqual(new Set([0]));
    expect(new Set(twoSlots.slice(10))).toEqual(new Set([2]));
    const three = [0, 1, 2].flatMap((k) => Array.from({ length: 8 }, () => tomProbs(k, 0.25)));
    expect(pitchClusters(three)).toEqual([0, 1, 2].flatMap((k) => new Array(8).fill(k)));
  });

  it("applies per song through pickPeaks", () => {
    const hits = [0, 1, 2, 3, 4, 5].map((i) =>
      hit(500 + i * 400, "tom", { probs: i % 2 ? [0.45, 0.55, 0] : [0.55, 0.45, 0] }),
    );
    expect(new Set(components(activationsWith(hits)))).toEqual(new Set(["tom_high"]));
  });

  it("leaves onsets without a peak frame (made by hand) as they are", () => {
    const a = activationsWith([hit(500, "snare", { component: "snare_rimshot" })]);
    const [onset] = pickPeaks(a, settings).onsets;
    const { frame: _, ...noFrame } = { ...onset!, component: "snare" as const };
    expect(assignArticulations([noFrame], a)[0]!.component).toBe("snare");
  });
});

describe("calibration maps", () => {
  it("are piecewise-linear, clamped outside their ends", () => {
    const map = [
      [0.2, 0.1],
      [0.6, 0.5],
      [1, 0.9],
    ] as const;
    expect(applyPiecewise(map, 0)).toBe(0.1);
    expect(applyPiecewise(map, 0.4)).toBeCloseTo(0.3, 9);
    expect(applyPiecewise(map, 0.8)).toBeCloseTo(0.7, 9);
    expect(applyPiecewise(map, 1.5)).toBe(0.9);
  });

  it("say what is wrong with an unusable map", () => {
    expect(piecewiseMapProblem([[0, 0]])).toMatch(/2–32 points/);
    expect(
      piecewiseMapProblem([
        [0, 0],
        [0, 1],
      ]),
    ).toMatch(/increase strictly/);
    expect(
      piecewiseMapProblem([
        [0, 0.5],
        [1, 0.4],
      ]),
    ).toMatch(/not decrease/);
    expect(
      piecewiseMapProblem([
        [0, 0],
        [1, 1.2],
      ]),
    ).toMatch(/outside 0–1/);
    expect(
      piecewiseMapProblem([
        [0, 0],
        [1, Number.NaN],
      ]),
    ).toMatch(/finite/);
    expect(
      piecewiseMapProblem([
        [0, 0],
        [1, 1],
      ]),
    ).toBeNull();
  });

  it("move velocities into the format's bands and confidences to the fitted probability, per class", () => {
    const a = activationsWith([
      hit(500, "snare", { velocity: 0.45, height: 0.9 }),
      hit(1000, "snare", { velocity: 0.62, height: 0.9 }),
      hit(1500, "snare", { velocity: 0.8, height: 0.9 }),
      hit(2000, "kick", { velocity: 0.45, height: 0.9 }),
    ]);
    const calibrated: PeakPickSettings = {
      ...settings,
      calibration: {
        // This model's snare head compresses dynamics: 0.45 is a ghost, 0.8 an accent when played.
        velocity: {
          snare: [
            [0.4, 0.2],
            [0.6, 0.6],
            [0.8, 0.95],
          ],
        },
        confidence: {
          snare: [
            [0.75, 0.3],
            [1, 0.6],
          ],
        },
      },
    };
    const onsets = pickPeaks(a, calibrated).onsets;
    expect(onsets.map((o) => velocityClass(o.velocity))).toEqual(["ghost", "normal", "accent", "normal"]);
    const plain = pickPeaks(a, settings).onsets;
    // The kick has no map: today's rules.
    expect(onsets[3]).toEqual(plain[3]);
    expect(onsets[0]!.confidence).toBeCloseTo(0.3 + (0.3 * (onsets[0]!.height - 0.75)) / 0.25, 5);
    expect(plain[0]!.confidence).toBeGreaterThan(0.5);
  });
});

describe("a model without articulations or calibration (transcriber 1.8.0)", () => {
  it("gives exactly the chart it gave before articulations existed", async () => {
    // The hash was computed with this input by the code at 0e546ae (before issue 33's app part).
    const bar = [
      ...rockBar({ kickAndOf3: true }),
      { at: 3.5, cls: "tom", height: 0.85, velocity: 0.6 },
      { at: 3.75, cls: "ride", height: 0.8, velocity: 0.3 },
      { at: 1.5, cls: "hihat_open", height: 0.8, velocity: 0.9 },
    ];
    const song = synthSong({
      bpmAt: () => 112,
      bar,
      classes: CLASSES_18,
      withVelocity: true,
      crashEveryBars: 4,
      jitterMs: 6,
      noise: 0.05,
      bleed: 0.1,
      seed: 18,
      fps: 50,
      endMs: 21_000,
    });
    const r = buildChart({
      activations: song.activations,
      settings: { thresholds: THRESHOLDS, minGapMs: 40 },
      audio: { durationMs: song.durationMs, sampleRate: 22_050 },
      generation: {
        models: [{ name: "beatsight-transcriber", version: "1.8.0" }],
        backend: "test",
        stageSeconds: {},
        thresholds: {},
        createdAt: "2026-12-08T00:00:00.000Z",
      },
    });
    expect(r.beatmap.HitObjects).toHaveLength(108);
    expect(await contentHash(r.beatmap)).toBe(
      "12de910976ac369d6336a4215d53dcf9db0f4396f8ef576df982188da10dd408",
    );
  });
});
