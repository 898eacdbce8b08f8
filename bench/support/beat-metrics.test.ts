import { describe, expect, it } from "vitest";
import {
  beatFMeasure,
  chartGrid,
  constantGridShare,
  continuity,
  mainTempo,
  matchCount,
  readBeats,
  referenceVariations,
  scoreGrid,
  tempoAccuracy,
  trimBeats,
} from "./beat-metrics.ts";

const range = (n: number, step: number, from = 0) => Array.from({ length: n }, (_, i) => from + i * step);
const ref = range(61, 0.5); // 120 BPM for 30 s

// The same sequences as bench/support/beat-metrics-mir-eval.py; expected values printed by that
// script with mir_eval 0.7 (Debian's python3-mir-eval), both sequences trimmed at 5 s first.
const cases: Record<
  string,
  { est: number[]; f: number; cmlc: number; cmlt: number; amlc: number; amlt: number }
> = {
  exact: { est: [...ref], f: 1, cmlc: 1, cmlt: 1, amlc: 1, amlt: 1 },
  shift30ms: { est: ref.map((t) => t + 0.03), f: 1, cmlc: 1, cmlt: 1, amlc: 1, amlt: 1 },
  shift100ms: { est: ref.map((t) => t + 0.1), f: 0, cmlc: 0, cmlt: 0, amlc: 0, amlt: 0 },
  double: { est: range(121, 0.25), f: 0.6710526315789473, cmlc: 0, cmlt: 0, amlc: 1, amlt: 1 },
  half: { est: ref.filter((_, i) => i % 2 === 0), f: 0.6753246753246753, cmlc: 0, cmlt: 0, amlc: 1, amlt: 1 },
  offbeat: { est: ref.slice(0, -1).map((t) => t + 0.25), f: 0, cmlc: 0, cmlt: 0, amlc: 1, amlt: 1 },
  jitter: {
    est: ref.map((t, i) => t + 0.06 * Math.sin(1.7 * i)),
    f: 0.99009900990099,
    cmlc: 0.19607843137254902,
    cmlt: 0.8431372549019608,
    amlc: 0.19607843137254902,
    amlt: 0.8431372549019608,
  },
  drift: {
    est: range(58, 0.52),
    f: 0.2828282828282829,
    cmlc: 0.17647058823529413,
    cmlt: 0.35294117647058826,
    amlc: 0.17647058823529413,
    amlt: 0.35294117647058826,
  },
  inserted: {
    est: [...ref, 15.2].sort((a, b) => a - b),
    f: 0.9902912621359222,
    cmlc: 0.5576923076923077,
    cmlt: 0.9615384615384616,
    amlc: 0.5576923076923077,
    amlt: 0.9615384615384616,
  },
  slip: {
    est: ref.map((t) => (t >= 15 ? t + 0.2 : t)),
    f: 0.39215686274509803,
    cmlc: 0.39215686274509803,
    cmlt: 0.39215686274509803,
    amlc: 0.5686274509803921,
    amlt: 0.5686274509803921,
  },
};

describe("beat metrics agree with mir_eval 0.7", () => {
  for (const [name, c] of Object.entries(cases)) {
    it(name, () => {
      const r = trimBeats(ref);
      const e = trimBeats(c.est);
      expect(beatFMeasure(r, e)).toBeCloseTo(c.f, 12);
      const got = continuity(r, e);
      expect(got.cmlc).toBeCloseTo(c.cmlc, 12);
      expect(got.cmlt).toBeCloseTo(c.cmlt, 12);
      expect(got.amlc).toBeCloseTo(c.amlc, 12);
      expect(got.amlt).toBeCloseTo(c.amlt, 12);
    });
  }

  it("returns zeros for empty or single-beat sequences, as mir_eval does", () => {
    expect(beatFMeasure([], [1, 2])).toBe(0);
    expect(beatFMeasure([1, 2], [])).toBe(0);
    expect(continuity([6], [6, 7])).toEqual({ cmlc: 0, cmlt: 0, amlc: 0, amlt: 0 });
  });

  it("builds the five metric variations as mir_eval does", () => {
    const v = referenceVariations([0, 1, 2, 3]);
    expect(v).toEqual([
      [0, 1, 2, 3],
      [0.5, 1.5, 2.5],
      [0, 0.5, 1, 1.5, 2, 2.5, 3],
      [0, 2],
      [1, 3],
    ]);
  });

  it("matches one to one within the window, each beat used once", () => {
    expect(matchCount([1, 2, 3], [1.06, 1.1, 2.5, 3], 0.07)).toBe(2);
    expect(matchCount([1, 1.05], [1.02], 0.07)).toBe(1);
  });
});

