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
  /** Calibrated certainty 0–1; 0.5 exactly at the class threshold. */
  confidence: number;
}
