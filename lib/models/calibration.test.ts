// The transcriber's shipped calibration (public/models/manifest.json `calibration`, fitted by
// `training/cli.py evaluate-articulations --write-manifest`): maps the app can apply as they are.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

type PointMap = number[][];
interface Calibration {
  confidence?: Record<string, PointMap>;
  velocity?: Record<string, PointMap>;
  fittedOn?: string;
  ece?: { before: number; after: number };
}
interface Entry {
  task: string;
  classes: string[];
  calibration?: Calibration;
}

const manifest = JSON.parse(
  readFileSync(fileURLToPath(new URL("../../public/models/manifest.json", import.meta.url)), "utf8"),
) as { models: Entry[] };
const transcriber = manifest.models.find((m) => m.task === "transcription");

/**
 * What breaks the contract for a map (2–32 points, x strictly increasing, y non-decreasing, both
 * within 0–1: probabilities and velocities in, probabilities and velocities out), or null.
 */
function mapProblem(map: PointMap): string | null {
  if (map.length < 2 || map.length > 32) return `${map.length} points`;
  for (const [i, point] of map.entries()) {
    if (point.length !== 2 || !point.every((v) => Number.isFinite(v) && v >= 0 && v <= 1)) {
      return `point ${i} (${point.join(", ")}) is not two numbers within 0–1`;
    }
    const prev = map[i - 1];
    if (prev && !(point[0]! > prev[0]!)) return `x does not increase at point ${i}`;
    if (prev && point[1]! < prev[1]!) return `y decreases at point ${i}`;
  }
  return null;
}

describe("the transcriber's calibration maps", () => {
  const calibration = transcriber?.calibration;

  it("are shipped for confidence and velocity, only for the model's classes", () => {
    expect(calibration).toBeDefined();
    for (const kind of ["confidence", "velocity"] as const) {
      const classes = Object.keys(calibration?.[kind] ?? {});
      expect(classes.length, kind).toBeGreaterThan(0);
      for (const c of classes) expect(transcriber?.classes, `${kind} map of ${c}`).toContain(c);
    }
  });

  it("are monotone piecewise-linear maps of 2–32 points within 0–1", () => {
    for (const kind of ["confidence", "velocity"] as const) {
      for (const [c, map] of Object.entries(calibration?.[kind] ?? {})) {
        expect(mapProblem(map), `${kind} map of ${c}`).toBeNull();
      }
    }
  });

  it("say what they were fitted on and lowered the held-out calibration error", () => {
    expect(calibration?.fittedOn).toMatch(/held-out/);
    expect(calibration?.ece?.after).toBeLessThan(calibration?.ece?.before ?? 0);
  });

  it("would be refused when broken", () => {
    expect(mapProblem([[0.5, 0.5]])).toMatch(/1 points/);
    expect(
      mapProblem([
        [0.2, 0.1],
        [0.2, 0.3],
      ]),
    ).toMatch(/x does not increase/);
    expect(
      mapProblem([
        [0.2, 0.4],
        [0.6, 0.3],
      ]),
    ).toMatch(/y decreases/);
    expect(
      mapProblem([
        [0.2, 0.4],
        [0.6, 1.3],
      ]),
    ).toMatch(/within 0–1/);
  });
});