describe("tempo, downbeats and the constant grid", () => {
  it("takes the main tempo from the median interval", () => {
    expect(mainTempo(ref)).toBeCloseTo(120, 9);
    // A step from 120 to 100 BPM: more beats at 120, so 120 is the median.
    expect(mainTempo([...range(20, 0.5), ...range(10, 0.6, 10)])).toBeCloseTo(120, 9);
    expect(mainTempo([1])).toBeUndefined();
  });

  it("scores Acc1 within 4 % and Acc2 at ×2, ×½, ×3, ×⅓", () => {
    expect(tempoAccuracy(124, 120)).toEqual({ acc1: true, acc2: true });
    expect(tempoAccuracy(125, 120)).toEqual({ acc1: false, acc2: false });
    expect(tempoAccuracy(61, 120)).toEqual({ acc1: false, acc2: true });
    expect(tempoAccuracy(236, 120)).toEqual({ acc1: false, acc2: true });
    expect(tempoAccuracy(40.5, 120)).toEqual({ acc1: false, acc2: true });
    expect(tempoAccuracy(350, 120)).toEqual({ acc1: false, acc2: true });
    expect(tempoAccuracy(undefined, 120)).toEqual({ acc1: false, acc2: false });
  });

  it("fits one constant grid and counts the beats within 40 ms of it", () => {
    expect(constantGridShare(ref)).toMatchObject({ share: 1 });
    expect(constantGridShare(ref)!.bpm).toBeCloseTo(120, 9);
    // A step 120 → 100 BPM halfway: a single line cannot hold both halves.
    const step = [...range(30, 0.5), ...range(30, 0.6, 15)];
    const grid = constantGridShare(step)!;
    expect(grid.share).toBeLessThan(0.4);
    expect(grid.maxDeviation).toBeGreaterThan(0.2);
    expect(constantGridShare([1])).toBeUndefined();
  });

  it("scores a chart over the annotated span only", () => {
    const downbeats = ref.filter((_, i) => i % 4 === 0);
    // The chart's grid runs 20 s past the annotation and its bar lines are one beat late.
    const chart = range(101, 0.5);
    const scores = scoreGrid(
      { beats: ref, downbeats },
      { beats: chart, downbeats: chart.filter((_, i) => i % 4 === 1) },
    );
    expect(scores).toMatchObject({ beatF: 1, cmlt: 1, amlt: 1, acc1: true, acc2: true, constantGrid: 1 });
    expect(scores.downbeatF).toBe(0);
    expect(
      scoreGrid({ beats: ref, downbeats: [] }, { beats: chart, downbeats: [] }).downbeatF,
    ).toBeUndefined();
  });
});

describe("reading both sides", () => {
  it("reads MDB-style beat files with bar positions", () => {
    const text = "0.01000 \t 1\n0.55000 \t 2\n\n1.08 3\n1.62\t4\n2.15\t1\n";
    expect(readBeats(text)).toEqual({ beats: [0.01, 0.55, 1.08, 1.62, 2.15], downbeats: [0.01, 2.15] });
  });

  it("draws a chart's beats from its Offset, with bar starts as downbeats", () => {
    const grid = chartGrid({ Bpm: 120, Offset: 1000, TimeSignature: "4/4", TimingPoints: [] }, 5000);
    expect(grid.beats).toEqual(range(9, 0.5, 1));
    expect(grid.downbeats).toEqual([1, 3, 5]);
  });

  it("follows timing points, odd bars and a pickup", () => {
    const timing = {
      Bpm: 60,
      Offset: 0,
      TimeSignature: "1/4",
      TimingPoints: [
        { Time: 1000, Bpm: 120, TimeSignature: "4/4" },
        { Time: 3000, Bpm: 120, TimeSignature: "2/4" },
        { Time: 4000, Bpm: 120, TimeSignature: "4/4" },
      ],
    };
    const grid = chartGrid(timing, 6000);
    expect(grid.beats).toEqual([0, ...range(11, 0.5, 1)]);
    expect(grid.downbeats).toEqual([1, 3, 4, 6]);
  });

  it("beats in dotted quarters in 6/8 and 12/8", () => {
    // 90 quarter notes a minute: a dotted quarter is 1 s.
    const grid = chartGrid({ Bpm: 90, Offset: 0, TimeSignature: "6/8", TimingPoints: [] }, 4000);
    expect(grid.beats.map((b) => Math.round(b * 1e6) / 1e6)).toEqual([0, 1, 2, 3, 4]);
    expect(grid.downbeats.map((b) => Math.round(b * 1e6) / 1e6)).toEqual([0, 2, 4]);
  });
});
