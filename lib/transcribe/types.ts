// Inputs and outputs of transcription post-processing. Everything model-specific (class names,
// frame rate, thresholds) arrives here as data, normally read from public/models/manifest.json.
import type { Component } from "../beatmap/index.ts";

/** Frame-wise output of a drum-transcription model. */
export interface Activations {
  /** Frames per second of `onset` (and `velocity`). */
  fps: number;
  /** The model's class names, one per column. */
  classes: string[];
  /** Onset probability 0–1, frames × classes, row-major: `onset[frame * classes.length + c]`. */
  onset: Float32Array;
  /** Optional velocity head, same shape, 0–1. */
  velocity?: Float32Array;
  /** Optional articulation head: which component of its group a class's onset is. */
  articulation?: ArticulationActivations;
}

/** The onsets of model class `class` are one of `components` (in the head's channel order). */
export interface ArticulationGroup {
  class: string;
  components: Component[];
  /**
   * Per component, the probability a hit needs to be charted as it (null: none, as for the
   * default, the first). Absent: the most probable component. Tom groups ignore it (articulations.ts).
   */
  minProbability?: (number | null)[] | undefined;
}

/**
 * A model's articulation output: per frame, every group's components in order (channels = the
 * sum of the groups' sizes), probabilities softmaxed within each group, read at the parent
 * class's onset peak.
 */
export interface ArticulationActivations {
  groups: ArticulationGroup[];
  /** frames × channels, row-major. */
  data: Float32Array;
}

/** A monotone piecewise-linear map as [x, y] points, x strictly increasing (lib/transcribe/calibration.ts). */
export type PiecewiseMap = readonly (readonly [number, number])[];

/** Per model class: calibration maps fitted on held-out data. A class without one keeps the default rule. */
export interface Calibration {
  /** Peak onset probability → probability that the note is real. */
  confidence?: Readonly<Record<string, PiecewiseMap>>;
  /** Velocity head at the peak → played velocity 0–1 (MIDI / 127). */
  velocity?: Readonly<Record<string, PiecewiseMap>>;
}

export interface PeakPickSettings {
  /** Per-class onset threshold (by model class name). Classes without one use `defaultThreshold`. */
  thresholds: Record<string, number>;
  /** Used for classes missing from `thresholds`; default 0.5. */
  defaultThreshold?: number;
  /**
   * Per-class refractory window, ms: of two peaks closer than this, the lower one is dropped.
   * A number applies to every class; default 30 ms (a fast roll is ~20 strokes/s = 50 ms apart).
   */
  minGapMs?: number | Record<string, number>;
  /**
   * Model class name → .bsm component (`null` ignores the class). Consulted before the default
   * mapping (`DEFAULT_CLASS_COMPONENTS`), so a model only lists what it names unusually.
   */
  classToComponent?: Record<string, Component | null>;
  /** Confidence and velocity maps per class (the manifest's `calibration`); absent: the default rules. */
  calibration?: Calibration;
}

/** One detected drum hit. */
export interface Onset {
  /** Sub-frame onset time, ms from the start of the activations. */
  timeMs: number;
  /** Column in the activations. */
  classIndex: number;
  className: string;
  component: Component;
  /** Interpolated peak height of the onset activation, 0–1. */
  height: number;
  /** Dynamics 0–1 (velocity head if present, else relative peak height). */
  velocity: number;
  /**
   * Certainty 0–1: the class's confidence map of the peak height when calibrated, else 0.5
   * exactly at the class threshold (peakConfidence).
   */
  confidence: number;
  /** The peak's frame (where the articulation head is read). */
  frame?: number;
}
