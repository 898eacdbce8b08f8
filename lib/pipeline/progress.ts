// Progress across the pipeline's stages as one number and an ETA. Stages have weights (their
// expected share of the run time); the ETA extrapolates from the time spent so far, once enough of
// the run has passed for that to mean something.

export const STAGES = ["decode", "load-models", "separate", "transcribe", "post-process", "chart"] as const;
export type Stage = (typeof STAGES)[number];

export interface ProgressEvent {
  stage: Stage;
  /** 0–1 within the stage. */
  stageFraction: number;
  /** 0–1 over the whole run. */
  fraction: number;
  /** Seconds left, or null while too early to tell. */
  etaSeconds: number | null;
}

export type StageWeights = Partial<Record<Stage, number>>;

export const DEFAULT_WEIGHTS: Required<StageWeights> = {
  decode: 0.05,
  "load-models": 0.1,
  separate: 0.5,
  transcribe: 0.3,
  "post-process": 0.04,
  chart: 0.01,
};

export class ProgressTracker {
  private readonly order: Stage[];
  private readonly weights: Record<Stage, number>;
  private readonly started: number;
  private readonly stageStarted = new Map<Stage, number>();
  readonly stageSeconds: Partial<Record<Stage, number>> = {};

  constructor(
    private readonly emit: (event: ProgressEvent) => void,
    stages: readonly Stage[] = STAGES,
    weights: StageWeights = DEFAULT_WEIGHTS,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.order = [...stages];
    const total = this.order.reduce((s, st) => s + (weights[st] ?? DEFAULT_WEIGHTS[st]), 0);
    this.weights = Object.fromEntries(
      STAGES.map((st) => [st, this.order.includes(st) ? (weights[st] ?? DEFAULT_WEIGHTS[st]) / total : 0]),
    ) as Record<Stage, number>;
    this.started = now();
  }

  update(stage: Stage, stageFraction: number): void {
    if (!this.stageStarted.has(stage)) this.stageStarted.set(stage, this.now());
    const clamped = Math.min(1, Math.max(0, stageFraction));
    let fraction = 0;
    for (const st of this.order) {
      if (st === stage) break;
      fraction += this.weights[st];
    }
    fraction += this.weights[stage] * clamped;
    const elapsed = (this.now() - this.started) / 1000;
    const etaSeconds = fraction >= 0.05 && elapsed > 0.5 ? (elapsed / fraction) * (1 - fraction) : null;
    this.emit({ stage, stageFraction: clamped, fraction, etaSeconds });
  }

  /** Runs one stage, timing it and reporting its start and end. */
  async stage<T>(stage: Stage, work: (report: (fraction: number) => void) => Promise<T>): Promise<T> {
    this.update(stage, 0);
    const t0 = this.now();
    try {
      const result = await work((f) => this.update(stage, f));
      this.update(stage, 1);
      return result;
    } finally {
      this.stageSeconds[stage] = Math.round(this.now() - t0) / 1000;
    }
  }
}
