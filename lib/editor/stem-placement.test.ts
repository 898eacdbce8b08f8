import { describe, expect, it } from "vitest";
import { grooveChart } from "../beatmap/testing.ts";
import { compressFingerprint, ITEMS_PER_SECOND } from "../fingerprint/index.ts";
import { fingerprintOffsetMs, placeStems } from "./stem-placement.ts";

const RATE = 8000;

/** A drum stem with a short noise burst at each of the chart's notes, `lateMs` later. */
function drumStem(notes: readonly { Time: number }[], lateMs: number, seconds: number): Float32Array {
  const out = new Float32Array(seconds * RATE);
  let seed = 7;
  const noise = () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
    return seed / 2 ** 30 - 1;
  };
  for (const n of notes) {
    const at = Math.round(((n.Time + lateMs) / 1000) * RATE);
    for (let i = 0; i < 200 && at + i < out.length; i++) out[at + i]! += noise() * Math.exp(-i / 40);
  }
  return out;
}

const prints = (shiftItems: number) => {
  let seed = 3;
  const raw = Array.from({ length: 400 }, () => {
    seed = (seed * 1_664_525 + 1_013_904_223) >>> 0;
    return seed;
  });
  // The recording has the chart's audio shiftItems later: recording[i] = chart[i - shift].
  return { chart: compressFingerprint(raw.slice(shiftItems)), recording: compressFingerprint(raw) };
};

describe("stems of another recording, placed on the chart", () => {
  it("finds a shift within the search window by the drum attacks alone", () => {
    const chart = grooveChart({ bars: 4 });
    const placed = placeStems([drumStem(chart.HitObjects, 43, 10)], RATE, chart, undefined);
    expect(placed.refined).toBe(true);
    expect(Math.abs(placed.offsetMs - 43)).toBeLessThanOrEqual(2);
  });

  it("starts from the charts' fingerprints when the recordings are far apart", () => {
    const { chart: chartPrint, recording } = prints(10);
    const coarse = fingerprintOffsetMs(recording, chartPrint)!;
    expect(coarse).toBe(Math.round((10 / ITEMS_PER_SECOND) * 1000));
    // The stems start `coarse` + 30 ms later than the chart: out of reach of the attacks alone.
    const chart = { ...grooveChart({ bars: 4 }), Audio: { Filename: "", Fingerprint: chartPrint } };
    const drums = drumStem(chart.HitObjects, coarse + 30, 12);
    // (A repeating groove lines up somewhere near 0 too, just not at the truth.)
    expect(Math.abs(placeStems([drums], RATE, chart, undefined).offsetMs - (coarse + 30))).toBeGreaterThan(
      100,
    );
    const placed = placeStems([drums], RATE, chart, recording);
    expect(placed.refined).toBe(true);
    expect(Math.abs(placed.offsetMs - (coarse + 30))).toBeLessThanOrEqual(2);
  });

  it("ignores fingerprints that are missing, damaged or of another song", () => {
    const { chart, recording } = prints(0);
    expect(fingerprintOffsetMs(undefined, chart)).toBeNull();
    expect(fingerprintOffsetMs(recording, "not a fingerprint")).toBeNull();
    const other = compressFingerprint(Array.from({ length: 400 }, (_, i) => (i * 2_654_435_761) >>> 0));
    expect(fingerprintOffsetMs(recording, other)).toBeNull();
  });
});
